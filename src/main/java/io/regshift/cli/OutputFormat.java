package io.regshift.cli;

import io.regshift.kube.Json;
import io.regshift.kube.Yaml;
import java.io.PrintWriter;
import java.util.Map;

/** How objects are printed on stdout, after kubectl's {@code -o}. */
enum OutputFormat {
  yaml, json;

  /** Prints one object; YAML documents after the first are preceded by {@code ---}. */
  void print(PrintWriter out, Map<String, Object> obj, boolean first, boolean jsonLines) {
    switch (this) {
      case yaml -> {
        if (!first) {
          out.print("---\n");
        }
        out.print(Yaml.write(obj));
      }
      case json -> out.print((jsonLines ? Json.write(obj) : Json.writeIndented(obj)) + "\n");
      default -> throw new IllegalStateException();
    }
    out.flush();
  }
}
