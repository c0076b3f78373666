package io.regshift.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** One run of the command line as a user makes it: exit code, stdout and stderr. */
record CliRun(int code, String out, String err) {

  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** With {@code env} as the whole environment (for ETCDCTL_* variables), not the test JVM's. */
  static CliRun of(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), env, args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** Everything, for assertion messages. */
  String show() {
    return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
