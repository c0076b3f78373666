package io.regshift.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs regshift in-process as a user would, capturing stdout, stderr and the exit code. */
record Cli(int code, String out, String err, long millis) {

  static Cli run(String... args) {
    return run(Map.of(), args);
  }

  /** With {@code env} as the whole environment (ETCDCTL_* variables), not the test JVM's. */
  static Cli run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    long t0 = System.nanoTime();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), env, args);
    return new Cli(code, out.toString(), err.toString(), (System.nanoTime() - t0) / 1_000_000);
  }

  /** For assertion messages. */
  String show() {
    return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
