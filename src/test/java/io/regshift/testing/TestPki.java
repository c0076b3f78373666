package io.regshift.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A throw-away certificate authority for TLS tests, made with BouncyCastle: a CA, server
 * certificates for 127.0.0.1/localhost and client certificates, written as PEM files in the
 * forms kubeadm, k3s and openssl produce (keys as PKCS#1 RSA, PKCS#8 or SEC1 EC).
 */
public final class TestPki {
  /** How a private key is written. */
  public enum KeyForm {
    /** "BEGIN RSA PRIVATE KEY", as kubeadm writes its RSA keys. */
    RSA_PKCS1,
    /** "BEGIN PRIVATE KEY" (here RSA). */
    RSA_PKCS8,
    /** "BEGIN EC PRIVATE KEY" (P-256), as k3s writes its keys. */
    EC_SEC1,
    /** "BEGIN PRIVATE KEY" (here EC P-256). */
    EC_PKCS8
  }

  /** A certificate and its key as files. */
  public record CertAndKey(Path cert, Path key) {}

  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
  private final Path dir;
  private final String name;
  private final KeyPair caKeys;
  private final X509Certificate caCert;
  private final Path caFile;

  private TestPki(Path dir, String name, KeyPair caKeys, X509Certificate caCert, Path caFile) {
    this.dir = dir;
    this.name = name;
    this.caKeys = caKeys;
    this.caCert = caCert;
    this.caFile = caFile;
  }

  /** A new CA named {@code name}, its certificate written to DIR/NAME-ca.crt. */
  public static TestPki create(Path dir, String name) {
    try {
      KeyPair keys = ec();
      X500Name subject = new X500Name("CN=" + name + " test CA");
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = builder(subject, subject, keys)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate cert = sign(b, keys.getPrivate());
      Path file = dir.resolve(name + "-ca.crt");
      writePem(file, List.of(cert));
      return new TestPki(dir, name, keys, cert, file);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public Path caFile() {
    return caFile;
  }

  /** A server certificate for 127.0.0.1 and localhost (or for {@code names} when given). */
  public CertAndKey server(String fileName, KeyForm form, String... names) {
    GeneralName[] sans = names.length == 0
        ? new GeneralName[] {new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}
        : java.util.Arrays.stream(names).map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new);
    return issue(fileName, "etcd-server", form, KeyPurposeId.id_kp_serverAuth, sans);
  }

  /** A client certificate whose common name is {@code commonName} (etcd's user name for it). */
  public CertAndKey client(String fileName, String commonName, KeyForm form) {
    return issue(fileName, commonName, form, KeyPurposeId.id_kp_clientAuth, new GeneralName[0]);
  }

  private CertAndKey issue(String fileName, String cn, KeyForm form, KeyPurposeId purpose, GeneralName[] sans) {
    try {
      KeyPair keys = form == KeyForm.RSA_PKCS1 || form == KeyForm.RSA_PKCS8 ? rsa() : ec();
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = builder(new X500Name("CN=" + name + " test CA"), new X500Name("CN=" + cn), keys)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
      if (sans.length > 0) {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
      }
      X509Certificate cert = sign(b, caKeys.getPrivate());
      Path certFile = dir.resolve(fileName + ".crt");
      Path keyFile = dir.resolve(fileName + ".key");
      writePem(certFile, List.of(cert));
      writeKey(keyFile, keys, form);
      return new CertAndKey(certFile, keyFile);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject, keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey issuerKey) throws GeneralSecurityException {
    try {
      String alg = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(alg).build(issuerKey)));
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair rsa() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  private static KeyPair ec() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static void writePem(Path file, List<?> objects) throws IOException {
    try (Writer w = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(w)) {
      for (Object o : objects) {
        pem.writeObject(o);
      }
    }
  }

  private static void writeKey(Path file, KeyPair keys, KeyForm form) {
    try (Writer w = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(w)) {
      switch (form) {
        case RSA_PKCS1 -> pem.writeObject(keys.getPrivate()); // JcaPEMWriter's traditional RSA form is PKCS#1
        case EC_SEC1 -> pem.writeObject(new PemObject("EC PRIVATE KEY", sec1(keys)));
        case RSA_PKCS8, EC_PKCS8 -> pem.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * SEC1 as openssl and Go write it: with the curve's name and the public key. (JcaPEMWriter's
   * own "EC PRIVATE KEY" leaves the curve out, which neither openssl nor etcd can read.)
   */
  private static byte[] sec1(KeyPair keys) throws IOException {
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
    ASN1Encodable curve = info.getPrivateKeyAlgorithm().getParameters();
    BigInteger d = ((java.security.interfaces.ECPrivateKey) keys.getPrivate()).getS();
    DERBitString publicKey = new DERBitString(
        SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData().getBytes());
    return new org.bouncycastle.asn1.sec.ECPrivateKey(256, d, publicKey, curve).getEncoded();
  }
}
