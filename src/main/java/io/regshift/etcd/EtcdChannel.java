package io.regshift.etcd;

import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.AuthenticateRequest;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.RangeRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * A plain gRPC channel to one etcd endpoint, for the calls a .db backup makes (the snapshot
 * stream, then a key count). jetcd's client would do the same, but building it costs a few
 * tenths of a second (vert.x, its retry machinery, a first read); a snapshot needs none of that.
 * TLS, the auth token and the one-line failures are those of {@link EtcdConnection}.
 */
public final class EtcdChannel implements AutoCloseable {
  private static final Metadata.Key<String> TOKEN = Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);

  private final ConnectionSettings settings;
  private final URI endpoint;
  private final ManagedChannel managed;
  private final NioEventLoopGroup loop;
  private final EtcdFailures failures;
  private Channel channel;

  private EtcdChannel(ConnectionSettings settings, URI endpoint, ManagedChannel managed, NioEventLoopGroup loop,
      EtcdFailures failures) {
    this.settings = settings;
    this.endpoint = endpoint;
    this.managed = managed;
    this.loop = loop;
    this.failures = failures;
    this.channel = managed;
  }

  /**
   * A channel to {@code endpoint}; nothing is sent until the first call. {@code tls} is the
   * settings' TLS context (null without TLS), built once for every endpoint.
   */
  static EtcdChannel open(ConnectionSettings s, URI endpoint, TlsContext tls) {
    // one event-loop thread: a snapshot is one stream on one connection
    NioEventLoopGroup loop = new NioEventLoopGroup(1, r -> {
      Thread t = new Thread(r, "etcd-channel");
      t.setDaemon(true);
      return t;
    });
    NettyChannelBuilder b = NettyChannelBuilder.forAddress(endpoint.getHost(), endpoint.getPort())
        .eventLoopGroup(loop)
        .channelType(NioSocketChannel.class)
        // messages are parsed, hashed and written on the event loop itself: no hand-off to another
        // thread per 32 KiB message (a quarter less CPU for the download)
        .directExecutor()
        .maxInboundMessageSize(EtcdConnection.MAX_RESPONSE_BYTES)
        // etcd sends the snapshot in 32 KiB messages as fast as the client takes them: a window of a
        // few MiB keeps it sending while a message is hashed and written
        .initialFlowControlWindow(8 << 20)
        .withOption(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
            s.dialTimeout().toMillis()));
    if (tls != null) {
      b.sslContext(tls.sslContext());
    } else {
      b.usePlaintext();
    }
    return new EtcdChannel(s, endpoint, b.build(), loop, new EtcdFailures(s, tls == null ? null : tls.serverCheck()));
  }

  public EtcdFailures failures() {
    return failures;
  }

  public URI endpoint() {
    return endpoint;
  }

  /**
   * Logs in with --user/--password when given, as the first request (within the dial timeout):
   * every later call carries etcd's token.
   */
  void authenticate() {
    if (settings.user() == null) {
      return;
    }
    String token;
    try {
      token = AuthGrpc.newBlockingStub(managed)
          .withDeadlineAfter(settings.dialTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .authenticate(AuthenticateRequest.newBuilder().setName(settings.user())
              .setPassword(settings.password() == null ? "" : settings.password()).build())
          .getToken();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
        throw failures.timeout("log in", true);
      }
      throw failures.translate("log in", e);
    }
    channel = ClientInterceptors.intercept(managed, new ClientInterceptor() {
      @Override
      public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<A> listener, Metadata headers) {
            headers.put(TOKEN, token);
            super.start(listener, headers);
          }
        };
      }
    });
  }

  /** A new call on this channel (with the token once logged in). */
  <Q, A> ClientCall<Q, A> newCall(MethodDescriptor<Q, A> method, CallOptions options) {
    return channel.newCall(method, options);
  }

  /** How many keys etcd holds at {@code revision} (a count-only read of the whole key space). */
  public long countKeys(long revision) {
    try {
      return KVGrpc.newBlockingStub(channel)
          .withDeadlineAfter(settings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .range(RangeRequest.newBuilder().setKey(com.google.protobuf.ByteString.copyFrom(new byte[] {0}))
              .setRangeEnd(com.google.protobuf.ByteString.copyFrom(new byte[] {0})).setRevision(revision)
              .setCountOnly(true).build())
          .getCount();
    } catch (StatusRuntimeException e) {
      throw failures.translate("count keys", e);
    }
  }

  @Override
  public void close() {
    managed.shutdownNow();
    loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
  }
}
