package io.regshift.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real, single-member etcd started from the {@code etcd} binary on PATH, listening on
 * 127.0.0.1 with its own ports and data directory. Closing it stops the process and deletes
 * the directory.
 *
 * <pre>{@code
 * try (EtcdServer etcd = EtcdServer.start(EtcdServer.Options.defaults())) {
 *   new Etcdctl(etcd.endpoint()).put("/registry/k", "v");
 * }
 * }</pre>
 */
public final class EtcdServer implements AutoCloseable {

  private static final String NOT_INSTALLED =
      "etcd not found on PATH: run scripts/test, which installs Debian's etcd-server";
  /** Another process can grab a port between our probe and etcd's bind; that is worth a retry. */
  private static final int PORT_RACE_ATTEMPTS = 5;

  private static final Duration GRACEFUL_STOP = Duration.ofSeconds(3);
  private static final Duration HEALTH_POLL = Duration.ofMillis(10);
  private static final AtomicInteger STARTED = new AtomicInteger();

  private final Process process;
  private final Path dataDir;
  private final int clientPort;
  private final String clientScheme;
  private final String healthUrl;
  private final EtcdLog log;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EtcdServer(Process process, Path dataDir, int clientPort, String clientScheme, String healthUrl, EtcdLog log) {
    this.process = process;
    this.dataDir = dataDir;
    this.clientPort = clientPort;
    this.clientScheme = clientScheme;
    this.healthUrl = healthUrl;
    this.log = log;
  }

  /** Starts etcd and returns once it answers {@code /health}; throws with etcd's error if not. */
  public static EtcdServer start(Options options) {
    Path etcd = ExecutableOnPath.require("etcd", NOT_INSTALLED);
    for (int attempt = 1; ; attempt++) {
      EtcdServer server = launch(etcd, options);
      try {
        server.awaitHealthy(options.startupTimeout());
        return server;
      } catch (RuntimeException failure) {
        boolean portRace = server.log.contains("address already in use");
        server.close();
        if (!portRace || attempt == PORT_RACE_ATTEMPTS) {
          throw failure;
        }
      }
    }
  }

  /** Client URL, e.g. {@code http://127.0.0.1:40123} ({@code https://} with TLS), for jetcd and etcdctl. */
  public String endpoint() {
    return clientScheme + "://127.0.0.1:" + clientPort;
  }

  /** {@code 127.0.0.1:PORT}, the client address without a scheme. */
  public String hostPort() {
    return "127.0.0.1:" + clientPort;
  }

  /** Holds etcd's data and {@link #logFile()}; deleted by {@link #close()}. */
  public Path dataDir() {
    return dataDir;
  }

  /** etcd's combined stdout and stderr. */
  public Path logFile() {
    return log.file();
  }

  public long pid() {
    return process.pid();
  }

  /** Stops etcd (SIGTERM, then SIGKILL if it lingers) and deletes its data directory. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      stop();
      deleteRecursively(dataDir);
    } finally {
      RunningEtcdServers.forget(this);
    }
  }

  @Override
  public String toString() {
    return "etcd[pid " + pid() + ", " + endpoint() + ", " + dataDir + "]";
  }

  private static EtcdServer launch(Path etcd, Options options) {
    try {
      Path dataDir = Files.createTempDirectory("regshift-etcd");
      EtcdLog log = new EtcdLog(dataDir.resolve("etcd.log"));
      int clientPort = FreeLoopbackPort.pick();
      int peerPort = FreeLoopbackPort.pick();
      String clientScheme = options.tls() == null ? "http" : "https";
      String clientUrl = clientScheme + "://127.0.0.1:" + clientPort;
      String peerUrl = "http://127.0.0.1:" + peerPort;
      String name = "regshift-" + ProcessHandle.current().pid() + "-" + STARTED.incrementAndGet();

      List<String> command = new ArrayList<>();
      command.add(etcd.toString());
      command.add("--name=" + name);
      command.add("--data-dir=" + dataDir);
      command.add("--listen-client-urls=" + clientUrl);
      command.add("--advertise-client-urls=" + clientUrl);
      command.add("--listen-peer-urls=" + peerUrl);
      command.add("--initial-advertise-peer-urls=" + peerUrl);
      command.add("--initial-cluster=" + name + "=" + peerUrl);
      // One member elects itself at once with these; defaults would cost about a second.
      command.add("--heartbeat-interval=10");
      command.add("--election-timeout=50");
      String healthUrl = clientUrl + "/health";
      if (options.tls() != null) {
        Tls tls = options.tls();
        command.add("--cert-file=" + tls.cert());
        command.add("--key-file=" + tls.key());
        if (tls.clientCa() != null) {
          command.add("--client-cert-auth");
          command.add("--trusted-ca-file=" + tls.clientCa());
        }
        // the TLS client port may demand a client certificate: ask for health on a plain metrics port
        String metricsUrl = "http://127.0.0.1:" + FreeLoopbackPort.pick();
        command.add("--listen-metrics-urls=" + metricsUrl);
        healthUrl = metricsUrl + "/health";
      }
      command.addAll(options.extraArgs()); // last, so a test can override any flag above

      ProcessBuilder builder = new ProcessBuilder(command).directory(dataDir.toFile());
      // etcd reads ETCD_* variables as flags: a developer's own must not leak into tests.
      builder.environment().keySet().removeIf(variable -> variable.startsWith("ETCD_"));
      builder.environment().putAll(options.extraEnv());
      builder.redirectErrorStream(true).redirectOutput(log.file().toFile());

      EtcdServer server = new EtcdServer(builder.start(), dataDir, clientPort, clientScheme, healthUrl, log);
      RunningEtcdServers.remember(server);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot launch " + etcd, e);
    }
  }

  private void awaitHealthy(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (answersHealthy()) {
        return;
      }
      if (!process.isAlive()) {
        throw startFailure("etcd exited with code " + process.exitValue() + " during startup");
      }
      if (System.nanoTime() > deadline) {
        throw startFailure("etcd did not become healthy within " + timeout.toMillis() + " ms");
      }
      sleep(HEALTH_POLL);
    }
  }

  private IllegalStateException startFailure(String what) {
    return new IllegalStateException(
        what + ": " + log.errorLine() + "\n--- tail of " + log.file() + " ---\n" + log.tail());
  }

  private boolean answersHealthy() {
    try {
      HttpURLConnection http =
          (HttpURLConnection)
              URI.create(healthUrl).toURL().openConnection(Proxy.NO_PROXY);
      http.setConnectTimeout(250);
      http.setReadTimeout(1000);
      try (InputStream body = http.getInputStream()) {
        return http.getResponseCode() == 200
            && new String(body.readAllBytes(), StandardCharsets.UTF_8).contains("\"true\"");
      } finally {
        http.disconnect();
      }
    } catch (IOException notYet) {
      return false;
    }
  }

  private void stop() {
    process.destroy();
    try {
      if (!process.waitFor(GRACEFUL_STOP.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete etcd data dir " + dir, e);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for etcd", e);
    }
  }

  /**
   * TLS on the client port.
   *
   * @param cert     server certificate (PEM)
   * @param key      its key (PEM)
   * @param clientCa CA that client certificates must be signed by ({@code --client-cert-auth});
   *                 null for TLS without client certificates
   */
  public record Tls(Path cert, Path key, Path clientCa) {}

  /**
   * How to start etcd. {@link Builder#tls} serves clients over https; auth is switched on with
   * etcdctl ({@code user add root}, {@code auth enable}). {@link Builder#args} and
   * {@link Builder#env} can pass any other etcd flag.
   */
  public record Options(List<String> extraArgs, Map<String, String> extraEnv,
      Duration startupTimeout, Tls tls) {

    public Options {
      extraArgs = List.copyOf(extraArgs);
      extraEnv = Map.copyOf(extraEnv);
    }

    public static Options defaults() {
      return builder().build();
    }

    public static Builder builder() {
      return new Builder();
    }

    public static final class Builder {
      private final List<String> extraArgs = new ArrayList<>();
      private final Map<String, String> extraEnv = new LinkedHashMap<>();
      private Duration startupTimeout = Duration.ofSeconds(20);
      private Tls tls;

      private Builder() {}

      /** Flags appended after the harness's own, e.g. {@code "--auto-compaction-retention=1"}. */
      public Builder args(String... args) {
        extraArgs.addAll(List.of(args));
        return this;
      }

      /** An environment variable for etcd, e.g. {@code ETCD_MAX_REQUEST_BYTES}. */
      public Builder env(String name, String value) {
        extraEnv.put(name, value);
        return this;
      }

      public Builder startupTimeout(Duration timeout) {
        startupTimeout = timeout;
        return this;
      }

      /** Serve clients over https with this certificate (and client-certificate auth when its CA is given). */
      public Builder tls(Tls tls) {
        this.tls = tls;
        return this;
      }

      public Options build() {
        return new Options(extraArgs, extraEnv, startupTimeout, tls);
      }
    }
  }
}
