package io.regshift.cli;

import io.regshift.etcd.ConnectionSettings;
import io.regshift.etcd.Endpoints;
import io.regshift.kube.RegistryPrefix;
import io.regshift.source.LiveSource;
import io.regshift.source.Source;
import io.regshift.source.Sources;
import java.io.Console;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * etcdctl's connection flags, for a SOURCE written etcd://host:port,... (etcds:// for TLS). Each
 * flag falls back to its ETCDCTL_* variable as etcdctl's does, so a shell set up for etcdctl
 * works unchanged.
 */
final class ConnectionOptions implements Sources.LiveAccess {
  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  @Option(names = "--endpoints", split = ",", paramLabel = "URL",
      description = "Live etcd endpoints, comma-separated: https://host:2379, http://..., or host:port (env ETCDCTL_ENDPOINTS). "
          + "Used when SOURCE is a bare etcd:// or etcds://, or is left out (backup).")
  List<String> endpoints;

  @Option(names = "--cacert", paramLabel = "FILE", description = "CA bundle (PEM) the server certificates are signed by (env ETCDCTL_CACERT).")
  Path cacert;

  @Option(names = "--cert", paramLabel = "FILE", description = "Client certificate (PEM) (env ETCDCTL_CERT).")
  Path cert;

  @Option(names = "--key", paramLabel = "FILE", description = "Its private key: PKCS#1, PKCS#8 or EC PEM (env ETCDCTL_KEY).")
  Path key;

  @Option(names = "--user", paramLabel = "USER[:PASSWORD]", description = "etcd user, optionally with its password (env ETCDCTL_USER).")
  String user;

  @Option(names = "--password", paramLabel = "PASSWORD", description = "The user's password (env ETCDCTL_PASSWORD; asked for on a terminal when missing).")
  String password;

  @Option(names = "--insecure-skip-tls-verify", description = "Accept any server certificate (env ETCDCTL_INSECURE_SKIP_TLS_VERIFY).")
  Boolean insecureSkipTlsVerify;

  @Option(names = "--dial-timeout", paramLabel = "DURATION", converter = GoDuration.class,
      description = "How long to wait for an endpoint to answer at first, e.g. 2s (default 2s; env ETCDCTL_DIAL_TIMEOUT).")
  Duration dialTimeout;

  @Option(names = "--command-timeout", paramLabel = "DURATION", converter = GoDuration.class,
      description = "How long one request may take, e.g. 5s (default 5s; env ETCDCTL_COMMAND_TIMEOUT).")
  Duration commandTimeout;

  @Option(names = "--page-size", paramLabel = "N",
      description = "Keys per request when reading a live etcd (default " + LiveSource.DEFAULT_PAGE_SIZE + "; smaller pages are used when values are large).")
  Integer pageSize;

  private String prefix = RegistryPrefix.DEFAULT;

  /**
   * Opens SOURCE: a live etcd through these flags, or a file.
   *
   * @param prefix the apiserver prefix: its key is the first read (a user may be allowed that prefix only)
   */
  Source open(String source, String prefix) {
    this.prefix = prefix;
    if (!Endpoints.isLive(source)) {
      List<String> given = givenFlags();
      if (!given.isEmpty()) {
        throw new UsageException(String.join(", ", given) + ": connection flags apply to a live etcd (etcd://...,"
            + " etcds://...), not to the file " + source);
      }
    }
    return Sources.open(source, this);
  }

  /** The live etcd named by --endpoints or ETCDCTL_ENDPOINTS (backup without SOURCE). */
  LiveSource openEndpoints(String prefix) {
    this.prefix = prefix;
    return open(List.of(), false);
  }

  /**
   * How to reach the live etcd of SOURCE (etcd://..., etcds://...), or of --endpoints /
   * ETCDCTL_ENDPOINTS when SOURCE is null; nothing is sent.
   */
  ConnectionSettings liveSettings(String source) {
    if (source == null) {
      return settings(List.of(), false);
    }
    try {
      return settings(Endpoints.fromSource(source), source.startsWith("etcds://"));
    } catch (IllegalArgumentException e) {
      throw new io.regshift.source.SourceException(source + ": " + e.getMessage());
    }
  }

  /** True when --endpoints or ETCDCTL_ENDPOINTS names endpoints. */
  boolean hasEndpoints() {
    return endpoints != null || env("ETCDCTL_ENDPOINTS") != null;
  }

  @Override
  public LiveSource open(List<URI> fromSource, boolean sourceTls) {
    return LiveSource.open(settings(fromSource, sourceTls),
        new LiveSource.Options(pageSize == null ? LiveSource.DEFAULT_PAGE_SIZE : pageSize, RegistryPrefix.keyBase(prefix)));
  }

  ConnectionSettings settings(List<URI> fromSource, boolean sourceTls) {
    return settings(fromSource, sourceTls, false);
  }

  /**
   * A live SOURCE of {@code restore}: its endpoints are in SOURCE, --endpoints names the target,
   * and the TLS and auth flags apply to both.
   */
  LiveSource openRestoreSource(List<URI> fromSource, boolean sourceTls, String prefix) {
    if (fromSource.isEmpty()) {
      throw new UsageException("a live SOURCE names its endpoints (etcd://host:port): --endpoints is the target");
    }
    return LiveSource.open(settings(fromSource, sourceTls, true),
        new LiveSource.Options(pageSize == null ? LiveSource.DEFAULT_PAGE_SIZE : pageSize, RegistryPrefix.keyBase(prefix)));
  }

  private ConnectionSettings settings(List<URI> fromSource, boolean sourceTls, boolean endpointsFlagIsTarget) {
    Path ca = pathOr(cacert, "ETCDCTL_CACERT");
    Path certFile = pathOr(cert, "ETCDCTL_CERT");
    Path keyFile = pathOr(key, "ETCDCTL_KEY");
    boolean insecure = insecureSkipTlsVerify != null ? insecureSkipTlsVerify
        : "true".equalsIgnoreCase(env("ETCDCTL_INSECURE_SKIP_TLS_VERIFY"));
    boolean tlsFlags = ca != null || certFile != null || keyFile != null || insecure;
    List<URI> uris;
    if (!fromSource.isEmpty()) {
      if (endpoints != null && !endpointsFlagIsTarget) {
        throw new UsageException("give the endpoints once: in SOURCE or with --endpoints");
      }
      uris = fromSource;
    } else {
      List<String> list = endpoints != null ? endpoints : split(env("ETCDCTL_ENDPOINTS"));
      if (list.isEmpty()) {
        throw new UsageException("no endpoints: write SOURCE as etcd://host:2379 (etcds:// for TLS), or give"
            + " --endpoints or ETCDCTL_ENDPOINTS");
      }
      try {
        uris = Endpoints.fromFlag(list, sourceTls || tlsFlags);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--endpoints " + e.getMessage());
      }
    }
    boolean tls = "https".equals(uris.get(0).getScheme());
    if (uris.stream().anyMatch(u -> !u.getScheme().equals(uris.get(0).getScheme()))) {
      throw new UsageException("the endpoints mix TLS and plaintext: " + uris);
    }
    if (sourceTls && !tls) {
      throw new UsageException("etcds:// is TLS but the endpoints are http://: " + uris);
    }
    if (!tls && (cacert != null || cert != null || key != null || Boolean.TRUE.equals(insecureSkipTlsVerify))) {
      throw new UsageException("TLS flags given but the endpoints are plaintext: write etcds://host:port (or https://)");
    }
    String[] credentials = credentials();
    return new ConnectionSettings(uris, tls ? ca : null, tls ? certFile : null, tls ? keyFile : null,
        credentials[0], credentials[1], tls && insecure,
        durationOr(dialTimeout, "ETCDCTL_DIAL_TIMEOUT", ConnectionSettings.DEFAULT_DIAL_TIMEOUT),
        durationOr(commandTimeout, "ETCDCTL_COMMAND_TIMEOUT", ConnectionSettings.DEFAULT_COMMAND_TIMEOUT));
  }

  /** {user, password}: --user may carry the password as USER:PASSWORD, as etcdctl's does. */
  private String[] credentials() {
    String u = user != null ? user : env("ETCDCTL_USER");
    if (u == null || u.isEmpty()) {
      return new String[] {null, null};
    }
    String pw = password != null ? password : env("ETCDCTL_PASSWORD");
    int colon = u.indexOf(':');
    if (colon >= 0) {
      if (password != null) {
        throw new UsageException("the password is given twice: in --user " + u.substring(0, colon) + ":... and --password");
      }
      return new String[] {u.substring(0, colon), u.substring(colon + 1)};
    }
    if (pw == null) {
      Console console = System.console();
      if (console == null) {
        throw new UsageException("no password for etcd user \"" + u + "\": give --password, ETCDCTL_PASSWORD or"
            + " --user " + u + ":PASSWORD");
      }
      char[] typed = console.readPassword("Password for etcd user %s: ", u);
      pw = typed == null ? "" : new String(typed);
    }
    return new String[] {u, pw};
  }

  private List<String> givenFlags() {
    List<String> given = new java.util.ArrayList<>();
    if (endpoints != null) given.add("--endpoints");
    if (cacert != null) given.add("--cacert");
    if (cert != null) given.add("--cert");
    if (key != null) given.add("--key");
    if (user != null) given.add("--user");
    if (password != null) given.add("--password");
    if (insecureSkipTlsVerify != null) given.add("--insecure-skip-tls-verify");
    return given;
  }

  private Path pathOr(Path flag, String variable) {
    if (flag != null) {
      return flag;
    }
    String v = env(variable);
    return v == null || v.isEmpty() ? null : Path.of(v);
  }

  private Duration durationOr(Duration flag, String variable, Duration fallback) {
    Duration d = flag;
    if (d == null) {
      String v = env(variable);
      try {
        d = v == null || v.isEmpty() ? fallback : GoDuration.parse(v);
      } catch (RuntimeException e) {
        throw new UsageException(variable + "=" + v + ": " + e.getMessage());
      }
    }
    if (d.isNegative() || d.isZero()) {
      throw new UsageException("timeouts must be longer than 0, not " + d);
    }
    return d;
  }

  private String env(String variable) {
    Map<String, String> e = mixee != null && mixee.root().userObject() instanceof Main m ? m.environment : System.getenv();
    return e.get(variable);
  }

  private static List<String> split(String list) {
    return list == null ? List.of() : Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
