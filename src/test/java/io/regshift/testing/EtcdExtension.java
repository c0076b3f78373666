package io.regshift.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test its own etcd. As an instance field every test method gets a fresh, empty server;
 * as a static field one server serves the whole class. Register several for several servers:
 *
 * <pre>{@code
 * @RegisterExtension EtcdExtension source = new EtcdExtension();
 * @RegisterExtension EtcdExtension target = new EtcdExtension();
 * }</pre>
 *
 * <p>The server is stopped and its data directory deleted after the test (or class), whether
 * or not the test passed.
 */
public final class EtcdExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  private final EtcdServer.Options options;
  private EtcdServer server;
  /** The class that started a per-class server; @Nested classes inherit it, and must not restart it. */
  private String startedForClass;

  public EtcdExtension() {
    this(EtcdServer.Options.defaults());
  }

  public EtcdExtension(EtcdServer.Options options) {
    this.options = options;
  }

  public EtcdServer server() {
    if (server == null) {
      throw new IllegalStateException(
          "no etcd is running: register EtcdExtension with @RegisterExtension and use it"
              + " inside a test");
    }
    return server;
  }

  /** {@code http://127.0.0.1:PORT} of the running server. */
  public String endpoint() {
    return server().endpoint();
  }

  // Only extensions in static fields see beforeAll (or instance fields under PER_CLASS).
  @Override
  public void beforeAll(ExtensionContext context) {
    if (startedForClass == null) {
      startedForClass = context.getUniqueId();
      server = EtcdServer.start(options);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (context.getUniqueId().equals(startedForClass)) {
      stop();
      startedForClass = null;
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (startedForClass == null) {
      server = EtcdServer.start(options);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (startedForClass == null) {
      stop();
    }
  }

  private void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
