package io.regshift.etcd;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How to reach a live etcd: etcdctl's connection flags, already resolved from flags and
 * {@code ETCDCTL_*} variables.
 *
 * @param endpoints             http:// or https:// URLs, one scheme for all
 * @param caCert                PEM CA bundle that signs the server certificates; null for the system's
 * @param clientCert            PEM client certificate (chain); null for none
 * @param clientKey             its private key: PKCS#1 RSA, PKCS#8 or SEC1 EC PEM; null for none
 * @param user                  etcd user name; null when auth is not used
 * @param password              its password; null when auth is not used
 * @param insecureSkipTlsVerify accept any server certificate and name (etcdctl's flag of the same name)
 * @param dialTimeout           how long to wait for an endpoint to answer at first
 * @param commandTimeout        how long one request may take
 */
public record ConnectionSettings(List<URI> endpoints, Path caCert, Path clientCert, Path clientKey, String user,
    String password, boolean insecureSkipTlsVerify, Duration dialTimeout, Duration commandTimeout) {

  /** etcdctl's defaults. */
  public static final Duration DEFAULT_DIAL_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);

  public ConnectionSettings {
    endpoints = List.copyOf(endpoints);
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("no endpoint");
    }
  }

  public boolean tls() {
    return "https".equals(endpoints.get(0).getScheme());
  }

  /** "host:port,host:port" as the endpoints are written in messages. */
  public String hostPorts() {
    return endpoints.stream().map(u -> u.getHost() + ":" + u.getPort()).collect(Collectors.joining(","));
  }

  /** The source name: etcd://host:port,... or etcds://... for TLS. */
  public String sourceName() {
    return (tls() ? "etcds://" : "etcd://") + hostPorts();
  }
}
