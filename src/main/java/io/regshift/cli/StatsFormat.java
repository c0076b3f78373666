package io.regshift.cli;

/** stats' -o: tables for a person, or one JSON document. */
enum StatsFormat { table, json }
