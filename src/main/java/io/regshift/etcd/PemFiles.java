package io.regshift.etcd;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Certificates and private keys from PEM files, in every form kubeadm, k3s and openssl write:
 * PKCS#1 ("RSA PRIVATE KEY"), SEC1 ("EC PRIVATE KEY", possibly after "EC PARAMETERS") and
 * PKCS#8 ("PRIVATE KEY"). The JDK alone reads only PKCS#8, hence BouncyCastle.
 */
public final class PemFiles {
  private PemFiles() {}

  /** Every certificate in the file, in order; at least one. */
  public static List<X509Certificate> certificates(Path file, String flag) {
    List<X509Certificate> certs = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    for (Object o : objects(file, flag)) {
      if (o instanceof X509CertificateHolder h) {
        try {
          certs.add(converter.getCertificate(h));
        } catch (CertificateException e) {
          throw new EtcdRequestException(flag + " " + file + ": a certificate does not parse: " + e.getMessage());
        }
      }
    }
    if (certs.isEmpty()) {
      throw new EtcdRequestException(flag + " " + file + ": no PEM certificate (\"BEGIN CERTIFICATE\") in the file");
    }
    return certs;
  }

  /** The one private key in the file. */
  public static PrivateKey privateKey(Path file, String flag) {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    for (Object o : objects(file, flag)) {
      try {
        if (o instanceof PEMKeyPair pair) { // PKCS#1 RSA or SEC1 EC
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
        if (o instanceof PrivateKeyInfo info) { // PKCS#8
          return converter.getPrivateKey(info);
        }
      } catch (IOException e) {
        throw new EtcdRequestException(flag + " " + file + ": the private key does not parse: " + e.getMessage());
      }
      if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
        throw new EtcdRequestException(flag + " " + file + ": the private key is encrypted; etcd clients need it"
            + " unencrypted (openssl pkey -in KEY -out PLAIN)");
      }
    }
    throw new EtcdRequestException(flag + " " + file + ": no PEM private key (\"BEGIN ... PRIVATE KEY\") in the file");
  }

  private static List<Object> objects(Path file, String flag) {
    List<Object> out = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8); PEMParser parser = new PEMParser(r)) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        out.add(o);
      }
    } catch (NoSuchFileException e) {
      throw new EtcdRequestException(flag + " " + file + ": no such file");
    } catch (IOException | RuntimeException e) {
      throw new EtcdRequestException(flag + " " + file + ": not a PEM file (" + e.getMessage() + ")");
    }
    return out;
  }
}
