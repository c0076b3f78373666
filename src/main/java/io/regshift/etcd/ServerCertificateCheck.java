package io.regshift.etcd;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK's check of the server's certificate (chain and host name), remembering why it refused
 * one: gRPC reports a refused server certificate only as "UNAVAILABLE: io exception", without
 * the cause, so this is where "unknown CA" and "wrong host name" are learned.
 */
final class ServerCertificateCheck extends X509ExtendedTrustManager {
  /** Why a server certificate was refused. */
  record Refusal(CertificateException cause, X509Certificate certificate, String host) {}

  private final X509ExtendedTrustManager delegate;
  private volatile Refusal lastRefusal;

  private ServerCertificateCheck(X509ExtendedTrustManager delegate) {
    this.delegate = delegate;
  }

  /** Trusts {@code cas}, or the JDK's own CAs when null. */
  static ServerCertificateCheck trusting(List<X509Certificate> cas) {
    try {
      KeyStore store = null;
      if (cas != null) {
        store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        for (int i = 0; i < cas.size(); i++) {
          store.setCertificateEntry("ca-" + i, cas.get(i));
        }
      }
      TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init(store);
      for (TrustManager tm : f.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x) {
          return new ServerCertificateCheck(x);
        }
      }
      throw new IllegalStateException("the JDK offers no X509ExtendedTrustManager");
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot set up TLS trust: " + e.getMessage(), e);
    }
  }

  /** Why the last server certificate was refused, or null. */
  Refusal lastRefusal() {
    return lastRefusal;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    try {
      delegate.checkServerTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      lastRefusal = new Refusal(e, chain.length > 0 ? chain[0] : null, engine == null ? null : engine.getPeerHost());
      throw e;
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    try {
      delegate.checkServerTrusted(chain, authType, socket);
    } catch (CertificateException e) {
      lastRefusal = new Refusal(e, chain.length > 0 ? chain[0] : null, null);
      throw e;
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    try {
      delegate.checkServerTrusted(chain, authType);
    } catch (CertificateException e) {
      lastRefusal = new Refusal(e, chain.length > 0 ? chain[0] : null, null);
      throw e;
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    delegate.checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    delegate.checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate.checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }
}
