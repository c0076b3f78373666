package io.regshift.testing;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Safety net: servers a test forgot to close are stopped when the JVM exits, so no etcd outlives
 * the build. One shared hook, because hooks cannot be removed once shutdown has begun.
 */
final class RunningEtcdServers {

  private static final Set<EtcdServer> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> List.copyOf(RUNNING).forEach(EtcdServer::close), "regshift-etcd-reaper"));
  }

  private RunningEtcdServers() {}

  static void remember(EtcdServer server) {
    RUNNING.add(server);
  }

  static void forget(EtcdServer server) {
    RUNNING.remove(server);
  }
}
