package io.regshift.crypto;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.regshift.crypto.proto.KmsPluginV2Proto.DecryptRequest;
import io.regshift.crypto.proto.KmsPluginV2Proto.DecryptResponse;
import io.regshift.crypto.proto.KmsPluginV2Proto.EncryptRequest;
import io.regshift.crypto.proto.KmsPluginV2Proto.EncryptResponse;
import io.regshift.crypto.proto.KmsPluginV2Proto.StatusRequest;
import io.regshift.crypto.proto.KmsPluginV2Proto.StatusResponse;
import io.regshift.crypto.proto.KmsPluginV2Proto;
import io.regshift.crypto.proto.KmsPluginV1Proto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A KMS plugin for tests: a real gRPC server on a unix socket serving
 * {@code v2.KeyManagementService} (Status, Encrypt, Decrypt) as kube-apiserver expects, with a
 * local AES-GCM key encryption key, and the deprecated {@code v1beta1.KeyManagementService}
 * (Version, Encrypt, Decrypt) with the same key. Its Encrypt is what kube-apiserver calls to wrap
 * a new seed or DEK; its v2 Decrypt checks that the key ID and annotations it handed out come back.
 */
public final class TestKmsPlugin implements AutoCloseable {
  public static final String ANNOTATION = "kms.regshift.test.io/kek-version";
  private static final ServiceDescriptor SERVICE = KmsPluginV2Proto.getDescriptor().findServiceByName("KeyManagementService");
  private static final ServiceDescriptor SERVICE_V1 = KmsPluginV1Proto.getDescriptor().findServiceByName("KeyManagementService");

  private final byte[] kek = AtRestEncryptor.random(32);
  private final String keyId;
  private final Path socket;
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Server server;
  private final AtomicInteger decrypts = new AtomicInteger();
  private final AtomicInteger encrypts = new AtomicInteger();

  public TestKmsPlugin(Path socket, String keyId) {
    this.socket = socket;
    this.keyId = keyId;
    ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE.getFullName())
        .addMethod(method("Status", StatusRequest.getDefaultInstance(), StatusResponse.getDefaultInstance()),
            ServerCalls.asyncUnaryCall(this::status))
        .addMethod(method("Encrypt", EncryptRequest.getDefaultInstance(), EncryptResponse.getDefaultInstance()),
            ServerCalls.asyncUnaryCall(this::encrypt))
        .addMethod(method("Decrypt", DecryptRequest.getDefaultInstance(), DecryptResponse.getDefaultInstance()),
            ServerCalls.asyncUnaryCall(this::decrypt))
        .build();
    ServerServiceDefinition v1 = ServerServiceDefinition.builder(SERVICE_V1.getFullName())
        .addMethod(method(SERVICE_V1, "Version", KmsPluginV1Proto.VersionRequest.getDefaultInstance(),
            KmsPluginV1Proto.VersionResponse.getDefaultInstance()), ServerCalls.asyncUnaryCall(this::versionV1))
        .addMethod(method(SERVICE_V1, "Encrypt", KmsPluginV1Proto.EncryptRequest.getDefaultInstance(),
            KmsPluginV1Proto.EncryptResponse.getDefaultInstance()), ServerCalls.asyncUnaryCall(this::encryptV1))
        .addMethod(method(SERVICE_V1, "Decrypt", KmsPluginV1Proto.DecryptRequest.getDefaultInstance(),
            KmsPluginV1Proto.DecryptResponse.getDefaultInstance()), ServerCalls.asyncUnaryCall(this::decryptV1))
        .build();
    try {
      server = NettyServerBuilder.forAddress(UnixDomainSocketAddress.of(socket))
          .channelType(NioServerDomainSocketChannel.class)
          .bossEventLoopGroup(group)
          .workerEventLoopGroup(group)
          .addService(service)
          .addService(v1)
          .build()
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The endpoint as an EncryptionConfiguration names it. */
  public String endpoint() {
    return "unix://" + socket;
  }

  /** How many Encrypt calls (v1 and v2) the plugin has served. */
  public int encrypts() {
    return encrypts.get();
  }

  /** What the plugin's Decrypt would answer, without the socket: for tests that check the wrapping independently. */
  public byte[] unwrap(byte[] ciphertext) {
    return gcm(Cipher.DECRYPT_MODE, java.util.Arrays.copyOf(ciphertext, 12), java.util.Arrays.copyOfRange(ciphertext, 12, ciphertext.length));
  }

  /** How many Decrypt calls the plugin has served. */
  public int decrypts() {
    return decrypts.get();
  }

  /** Wraps a seed as kube-apiserver has the plugin do it, over the socket, through gRPC. */
  public EncryptResponse encryptOverTheSocket(byte[] plaintext) {
    EventLoopGroup g = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    ManagedChannel ch = NettyChannelBuilder.forAddress(UnixDomainSocketAddress.of(socket))
        .channelType(NioDomainSocketChannel.class).eventLoopGroup(g).usePlaintext().build();
    try {
      return ClientCalls.blockingUnaryCall(ch, method("Encrypt", EncryptRequest.getDefaultInstance(), EncryptResponse.getDefaultInstance()),
          CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
          EncryptRequest.newBuilder().setPlaintext(ByteString.copyFrom(plaintext)).setUid("test").build());
    } finally {
      ch.shutdownNow();
      g.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /** What kube-apiserver's KMS v1 envelope stores in front of the data: the DEK, sealed with this plugin's key. */
  public byte[] wrapV1(byte[] dek) {
    byte[] nonce = AtRestEncryptor.random(12);
    return AtRestEncryptor.concat(nonce, gcm(Cipher.ENCRYPT_MODE, nonce, dek));
  }

  private void versionV1(KmsPluginV1Proto.VersionRequest r, StreamObserver<KmsPluginV1Proto.VersionResponse> out) {
    out.onNext(KmsPluginV1Proto.VersionResponse.newBuilder().setVersion("v1beta1").setRuntimeName("test").setRuntimeVersion("1").build());
    out.onCompleted();
  }

  private void encryptV1(KmsPluginV1Proto.EncryptRequest r, StreamObserver<KmsPluginV1Proto.EncryptResponse> out) {
    encrypts.incrementAndGet();
    out.onNext(KmsPluginV1Proto.EncryptResponse.newBuilder().setCipher(ByteString.copyFrom(wrapV1(r.getPlain().toByteArray()))).build());
    out.onCompleted();
  }

  private void decryptV1(KmsPluginV1Proto.DecryptRequest r, StreamObserver<KmsPluginV1Proto.DecryptResponse> out) {
    decrypts.incrementAndGet();
    byte[] c = r.getCipher().toByteArray();
    if (!"v1beta1".equals(r.getVersion()) || c.length < 28) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("bad v1beta1 request").asRuntimeException());
      return;
    }
    try {
      byte[] plain = gcm(Cipher.DECRYPT_MODE, java.util.Arrays.copyOf(c, 12), java.util.Arrays.copyOfRange(c, 12, c.length));
      out.onNext(KmsPluginV1Proto.DecryptResponse.newBuilder().setPlain(ByteString.copyFrom(plain)).build());
      out.onCompleted();
    } catch (IllegalStateException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("not encrypted by this plugin").asRuntimeException());
    }
  }

  private void status(StatusRequest r, StreamObserver<StatusResponse> out) {
    out.onNext(StatusResponse.newBuilder().setVersion("v2").setHealthz("ok").setKeyId(keyId).build());
    out.onCompleted();
  }

  private void encrypt(EncryptRequest r, StreamObserver<EncryptResponse> out) {
    encrypts.incrementAndGet();
    byte[] nonce = AtRestEncryptor.random(12);
    byte[] sealed = AtRestEncryptor.concat(nonce, gcm(Cipher.ENCRYPT_MODE, nonce, r.getPlaintext().toByteArray()));
    out.onNext(EncryptResponse.newBuilder().setCiphertext(ByteString.copyFrom(sealed)).setKeyId(keyId)
        .putAnnotations(ANNOTATION, ByteString.copyFromUtf8("1")).build());
    out.onCompleted();
  }

  private void decrypt(DecryptRequest r, StreamObserver<DecryptResponse> out) {
    decrypts.incrementAndGet();
    if (!r.getKeyId().equals(keyId)) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("unknown key ID " + r.getKeyId()).asRuntimeException());
      return;
    }
    if (!r.getAnnotationsMap().containsKey(ANNOTATION) || r.getUid().isEmpty()) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("the annotations or uid did not come back").asRuntimeException());
      return;
    }
    byte[] c = r.getCiphertext().toByteArray();
    try {
      byte[] plain = gcm(Cipher.DECRYPT_MODE, java.util.Arrays.copyOf(c, 12), java.util.Arrays.copyOfRange(c, 12, c.length));
      out.onNext(DecryptResponse.newBuilder().setPlaintext(ByteString.copyFrom(plain)).build());
      out.onCompleted();
    } catch (IllegalStateException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("not encrypted by this plugin").asRuntimeException());
    }
  }

  private byte[] gcm(int mode, byte[] nonce, byte[] input) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(mode, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(128, nonce));
      return cipher.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <Q extends Message, R extends Message> MethodDescriptor<Q, R> method(String name, Q request, R response) {
    return method(SERVICE, name, request, response);
  }

  private static <Q extends Message, R extends Message> MethodDescriptor<Q, R> method(ServiceDescriptor service, String name,
      Q request, R response) {
    return MethodDescriptor.<Q, R>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(service.getFullName(), name))
        .setRequestMarshaller(ProtoUtils.marshaller(request))
        .setResponseMarshaller(ProtoUtils.marshaller(response))
        .build();
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
