package io.regshift.cli;

/** ls's -o: a table, a wider table, kubectl's resource/name, or JSON lines. */
enum ListFormat { table, wide, name, json }
