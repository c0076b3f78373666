package io.regshift.cli;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.PutOption;
import io.regshift.kube.ManifestReader;
import io.regshift.kube.ValueCodec;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A small but realistic cluster's keyspace written to a real etcd: namespaces, deployments,
 * services, configmaps, secrets and events (on a lease, as kube-apiserver writes them) in several
 * namespaces, stored as kube-apiserver stores them (protobuf; a custom resource as JSON), plus a
 * key outside the prefix, updates and a deletion.
 */
final class ClusterFixture {
  static final String[] NAMESPACES = {"default", "shop", "kube-system"};

  private ClusterFixture() {}

  /** Writes the objects and returns the head revision. */
  static long populate(Client client) throws Exception {
    KV kv = client.getKVClient();
    long rev = 0;
    for (String ns : NAMESPACES) {
      rev = put(kv, "/registry/namespaces/" + ns, encode(namespace(ns)));
      for (int i = 0; i < 4; i++) {
        rev = put(kv, "/registry/deployments/" + ns + "/web-" + i, encode(deployment(ns, "web-" + i, 2)));
        rev = put(kv, "/registry/services/specs/" + ns + "/web-" + i, encode(service(ns, "web-" + i)));
        rev = put(kv, "/registry/configmaps/" + ns + "/cfg-" + i, encode(configMap(ns, "cfg-" + i, 200 * i)));
        rev = put(kv, "/registry/secrets/" + ns + "/token-" + i, encode(secret(ns, "token-" + i)));
      }
    }
    rev = put(kv, "/registry/deployments/shop/web-1", encode(deployment("shop", "web-1", 5)));
    kv.delete(bs("/registry/configmaps/default/cfg-3")).get(10, TimeUnit.SECONDS);
    long lease = client.getLeaseClient().grant(3600).get(10, TimeUnit.SECONDS).getID();
    putEventOnLease(kv, lease);
    rev = put(kv, "/registry/stable.example.com/crontabs/shop/nightly", ("{\"apiVersion\":\"stable.example.com/v1\","
        + "\"kind\":\"CronTab\",\"metadata\":{\"name\":\"nightly\",\"namespace\":\"shop\",\"uid\":\"11111111-2222-3333-4444-555555555555\"},"
        + "\"spec\":{\"cronSpec\":\"0 3 * * *\"}}\n").getBytes(StandardCharsets.UTF_8));
    rev = put(kv, "compact_rev_key", "5".getBytes(StandardCharsets.UTF_8));
    return rev;
  }

  /** An event on a lease, as kube-apiserver writes events (they expire). */
  static long putEventOnLease(KV kv, long lease) throws Exception {
    return kv.put(bs("/registry/events/shop/web-0.17a"), ByteSequence.from(encode(event())),
        PutOption.builder().withLeaseId(lease).build()).get(10, TimeUnit.SECONDS).getHeader().getRevision();
  }

  static long put(KV kv, String key, byte[] value) throws Exception {
    return kv.put(bs(key), ByteSequence.from(value)).get(10, TimeUnit.SECONDS).getHeader().getRevision();
  }

  static ByteSequence bs(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  static byte[] encode(String yaml) {
    return ValueCodec.builtin().encode(ManifestReader.read(yaml).get(0));
  }

  private static String uid(String seed) {
    String h = String.format("%032x", new java.math.BigInteger(1, seed.getBytes(StandardCharsets.UTF_8)).mod(java.math.BigInteger.TWO.pow(128)));
    return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20) + "-" + h.substring(20, 32);
  }

  static String namespace(String ns) {
    return """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: %s
          uid: %s
          creationTimestamp: "2026-01-02T03:04:05Z"
        spec:
          finalizers:
          - kubernetes
        status:
          phase: Active
        """.formatted(ns, uid("ns" + ns));
  }

  static String deployment(String ns, String name, int replicas) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: %s
          namespace: %s
          uid: %s
          generation: 1
          creationTimestamp: "2026-01-02T03:04:06Z"
          labels:
            app: %s
        spec:
          replicas: %d
          selector:
            matchLabels:
              app: %s
          template:
            metadata:
              labels:
                app: %s
            spec:
              containers:
              - name: web
                image: nginx:1.27
                ports:
                - containerPort: 80
        """.formatted(name, ns, uid("d" + ns + name), name, replicas, name, name);
  }

  static String service(String ns, String name) {
    return """
        apiVersion: v1
        kind: Service
        metadata:
          name: %s
          namespace: %s
          uid: %s
          creationTimestamp: "2026-01-02T03:04:07Z"
        spec:
          selector:
            app: %s
          ports:
          - port: 80
            targetPort: 80
            protocol: TCP
          clusterIP: 10.96.0.10
          type: ClusterIP
        """.formatted(name, ns, uid("s" + ns + name), name);
  }

  static String configMap(String ns, String name, int size) {
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: %s
          namespace: %s
          uid: %s
          creationTimestamp: "2026-01-02T03:04:08Z"
        data:
          settings: "%s"
        """.formatted(name, ns, uid("c" + ns + name), "x".repeat(size));
  }

  static String secret(String ns, String name) {
    return """
        apiVersion: v1
        kind: Secret
        metadata:
          name: %s
          namespace: %s
          uid: %s
          creationTimestamp: "2026-01-02T03:04:09Z"
        type: Opaque
        data:
          token: c2VjcmV0LXZhbHVlLQ==
        """.formatted(name, ns, uid("x" + ns + name));
  }

  static String event() {
    return """
        apiVersion: v1
        kind: Event
        metadata:
          name: web-0.17a
          namespace: shop
          uid: 99999999-2222-3333-4444-555555555555
          creationTimestamp: "2026-01-02T03:04:10Z"
        involvedObject:
          kind: Pod
          name: web-0
          namespace: shop
        reason: Started
        message: Started container web
        type: Normal
        count: 1
        """;
  }
}
