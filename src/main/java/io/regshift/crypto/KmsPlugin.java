package io.regshift.crypto;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.regshift.crypto.proto.KmsPluginV1Proto;
import io.regshift.crypto.proto.KmsPluginV2Proto;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A KMS plugin's gRPC service on its unix socket, called as kube-apiserver calls it to decrypt a
 * DEK (v1: {@code v1beta1.KeyManagementService/Decrypt}) or a DEK source (v2:
 * {@code v2.KeyManagementService/Decrypt}). Java's own unix-domain sockets carry it (netty's
 * NIO transport), so no native library is needed. The socket is opened on the first call.
 */
final class KmsPlugin implements AutoCloseable {
  private static final MethodDescriptor<KmsPluginV2Proto.DecryptRequest, KmsPluginV2Proto.DecryptResponse> DECRYPT_V2 =
      unary(KmsPluginV2Proto.getDescriptor().findServiceByName("KeyManagementService"), "Decrypt",
          KmsPluginV2Proto.DecryptRequest.getDefaultInstance(), KmsPluginV2Proto.DecryptResponse.getDefaultInstance());
  private static final MethodDescriptor<KmsPluginV1Proto.DecryptRequest, KmsPluginV1Proto.DecryptResponse> DECRYPT_V1 =
      unary(KmsPluginV1Proto.getDescriptor().findServiceByName("KeyManagementService"), "Decrypt",
          KmsPluginV1Proto.DecryptRequest.getDefaultInstance(), KmsPluginV1Proto.DecryptResponse.getDefaultInstance());

  private static final MethodDescriptor<KmsPluginV2Proto.EncryptRequest, KmsPluginV2Proto.EncryptResponse> ENCRYPT_V2 =
      unary(KmsPluginV2Proto.getDescriptor().findServiceByName("KeyManagementService"), "Encrypt",
          KmsPluginV2Proto.EncryptRequest.getDefaultInstance(), KmsPluginV2Proto.EncryptResponse.getDefaultInstance());
  private static final MethodDescriptor<KmsPluginV1Proto.EncryptRequest, KmsPluginV1Proto.EncryptResponse> ENCRYPT_V1 =
      unary(KmsPluginV1Proto.getDescriptor().findServiceByName("KeyManagementService"), "Encrypt",
          KmsPluginV1Proto.EncryptRequest.getDefaultInstance(), KmsPluginV1Proto.EncryptResponse.getDefaultInstance());

  private final String endpoint;
  private final Duration timeout;
  private EventLoopGroup group;
  private ManagedChannel channel;

  KmsPlugin(String endpoint, Duration timeout) {
    this.endpoint = endpoint;
    this.timeout = timeout;
  }

  /** The path of {@code unix:///path} (also {@code unix:/path}, {@code unix://relative}). */
  static Path socketPath(String endpoint) throws DecryptionException {
    if (!endpoint.startsWith("unix:")) {
      throw new DecryptionException("KMS endpoint \"" + endpoint + "\" is not unix:///path/to/socket");
    }
    String path = endpoint.substring("unix:".length());
    if (path.startsWith("//")) {
      path = path.substring(2);
    }
    if (path.isEmpty()) {
      throw new DecryptionException("KMS endpoint \"" + endpoint + "\" names no socket");
    }
    if (path.startsWith("@")) {
      throw new DecryptionException("KMS endpoint \"" + endpoint + "\" is an abstract socket, which Java cannot open;"
          + " bridge it to a path (socat UNIX-LISTEN:/tmp/kms.sock,fork ABSTRACT-CONNECT:" + path.substring(1)
          + ") and pass --kms-endpoint");
    }
    return Path.of(path);
  }

  /** The DEK source of a KMS v2 value, decrypted by the plugin. */
  byte[] decryptV2(ByteString encryptedDekSource, String keyId, Map<String, ByteString> annotations) throws DecryptionException {
    KmsPluginV2Proto.DecryptRequest request = KmsPluginV2Proto.DecryptRequest.newBuilder()
        .setCiphertext(encryptedDekSource)
        .setUid(UUID.randomUUID().toString())
        .setKeyId(keyId)
        .putAllAnnotations(annotations)
        .build();
    return call(DECRYPT_V2, request).getPlaintext().toByteArray();
  }

  /** The DEK of a KMS v1 value, decrypted by the plugin. */
  byte[] decryptV1(byte[] encryptedDek) throws DecryptionException {
    KmsPluginV1Proto.DecryptRequest request = KmsPluginV1Proto.DecryptRequest.newBuilder()
        .setVersion("v1beta1")
        .setCipher(ByteString.copyFrom(encryptedDek))
        .build();
    return call(DECRYPT_V1, request).getPlain().toByteArray();
  }

  /** The plugin's Encrypt of a fresh KMS v2 DEK source (seed): its ciphertext, key ID and annotations. */
  KmsPluginV2Proto.EncryptResponse encryptV2(byte[] seed) throws DecryptionException {
    KmsPluginV2Proto.EncryptRequest request = KmsPluginV2Proto.EncryptRequest.newBuilder()
        .setPlaintext(ByteString.copyFrom(seed))
        .setUid(UUID.randomUUID().toString())
        .build();
    return call(ENCRYPT_V2, request);
  }

  /** The plugin's v1beta1 Encrypt of a fresh KMS v1 DEK. */
  byte[] encryptV1(byte[] dek) throws DecryptionException {
    KmsPluginV1Proto.EncryptRequest request = KmsPluginV1Proto.EncryptRequest.newBuilder()
        .setVersion("v1beta1")
        .setPlain(ByteString.copyFrom(dek))
        .build();
    return call(ENCRYPT_V1, request).getCipher().toByteArray();
  }

  private <Q, R> R call(MethodDescriptor<Q, R> method, Q request) throws DecryptionException {
    try {
      return ClientCalls.blockingUnaryCall(channel(), method,
          CallOptions.DEFAULT.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS), request);
    } catch (StatusRuntimeException e) {
      Status s = e.getStatus();
      String why = s.getDescription() == null ? s.getCode().toString() : s.getCode() + ": " + s.getDescription();
      if (s.getCode() == Status.Code.UNAVAILABLE) {
        Path socket = socketPath(endpoint);
        if (!java.nio.file.Files.exists(socket)) {
          throw new DecryptionException("cannot reach the KMS plugin at " + endpoint + ": no such socket"
              + " (run where the plugin runs, or give --kms-endpoint or --kms-key)");
        }
        Throwable root = e;
        while (root.getCause() != null) {
          root = root.getCause();
        }
        throw new DecryptionException("cannot reach the KMS plugin at " + endpoint + " ("
            + (root != e && root.getMessage() != null ? root.getMessage() : why) + ")");
      }
      if (s.getCode() == Status.Code.DEADLINE_EXCEEDED) {
        throw new DecryptionException("the KMS plugin at " + endpoint + " did not answer within " + timeout.toMillis() + " ms");
      }
      throw new DecryptionException("the KMS plugin at " + endpoint + " refused to "
          + (method.getBareMethodName().equals("Encrypt") ? "encrypt" : "decrypt") + " (" + why + ")");
    }
  }

  private synchronized ManagedChannel channel() throws DecryptionException {
    if (channel == null) {
      Path socket = socketPath(endpoint);
      group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("regshift-kms", true), NioIoHandler.newFactory());
      channel = NettyChannelBuilder.forAddress(UnixDomainSocketAddress.of(socket))
          .channelType(NioDomainSocketChannel.class)
          .eventLoopGroup(group)
          .directExecutor()
          .usePlaintext()
          .build();
    }
    return channel;
  }

  @Override
  public synchronized void close() {
    if (channel != null) {
      channel.shutdownNow();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      channel = null;
    }
  }

  private static <Q extends Message, R extends Message> MethodDescriptor<Q, R> unary(ServiceDescriptor service, String name,
      Q request, R response) {
    return MethodDescriptor.<Q, R>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(service.getFullName(), name))
        .setRequestMarshaller(ProtoUtils.marshaller(request))
        .setResponseMarshaller(ProtoUtils.marshaller(response))
        .build();
  }
}
