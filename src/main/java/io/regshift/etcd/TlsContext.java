package io.regshift.etcd;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The client TLS context jetcd's grpc-netty channel uses, from etcdctl-style PEM files, and the
 * check of the server's certificate that remembers why it refused one.
 *
 * @param sslContext for {@code ClientBuilder.sslContext}
 * @param serverCheck null with --insecure-skip-tls-verify
 */
record TlsContext(SslContext sslContext, ServerCertificateCheck serverCheck) {

  static TlsContext forClient(ConnectionSettings s) {
    if ((s.clientCert() == null) != (s.clientKey() == null)) {
      throw new EtcdRequestException(s.clientCert() == null
          ? "--key " + s.clientKey() + " needs its certificate: give --cert too"
          : "--cert " + s.clientCert() + " needs its private key: give --key too");
    }
    // GrpcSslContexts sets ALPN h2 and the cipher suites HTTP/2 allows
    SslContextBuilder b = GrpcSslContexts.forClient();
    ServerCertificateCheck check = null;
    if (s.insecureSkipTlsVerify()) {
      b.trustManager(InsecureTrustManagerFactory.INSTANCE);
    } else {
      check = ServerCertificateCheck.trusting(s.caCert() == null ? null : PemFiles.certificates(s.caCert(), "--cacert"));
      b.trustManager(check);
    }
    if (s.clientCert() != null) {
      List<X509Certificate> chain = PemFiles.certificates(s.clientCert(), "--cert");
      PrivateKey key = PemFiles.privateKey(s.clientKey(), "--key");
      requirePair(key, chain.get(0), s);
      b.keyManager(key, chain.toArray(X509Certificate[]::new));
    }
    try {
      return new TlsContext(b.build(), check);
    } catch (SSLException | IllegalArgumentException e) {
      // e.g. a key that does not belong to the certificate
      throw new EtcdRequestException("--cert " + s.clientCert() + " / --key " + s.clientKey() + ": " + e.getMessage(), e);
    }
  }

  /** A key that does not belong to the certificate would only show as a vague handshake alert. */
  private static void requirePair(PrivateKey key, X509Certificate cert, ConnectionSettings s) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null) {
      return;
    }
    byte[] probe = "regshift".getBytes(StandardCharsets.US_ASCII);
    boolean matches;
    try {
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] sig = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(cert.getPublicKey());
      verify.update(probe);
      matches = verify.verify(sig);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new EtcdRequestException("--key " + s.clientKey() + " is not the private key of the certificate in --cert "
          + s.clientCert());
    }
  }
}
