package io.regshift.cli;

/** get's -o: kubectl's YAML or JSON, or the stored bytes as etcd holds them. */
enum GetFormat { yaml, json, raw }
