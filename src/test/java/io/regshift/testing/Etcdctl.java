package io.regshift.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The etcd project's own {@code etcdctl}, run against one endpoint: a witness independent of
 * jetcd and of regshift, so a test does not check our client with our client.
 */
public final class Etcdctl {

  private static final String NOT_INSTALLED =
      "etcdctl not found on PATH: run scripts/test, which installs Debian's etcd-client";

  private final String endpoint;
  private final Duration timeout;
  private final List<String> flags;

  public Etcdctl(String endpoint) {
    this(endpoint, Duration.ofSeconds(10));
  }

  public Etcdctl(String endpoint, Duration timeout) {
    this(endpoint, timeout, List.of());
  }

  private Etcdctl(String endpoint, Duration timeout, List<String> flags) {
    this.endpoint = endpoint;
    this.timeout = timeout;
    this.flags = List.copyOf(flags);
  }

  /** The same etcdctl with more global flags, e.g. {@code --cacert=ca.crt} or {@code --user=root:pw}. */
  public Etcdctl with(String... moreFlags) {
    List<String> all = new ArrayList<>(flags);
    all.addAll(List.of(moreFlags));
    return new Etcdctl(endpoint, timeout, all);
  }

  public void put(String key, String value) {
    run("put", "--", key, value); // "--": keys and values may start with '-'
  }

  /** The value stored under exactly {@code key}, if any. */
  public Optional<String> get(String key) {
    return Optional.ofNullable(range(key, false).get(key));
  }

  /** Every key under {@code prefix} with its value, in etcd's (byte) order. */
  public Map<String, String> getPrefix(String prefix) {
    return range(prefix, true);
  }

  /** Runs {@code etcdctl ARGS} and returns its stdout; fails with its stderr on a non-zero exit. */
  public String run(String... args) {
    List<String> command = new ArrayList<>();
    command.add(ExecutableOnPath.require("etcdctl", NOT_INSTALLED).toString());
    command.add("--endpoints=" + endpoint);
    command.add("--dial-timeout=" + timeout.toMillis() + "ms");
    command.add("--command-timeout=" + timeout.toMillis() + "ms");
    command.addAll(flags);
    command.addAll(List.of(args));
    String described = "etcdctl " + String.join(" ", args);

    ProcessBuilder builder = new ProcessBuilder(command);
    // ETCDCTL_* variables act as flags: only the endpoint given here may count.
    builder.environment().keySet().removeIf(variable -> variable.startsWith("ETCDCTL_"));
    builder.environment().put("ETCDCTL_API", "3");
    try {
      Process process = builder.start();
      process.getOutputStream().close(); // a command that reads stdin gets EOF, not a hang
      CompletableFuture<String> stdout = readAsync(process.getInputStream());
      CompletableFuture<String> stderr = readAsync(process.getErrorStream());
      // Its own --command-timeout should fire first; this guards against anything else.
      if (!process.waitFor(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        throw new IllegalStateException(described + " did not finish within " + timeout);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            described + " failed with exit code " + process.exitValue() + ": "
                + stderr.join().strip());
      }
      return stdout.join();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + described, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + described, e);
    }
  }

  /** JSON output carries keys and values base64-encoded, so any bytes survive the trip. */
  private Map<String, String> range(String key, boolean prefix) {
    String json =
        prefix
            ? run("get", "--write-out=json", "--prefix", "--", key)
            : run("get", "--write-out=json", "--", key);
    Map<?, ?> response = (Map<?, ?>) new Load(LoadSettings.builder().build()).loadFromString(json);
    Object kvs = response.get("kvs"); // absent when nothing matched
    Map<String, String> values = new LinkedHashMap<>();
    for (Object kv : kvs == null ? List.of() : (List<?>) kvs) {
      Map<?, ?> entry = (Map<?, ?>) kv;
      values.put(decode(entry.get("key")), decode(entry.get("value")));
    }
    return values;
  }

  private static String decode(Object base64) {
    // etcd omits empty values from its JSON.
    return base64 == null
        ? ""
        : new String(Base64.getDecoder().decode((String) base64), StandardCharsets.UTF_8);
  }

  /** On its own thread, so a full stderr pipe cannot block etcdctl while we read stdout. */
  private static CompletableFuture<String> readAsync(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        task -> {
          Thread reader = new Thread(task, "etcdctl-output");
          reader.setDaemon(true);
          reader.start();
        });
  }
}
