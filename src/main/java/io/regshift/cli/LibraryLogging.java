package io.regshift.cli;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * jetcd, gRPC, netty and Vert.x log retries and connection failures through java.util.logging
 * and SLF4J. regshift reports those failures itself in one line, so their logs stay silent unless
 * --debug asks for them.
 */
final class LibraryLogging {
  private static final List<String> LIBRARIES = List.of("io.grpc", "io.netty", "io.vertx", "io.etcd");
  /** Held: java.util.logging keeps loggers weakly, and a collected one forgets its level. */
  private static final List<Logger> LOGGERS = LIBRARIES.stream().map(Logger::getLogger).toList();

  private LibraryLogging() {}

  /** Before any library class loads: SLF4J without a provider would print three lines about it. */
  static void silenceSlf4jNotices() {
    System.setProperty("slf4j.internal.verbosity", "ERROR");
  }

  static void configure(boolean debug) {
    for (Logger l : LOGGERS) {
      l.setLevel(debug ? Level.INFO : Level.OFF);
    }
  }
}
