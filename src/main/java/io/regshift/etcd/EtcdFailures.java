package io.regshift.etcd;

import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Turns what jetcd and gRPC throw into one line a person can act on: which endpoints, what was
 * being done, and the cause in etcd's terms (unreachable, which side of TLS failed, wrong
 * password, permission denied, compacted revision).
 */
public final class EtcdFailures {
  private final ConnectionSettings settings;
  private final ServerCertificateCheck serverCheck;

  EtcdFailures(ConnectionSettings settings, ServerCertificateCheck serverCheck) {
    this.settings = settings;
    this.serverCheck = serverCheck;
  }

  /** No answer in time: on the first request nothing answered at all. */
  public EtcdRequestException timeout(String what, boolean first) {
    return first
        ? fail("no endpoint answered within " + seconds(settings.dialTimeout()) + " (--dial-timeout)", null)
        : fail("no answer within " + seconds(settings.commandTimeout()) + " to " + what + " (--command-timeout)", null);
  }

  /** The one-line failure for {@code t}, thrown while doing {@code what}. */
  public EtcdRequestException translate(String what, Throwable t) {
    Status status = status(t);
    String desc = status.getDescription() == null ? "" : status.getDescription();
    return switch (status.getCode()) {
      case UNAVAILABLE -> unavailable(desc, t);
      case UNAUTHENTICATED -> unauthenticated(desc, t);
      // etcd's own statuses for a failed log-in, as a plain gRPC client sees them (jetcd wraps them in UNAUTHENTICATED)
      case INVALID_ARGUMENT -> desc.contains("invalid user ID or password") ? unauthenticated(desc, t)
          : desc.contains("user name is empty")
          ? fail("the server requires authentication (etcd auth is enabled): give --user NAME[:PASSWORD] or"
              + " ETCDCTL_USER, or a client certificate whose common name is an etcd user", t)
          : fail(what + ": " + desc, t);
      case PERMISSION_DENIED -> fail("permission denied: " + who() + " may not " + what, t);
      // etcd 3.4 refuses a snapshot to a user without the root role, or to no user, with its auth package's bare errors
      case UNKNOWN -> desc.equals("auth: permission denied") ? fail("permission denied: " + who() + " may not " + what, t)
          : desc.equals("auth: user name is empty") ? fail("the server requires authentication (etcd auth is enabled): give"
              + " --user NAME[:PASSWORD] or ETCDCTL_USER, or a client certificate whose common name is an etcd user", t)
          : fail("cannot " + what + ": unknown" + (desc.isEmpty() ? "" : ": " + strip(desc)), t);
      case OUT_OF_RANGE -> desc.contains("compacted")
          ? new RevisionCompactedException(settings.sourceName() + ": cannot " + what + ": the revision has been"
              + " compacted", 0, t)
          : fail("cannot " + what + ": " + strip(desc), t);
      case RESOURCE_EXHAUSTED -> desc.contains("message") && desc.contains("maximum size")
          ? new ResponseTooLargeException(settings.sourceName() + ": cannot " + what + ": the response is larger"
              + " than the " + (EtcdConnection.MAX_RESPONSE_BYTES >> 20) + " MiB message limit", t)
          : fail("cannot " + what + ": " + strip(desc), t);
      case DEADLINE_EXCEEDED -> timeout(what, false);
      case FAILED_PRECONDITION -> desc.contains("authentication is not enabled") ? unauthenticated(desc, t)
          : fail("cannot " + what + ": failed precondition" + (desc.isEmpty() ? "" : ": " + strip(desc)), t);
      default -> fail("cannot " + what + ": " + status.getCode().name().toLowerCase(Locale.ROOT).replace('_', ' ')
          + (desc.isEmpty() ? "" : ": " + strip(desc)), t);
    };
  }

  private EtcdRequestException unavailable(String desc, Throwable t) {
    ServerCertificateCheck.Refusal refusal = serverCheck == null ? null : serverCheck.lastRefusal();
    if (refusal != null) {
      return fail("TLS handshake failed: " + serverCertificateProblem(refusal), t);
    }
    String alert = alert(t);
    if (alert != null) {
      return fail("TLS handshake failed: " + clientCertificateProblem(alert), t);
    }
    if (find(t, io.netty.handler.ssl.NotSslRecordException.class) != null
        || desc.contains("Connection closed while performing TLS negotiation")) {
      return fail("TLS handshake failed: the server does not speak TLS on this port; use etcd:// (http://)", t);
    }
    // a TLS server drops a plaintext client: gRPC says either "Network closed" or, when the reset
    // arrives first, a bare "io exception" with no connect failure under it
    boolean droppedAfterConnect = desc.contains("Network closed for unknown reason")
        || (desc.startsWith("io exception") && find(t, ConnectException.class) == null
            && find(t, UnknownHostException.class) == null && find(t, SSLException.class) == null);
    if (!settings.tls() && droppedAfterConnect) {
      return fail("the server closed the connection at once; it probably expects TLS: use etcds:// (https://)"
          + " with --cacert, --cert and --key", t);
    }
    if (desc.contains("no leader")) {
      return fail("the cluster has no leader (its members cannot reach each other)", t);
    }
    String cause;
    if (find(t, ConnectException.class) != null) {
      cause = find(t, io.netty.channel.ConnectTimeoutException.class) != null ? "connection timed out" : "connection refused";
    } else if (find(t, UnknownHostException.class) != null) {
      cause = "unknown host " + find(t, UnknownHostException.class).getMessage();
    } else if (find(t, SSLException.class) != null) {
      return fail("TLS failed: " + find(t, SSLException.class).getMessage(), t);
    } else {
      cause = desc.isEmpty() ? "unavailable" : strip(desc);
    }
    return fail("no endpoint answers (dial timeout " + seconds(settings.dialTimeout()) + "): " + cause, t);
  }

  private EtcdRequestException unauthenticated(String desc, Throwable t) {
    // jetcd reports a failed log-in as UNAUTHENTICATED around the server's own status
    Status inner = innerStatus(t);
    String d = inner != null && inner.getDescription() != null ? inner.getDescription() : desc;
    if (d.contains("invalid user ID or password")) {
      return fail("authentication failed for user \"" + settings.user() + "\": wrong user name or password", t);
    }
    if (d.contains("authentication is not enabled")) {
      return fail("the server does not have authentication enabled: leave out --user (and ETCDCTL_USER)", t);
    }
    return fail("authentication failed" + (d.isEmpty() ? "" : ": " + strip(d)), t);
  }

  private String serverCertificateProblem(ServerCertificateCheck.Refusal r) {
    Throwable c = r.cause();
    String ca = settings.caCert() == null ? "the system's CAs (give --cacert)" : "--cacert " + settings.caCert();
    if (find(c, CertificateExpiredException.class) != null) {
      return "the server's certificate expired on " + r.certificate().getNotAfter().toInstant();
    }
    if (find(c, CertificateNotYetValidException.class) != null) {
      return "the server's certificate is not valid before " + r.certificate().getNotBefore().toInstant();
    }
    if (find(c, CertPathBuilderException.class) != null || find(c, CertPathValidatorException.class) != null) {
      return "the server's certificate is not trusted: it is signed by " + issuer(r.certificate())
          + ", not by a CA in " + ca + " (unknown CA)";
    }
    String m = c.getMessage() == null ? "" : c.getMessage();
    if (m.startsWith("No subject alternative") || m.startsWith("No name matching")) {
      return "the server's certificate is for " + names(r.certificate()) + ", not for "
          + (r.host() == null ? "the host connected to" : r.host()) + " (hostname mismatch)";
    }
    return "the server's certificate was refused: " + m;
  }

  private String clientCertificateProblem(String alert) {
    if (settings.clientCert() == null && (alert.contains("certificate") || alert.equals("handshake_failure"))) {
      return "the server requires a client certificate: give --cert and --key (or ETCDCTL_CERT and ETCDCTL_KEY)";
    }
    if (alert.equals("certificate_expired")) {
      return "the server refused the client certificate --cert " + settings.clientCert() + ": it has expired";
    }
    if (alert.contains("certificate") || alert.equals("unknown_ca")) {
      return "the server refused the client certificate --cert " + settings.clientCert()
          + ": it is not signed by a CA the server trusts (its --trusted-ca-file)";
    }
    return "the server ended the handshake (" + alert + ")";
  }

  /** The TLS alert the server sent, e.g. "bad_certificate", or null. */
  private static String alert(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = c.getMessage();
      if (c instanceof SSLException && m != null && m.contains("Received fatal alert: ")) {
        return m.substring(m.indexOf("Received fatal alert: ") + 22).trim();
      }
    }
    return null;
  }

  private String who() {
    if (settings.user() != null) {
      return "user \"" + settings.user() + "\"";
    }
    return settings.clientCert() != null ? "the user named by the client certificate" : "an unauthenticated client";
  }

  private EtcdRequestException fail(String message, Throwable cause) {
    return new EtcdRequestException(settings.sourceName() + ": " + message, cause);
  }

  private static Status status(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof StatusRuntimeException s) {
        return s.getStatus();
      }
      if (c instanceof StatusException s) {
        return s.getStatus();
      }
      if (c instanceof EtcdException e) {
        return Status.fromCode(Status.Code.valueOf(e.getErrorCode().name())).withDescription(e.getMessage()).withCause(e.getCause());
      }
    }
    return Status.UNKNOWN.withDescription(t.toString()).withCause(t);
  }

  /** The status wrapped inside the outermost one, if any. */
  private static Status innerStatus(Throwable t) {
    boolean seenOuter = false;
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof StatusRuntimeException || c instanceof StatusException || c instanceof EtcdException) {
        if (seenOuter) {
          return status(c);
        }
        seenOuter = true;
      }
    }
    return null;
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }

  private static String strip(String etcdMessage) {
    return etcdMessage.replaceFirst("^etcdserver: (mvcc: )?", "");
  }

  private static String issuer(X509Certificate c) {
    return c == null ? "an unknown issuer" : "\"" + c.getIssuerX500Principal().getName() + "\"";
  }

  private static String names(X509Certificate c) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> sans = c == null ? null : c.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (san.size() > 1 && san.get(1) instanceof String s) {
            names.add(s);
          }
        }
      }
    } catch (CertificateParsingException e) {
      // fall back to the subject below
    }
    if (names.isEmpty()) {
      return c == null ? "another host" : "\"" + c.getSubjectX500Principal().getName() + "\" (no subject alternative names)";
    }
    return String.join(", ", names);
  }

  static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }
}
