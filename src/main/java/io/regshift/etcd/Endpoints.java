package io.regshift.etcd;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * Endpoint lists as users write them: a SOURCE {@code etcd://host:port,host:port} ({@code etcds://}
 * for TLS), or etcdctl's {@code --endpoints} with {@code https://}, {@code http://} or bare
 * {@code host:port} entries. The port defaults to 2379.
 */
public final class Endpoints {
  public static final int DEFAULT_PORT = 2379;

  private Endpoints() {}

  /** True for a SOURCE naming a live etcd. */
  public static boolean isLive(String spec) {
    return spec.startsWith("etcd://") || spec.startsWith("etcds://");
  }

  /** The endpoints of an {@code etcd://} or {@code etcds://} SOURCE; empty for a bare "etcd://". */
  public static List<URI> fromSource(String spec) {
    boolean tls = spec.startsWith("etcds://");
    String rest = spec.substring(tls ? 8 : 7);
    while (rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    List<URI> out = new ArrayList<>();
    for (String hostPort : rest.split(",")) {
      if (!hostPort.isBlank()) {
        out.add(uri(tls ? "https" : "http", hostPort.trim(), spec));
      }
    }
    return out;
  }

  /**
   * etcdctl's --endpoints list. Entries without a scheme use https when {@code tls} (TLS flags were
   * given) and http otherwise.
   */
  public static List<URI> fromFlag(List<String> entries, boolean tls) {
    List<URI> out = new ArrayList<>();
    for (String e : entries) {
      String s = e.trim();
      if (s.isEmpty()) {
        continue;
      }
      int scheme = s.indexOf("://");
      if (scheme < 0) {
        out.add(uri(tls ? "https" : "http", s, e));
      } else {
        String name = s.substring(0, scheme);
        String proto = switch (name) {
          case "http", "etcd" -> "http";
          case "https", "etcds" -> "https";
          default -> throw new IllegalArgumentException("\"" + e + "\": an endpoint is http://, https:// or host:port");
        };
        String hostPort = s.substring(scheme + 3);
        while (hostPort.endsWith("/")) {
          hostPort = hostPort.substring(0, hostPort.length() - 1);
        }
        out.add(uri(proto, hostPort, e));
      }
    }
    return out;
  }

  private static URI uri(String scheme, String hostPort, String given) {
    try {
      URI u = new URI(scheme + "://" + hostPort);
      if (u.getHost() == null || (u.getPath() != null && !u.getPath().isEmpty()) || u.getQuery() != null) {
        throw new IllegalArgumentException("\"" + given + "\": \"" + hostPort + "\" is not host:port");
      }
      return u.getPort() < 0 ? new URI(scheme, null, u.getHost(), DEFAULT_PORT, null, null, null) : u;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("\"" + given + "\": \"" + hostPort + "\" is not host:port");
    }
  }
}
