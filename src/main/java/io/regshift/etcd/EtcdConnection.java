package io.regshift.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.Response;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One jetcd client on the endpoints of {@link ConnectionSettings}, with etcdctl's two timeouts:
 * the first request may take the dial timeout, every later one the command timeout. Failures
 * come out as {@link EtcdRequestException}s whose message is one line (see {@link EtcdFailures}).
 */
public final class EtcdConnection implements AutoCloseable {
  /**
   * Largest response accepted. gRPC's default is 4 MiB, less than two of etcd's biggest values;
   * pages shrink below this when their values are large (see {@link PagedRange}).
   */
  public static final int MAX_RESPONSE_BYTES = 32 << 20;

  private final ConnectionSettings settings;
  private final Client client;
  private final EtcdFailures failures;
  private volatile boolean answered;

  private EtcdConnection(ConnectionSettings settings, Client client, ServerCertificateCheck serverCheck) {
    this.settings = settings;
    this.client = client;
    this.failures = new EtcdFailures(settings, serverCheck);
  }

  /** Builds the client; nothing is sent until the first request. */
  public static EtcdConnection open(ConnectionSettings s) {
    ClientBuilder b = Client.builder()
        .endpoints(s.endpoints().toArray(java.net.URI[]::new))
        .connectTimeout(s.dialTimeout())
        // fail a request as soon as no endpoint can be reached, with the reason, instead of waiting for one
        .waitForReady(false)
        // jetcd retries UNAVAILABLE (a leader change, say): briefly, and never past the dial timeout
        .retryDelay(100)
        .retryMaxDelay(1000)
        .retryMaxAttempts(3)
        .retryMaxDuration(s.dialTimeout())
        .maxInboundMessageSize(MAX_RESPONSE_BYTES);
    ServerCertificateCheck serverCheck = null;
    if (s.tls()) {
      TlsContext tls = TlsContext.forClient(s);
      b.sslContext(tls.sslContext());
      serverCheck = tls.serverCheck();
    }
    if (s.user() != null) {
      b.user(ByteSequence.from(s.user(), StandardCharsets.UTF_8));
      b.password(ByteSequence.from(s.password() == null ? "" : s.password(), StandardCharsets.UTF_8));
    }
    return new EtcdConnection(s, b.build(), serverCheck);
  }

  public ConnectionSettings settings() {
    return settings;
  }

  public Client client() {
    return client;
  }

  public EtcdFailures failures() {
    return failures;
  }

  /**
   * A linearizable read of one key: its response header carries the cluster's current revision
   * and identity. Usually the first request, so it waits up to the dial timeout.
   */
  public Response.Header header(String key) {
    GetResponse r = call("read the revision", () -> client.getKVClient().get(
        ByteSequence.from(key, StandardCharsets.UTF_8), GetOption.builder().withLimit(1).withKeysOnly(true).build()));
    return r.getHeader();
  }

  /**
   * Runs one request and waits for it: the dial timeout until an endpoint first answered, the
   * command timeout after that.
   *
   * @param what what the request does, for the message if it fails ("read the revision")
   */
  public <T> T call(String what, Supplier<CompletableFuture<T>> request) {
    boolean first = !answered;
    return await(what, request.get(), first);
  }

  /**
   * Waits for a request sent earlier (one sent ahead while the previous answer was being used),
   * with the same timeouts and failures as {@link #call}.
   */
  public <T> T await(String what, CompletableFuture<T> f) {
    return await(what, f, !answered);
  }

  private <T> T await(String what, CompletableFuture<T> f, boolean first) {
    long millis = (first ? settings.dialTimeout() : settings.commandTimeout()).toMillis();
    try {
      T result = f.get(millis, TimeUnit.MILLISECONDS);
      answered = true;
      return result;
    } catch (TimeoutException e) {
      f.cancel(true);
      throw failures.timeout(what, first);
    } catch (ExecutionException e) {
      throw failures.translate(what, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.cancel(true);
      throw new EtcdRequestException(settings.sourceName() + ": interrupted");
    }
  }

  /** Marks that an endpoint has answered (a stream that delivered data counts). */
  void answered() {
    answered = true;
  }

  @Override
  public void close() {
    client.close();
  }
}
