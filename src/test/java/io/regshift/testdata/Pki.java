package io.regshift.testdata;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.PlainDSAEncoding;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.operator.ContentSigner;

/**
 * Real certificates and keys for the generated cluster, made without any randomness the seed does
 * not control: P-256 keys from seeded bytes, ECDSA signatures with RFC 6979 nonces. So a CA
 * bundle in kube-root-ca.crt or a TLS secret parses with openssl and is the same on every run.
 */
final class Pki {
  private static final X9ECParameters P256 = ECNamedCurveTable.getByName("secp256r1");
  private static final ECDomainParameters DOMAIN =
      new ECDomainParameters(P256.getCurve(), P256.getG(), P256.getN(), P256.getH());
  private static final AlgorithmIdentifier ECDSA_SHA256 =
      new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);

  private Pki() {}

  /** A P-256 key pair. */
  record Key(BigInteger d, ECPoint q) {
    static Key generate(Seeded random) {
      BigInteger d;
      do {
        d = new BigInteger(1, random.bytes(32));
      } while (d.signum() == 0 || d.compareTo(DOMAIN.getN()) >= 0);
      return new Key(d, new FixedPointCombMultiplier().multiply(DOMAIN.getG(), d).normalize());
    }

    SubjectPublicKeyInfo publicKeyInfo() {
      return new SubjectPublicKeyInfo(
          new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, SECObjectIdentifiers.secp256r1),
          q.getEncoded(false));
    }

    /** SEC 1 "EC PRIVATE KEY" PEM, as openssl and cert-manager write it. */
    String privateKeyPem() {
      try {
        ECPrivateKey sec1 = new ECPrivateKey(256, d, new DERBitString(q.getEncoded(false)),
            SECObjectIdentifiers.secp256r1);
        return pem("EC PRIVATE KEY", sec1.getEncoded(ASN1Encoding.DER));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** ECDSA over SHA-256 with a deterministic nonce; DER or JOSE (r||s) form. */
    byte[] sign(byte[] data, boolean jose) {
      SHA256Digest digest = new SHA256Digest();
      digest.update(data, 0, data.length);
      byte[] hash = new byte[32];
      digest.doFinal(hash, 0);
      ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
      signer.init(true, new ECPrivateKeyParameters(d, DOMAIN));
      BigInteger[] rs = signer.generateSignature(hash);
      try {
        return (jose ? PlainDSAEncoding.INSTANCE : StandardDSAEncoding.INSTANCE)
            .encode(DOMAIN.getN(), rs[0], rs[1]);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** A certificate with the key it certifies. */
  record Cert(String pem, Key key, X500Name subject) {}

  static Cert selfSignedCa(Seeded random, String commonName, Instant notBefore, int days) {
    Key key = Key.generate(random);
    X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    X509v3CertificateBuilder b = builder(random, name, name, key, notBefore, days);
    try {
      b.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyCertSign));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Cert(sign(b, key), key, name);
  }

  static Cert serving(Seeded random, Cert issuer, String commonName, List<String> dnsNames,
      Instant notBefore, int days) {
    Key key = Key.generate(random);
    X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    X509v3CertificateBuilder b = builder(random, issuer.subject(), name, key, notBefore, days);
    try {
      b.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      GeneralName[] sans = dnsNames.stream()
          .map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new);
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Cert(sign(b, issuer.key()), key, name);
  }

  /** A compact JWS (ES256) of the given JSON claims, as service account tokens are. */
  static String jwt(Key key, String keyId, String claimsJson) {
    Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
    String header = url.encodeToString(
        ("{\"alg\":\"ES256\",\"kid\":\"" + keyId + "\"}").getBytes(StandardCharsets.UTF_8));
    String payload = url.encodeToString(claimsJson.getBytes(StandardCharsets.UTF_8));
    String signingInput = header + "." + payload;
    return signingInput + "." + url.encodeToString(
        key.sign(signingInput.getBytes(StandardCharsets.US_ASCII), true));
  }

  /** The key id Kubernetes derives from a signing key: base64url(SHA-256(public key DER)). */
  static String keyId(Key key) {
    try {
      byte[] der = key.publicKeyInfo().getEncoded(ASN1Encoding.DER);
      SHA256Digest digest = new SHA256Digest();
      digest.update(der, 0, der.length);
      byte[] hash = new byte[32];
      digest.doFinal(hash, 0);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static X509v3CertificateBuilder builder(Seeded random, X500Name issuer, X500Name subject,
      Key key, Instant notBefore, int days) {
    BigInteger serial = new BigInteger(1, random.bytes(16));
    return new X509v3CertificateBuilder(issuer, serial, Date.from(notBefore),
        Date.from(notBefore.plusSeconds(days * 86_400L)), subject, key.publicKeyInfo());
  }

  private static String sign(X509v3CertificateBuilder builder, Key signingKey) {
    try {
      return pem("CERTIFICATE", builder.build(new DeterministicSigner(signingKey)).getEncoded());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  private static final class DeterministicSigner implements ContentSigner {
    private final Key key;
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    DeterministicSigner(Key key) {
      this.key = key;
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
      return ECDSA_SHA256;
    }

    @Override
    public OutputStream getOutputStream() {
      return data;
    }

    @Override
    public byte[] getSignature() {
      return key.sign(data.toByteArray(), false);
    }
  }
}
