package io.regshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.regshift.crypto.AtRestEncryptor;
import io.regshift.crypto.TestKmsPlugin;
import io.regshift.crypto.proto.KmsPluginV2Proto.EncryptResponse;
import io.regshift.kube.Json;
import io.regshift.kube.ManifestReader;
import io.regshift.kube.ValueCodec;
import io.regshift.testing.EtcdServer;
import io.regshift.testing.Etcdctl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encryption at rest end to end: Kubernetes values encrypted as kube-apiserver writes them
 * (aesgcm, aescbc, secretbox, KMS v2 through a plugin on a unix socket; by the JDK-based test
 * encryptor) are put into a real etcd, saved with {@code etcdctl snapshot save}, and read back
 * with the commands a user runs, with and without the EncryptionConfiguration.
 */
class EncryptedSnapshotTest {
  @TempDir static Path tmp;
  static Path snapshot;
  static Path config;
  static Path wrongConfig;
  static TestKmsPlugin kms;
  static long passwordFirst;
  static long passwordRotated;
  static long orphanWritten;

  static final byte[] GCM = AtRestEncryptor.random(32);
  static final byte[] OLD_GCM = AtRestEncryptor.random(32);
  static final byte[] CBC = AtRestEncryptor.random(32);
  static final byte[] BOX = AtRestEncryptor.random(32);
  static final byte[] APPS_BOX = AtRestEncryptor.random(32);

  static String configText(byte[] gcm, byte[] oldGcm, byte[] cbc, byte[] box, byte[] appsBox, String kmsEndpoint) {
    return """
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
          - resources:
              - secrets
            providers:
              - aesgcm:
                  keys:
                    - name: key1
                      secret: %s
                    - name: key0
                      secret: %s
              - aescbc:
                  keys:
                    - name: cbc
                      secret: %s
              - secretbox:
                  keys:
                    - name: box
                      secret: %s
              - identity: {}
          - resources:
              - configmaps
            providers:
              - kms:
                  apiVersion: v2
                  name: test-kms
                  endpoint: %s
                  timeout: 5s
              - identity: {}
          - resources:
              - "*.apps"
            providers:
              - secretbox:
                  keys:
                    - name: apps
                      secret: %s
        """.formatted(b64(gcm), b64(oldGcm), b64(cbc), b64(box), kmsEndpoint, b64(appsBox));
  }

  static String secret(String name, String password) {
    return """
        apiVersion: v1
        kind: Secret
        metadata:
          name: %s
          namespace: prod
          uid: 6b1c2f0e-5d43-4f5e-9b6a-%012d
          creationTimestamp: "2026-01-02T03:04:05Z"
        type: Opaque
        data:
          password: %s
        """.formatted(name, Math.abs(name.hashCode()) % 1_000_000_000_000L, b64(password.getBytes(StandardCharsets.UTF_8)));
  }

  static final String CM = """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
        namespace: prod
        uid: 6b1c2f0e-5d43-4f5e-9b6a-000000000001
        creationTimestamp: "2026-01-02T03:04:05Z"
      data:
        color: teal
      """;

  static final String DEPLOY = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        namespace: prod
        uid: 6b1c2f0e-5d43-4f5e-9b6a-000000000002
        generation: 1
        creationTimestamp: "2026-01-02T03:04:05Z"
      spec:
        replicas: 2
        selector:
          matchLabels:
            app: web
        template:
          metadata:
            labels:
              app: web
          spec:
            containers:
            - name: web
              image: nginx:1.27
      """;

  static final String NS = """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: prod
        uid: 6b1c2f0e-5d43-4f5e-9b6a-000000000003
        creationTimestamp: "2026-01-02T03:04:05Z"
      """;

  @BeforeAll
  static void writeAnEncryptedCluster() throws Exception {
    kms = new TestKmsPlugin(tmp.resolve("kms.sock"), "kek-2026");
    byte[] seed = AtRestEncryptor.random(32);
    EncryptResponse wrapped = kms.encryptOverTheSocket(seed);
    config = Files.writeString(tmp.resolve("encryption-config.yaml"), configText(GCM, OLD_GCM, CBC, BOX, APPS_BOX, kms.endpoint()));
    wrongConfig = Files.writeString(tmp.resolve("wrong-keys.yaml"), configText(AtRestEncryptor.random(32), AtRestEncryptor.random(32),
        AtRestEncryptor.random(32), AtRestEncryptor.random(32), AtRestEncryptor.random(32), kms.endpoint()));
    try (EtcdServer server = EtcdServer.start(EtcdServer.Options.defaults());
         Client client = Client.builder().endpoints(server.endpoint()).build()) {
      KV kv = client.getKVClient();
      put(kv, "/registry/namespaces/prod", encode(NS));
      String pw = "/registry/secrets/prod/db-password";
      passwordFirst = put(kv, pw, AtRestEncryptor.aesgcm("key0", OLD_GCM, pw, encode(secret("db-password", "hunter2"))));
      passwordRotated = put(kv, pw, AtRestEncryptor.aesgcm("key1", GCM, pw, encode(secret("db-password", "correct horse"))));
      String token = "/registry/secrets/prod/api-token";
      put(kv, token, AtRestEncryptor.aescbc("cbc", CBC, encode(secret("api-token", "t0ken"))));
      String tls = "/registry/secrets/prod/tls";
      put(kv, tls, AtRestEncryptor.secretbox("box", BOX, encode(secret("tls", "pem"))));
      String old = "/registry/secrets/prod/old";
      put(kv, old, AtRestEncryptor.aesgcm("key0", OLD_GCM, old, encode(secret("old", "still-old"))));
      put(kv, "/registry/secrets/prod/legacy", encode(secret("legacy", "plain-as-day")));
      String orphan = "/registry/secrets/prod/orphan";
      orphanWritten = put(kv, orphan, AtRestEncryptor.aesgcm("key2", AtRestEncryptor.random(32), orphan, encode(secret("orphan", "lost"))));
      String cm = "/registry/configmaps/prod/settings";
      put(kv, cm, withAnnotations(AtRestEncryptor.kmsV2Seed("test-kms", seed, wrapped.getCiphertext().toByteArray(),
          wrapped.getKeyId(), cm, encode(CM)), wrapped));
      String deploy = "/registry/deployments/prod/web";
      put(kv, deploy, AtRestEncryptor.secretbox("apps", APPS_BOX, encode(DEPLOY)));
      snapshot = tmp.resolve("encrypted.db");
      new Etcdctl(server.endpoint()).run("snapshot", "save", snapshot.toString());
    }
  }

  @AfterAll
  static void stopPlugin() {
    kms.close();
  }

  @Test
  void withoutTheConfigEncryptedObjectsAreListedWithProviderAndKeyNeverAsGarbage() {
    CliRun r = CliRun.of("ls", snapshot.toString(), "-n", "prod");
    assertEquals(0, r.code(), "listing encrypted values is not a failure: " + r.err());
    assertTrue(r.out().contains("encrypted:aesgcm:v1:key1"), r.out());
    assertTrue(r.out().contains("encrypted:aescbc:v1:cbc"), r.out());
    assertTrue(r.out().contains("encrypted:kms:v2:test-kms"), r.out());
    assertTrue(r.out().lines().filter(l -> l.contains(" legacy ")).allMatch(l -> l.endsWith("protobuf")), r.out());
    assertEquals("regshift: " + snapshot + ": 7 of 8 values are encrypted at rest; pass --encryption-config to decrypt them\n", r.err());
    CliRun json = CliRun.of("ls", snapshot.toString(), "-o", "json", "--kind", "secrets");
    Map<?, ?> pw = line(json, "db-password");
    assertEquals(List.of("key", "apiVersion", "kind", "group", "resource", "namespace", "name", "createRevision",
        "modRevision", "version", "lease", "size", "encoding", "error"), new ArrayList<>(pw.keySet()), "the documented field set");
    assertEquals("encrypted:aesgcm:v1:key1", pw.get("encoding"));
    assertEquals(null, pw.get("kind"));
    assertTrue(((String) pw.get("error")).startsWith("encrypted with aesgcm key \"key1\"; decrypting it needs the encryption config"));
    CliRun get = CliRun.of("get", snapshot.toString(), "secret/db-password", "-n", "prod");
    assertEquals(1, get.code());
    assertFalse(get.out().contains("correct horse") || get.out().contains(b64("correct horse".getBytes(StandardCharsets.UTF_8))));
    assertTrue(get.out().contains("x-regshift-encrypted:\n  key: key1\n  provider: aesgcm\n"), get.out());
  }

  @Test
  void withTheConfigLsShowsDecryptedObjectsAndNamesTheOneWhoseKeyIsMissing() {
    CliRun r = CliRun.of("ls", snapshot.toString(), "-o", "json", "--encryption-config", config.toString());
    assertEquals(1, r.code(), r.err());
    Map<?, ?> pw = line(r, "db-password");
    assertEquals("Secret", pw.get("kind"));
    assertEquals("encrypted:aesgcm:v1:key1", pw.get("encoding"));
    assertEquals(null, pw.get("error"));
    assertEquals("Deployment", line(r, "web").get("kind"));
    assertEquals("ConfigMap", line(r, "settings").get("kind"));
    assertEquals("encrypted with aesgcm key \"key2\", which the encryption config does not have", line(r, "orphan").get("error"));
    assertEquals("regshift: " + snapshot + ": 1 of 9 values could not be decrypted or decoded (see the error field)\n", r.err());
  }

  @Test
  void getShowsTheDecryptedSecretAndAMissingKeyIsOneLine() {
    CliRun r = CliRun.of("get", snapshot.toString(), "secret/db-password", "-n", "prod", "--encryption-config", config.toString(), "-o", "json");
    assertEquals(0, r.code(), r.err());
    Map<?, ?> obj = (Map<?, ?>) Json.parse(r.out());
    assertEquals(b64("correct horse".getBytes(StandardCharsets.UTF_8)), ((Map<?, ?>) obj.get("data")).get("password"));
    assertEquals(Long.toString(passwordRotated), ((Map<?, ?>) obj.get("metadata")).get("resourceVersion"));
    CliRun cm = CliRun.of("get", snapshot.toString(), "cm/settings", "-n", "prod", "--encryption-config", config.toString());
    assertEquals(0, cm.code(), cm.err());
    assertTrue(cm.out().contains("color: teal"), "KMS v2: the plugin unwrapped the seed: " + cm.out());
    CliRun orphan = CliRun.of("get", snapshot.toString(), "secret/orphan", "-n", "prod", "--encryption-config", config.toString());
    assertEquals(1, orphan.code());
    assertEquals("regshift: /registry/secrets/prod/orphan: encrypted with aesgcm key \"key2\", which the encryption config does not have\n",
        orphan.err());
  }

  @Test
  void exportDecryptsEveryObjectAndGoesOnPastTheOneItCannot() throws Exception {
    CliRun r = CliRun.of("export", snapshot.toString(), "--encryption-config", config.toString());
    assertEquals(1, r.code(), r.err());
    List<Map<String, Object>> docs = ManifestReader.read(r.out());
    assertEquals(8, docs.size());
    List<String> passwords = docs.stream().filter(d -> "Secret".equals(d.get("kind")))
        .map(d -> new String(Base64.getDecoder().decode((String) ((Map<?, ?>) d.get("data")).get("password")), StandardCharsets.UTF_8))
        .sorted().toList();
    assertEquals(List.of("correct horse", "pem", "plain-as-day", "still-old", "t0ken"), passwords);
    assertTrue(r.err().contains("regshift: /registry/secrets/prod/orphan: encrypted with aesgcm key \"key2\", which the encryption config does not have\n"), r.err());
    assertTrue(r.err().contains("exported 8 objects, 1 could not be decrypted or decoded"), r.err());
    Path dir = tmp.resolve("tree");
    CliRun tree = CliRun.of("export", snapshot.toString(), "--encryption-config", config.toString(), "--dir", dir.toString(), "-n", "prod", "--kind", "deploy");
    assertEquals(0, tree.code(), tree.err());
    assertTrue(Files.readString(dir.resolve("prod/deployments.apps/web.yaml")).contains("image: nginx:1.27"));
  }

  @Test
  void withWrongKeysEveryEncryptedObjectFailsWithItsCauseAndThePlaintextOnesStillComeOut() {
    CliRun r = CliRun.of("export", snapshot.toString(), "-o", "json", "--encryption-config", wrongConfig.toString());
    assertEquals(1, r.code());
    List<Map<?, ?>> objects = r.out().lines().<Map<?, ?>>map(l -> (Map<?, ?>) Json.parse(l)).toList();
    assertEquals(List.of("ConfigMap", "Namespace", "Secret"), objects.stream().map(o -> o.get("kind")).toList(),
        "the namespace and the plaintext secret, and the configmap (its KMS plugin is the same)");
    String err = r.err();
    assertTrue(err.contains("regshift: /registry/secrets/prod/db-password: encrypted with aesgcm key \"key1\": the key does not decrypt it: authentication failed"), err);
    assertTrue(err.contains("regshift: /registry/secrets/prod/tls: encrypted with secretbox key \"box\": the key does not decrypt it: authentication failed"), err);
    assertTrue(err.contains("regshift: /registry/deployments/prod/web: encrypted with secretbox key \"apps\": the key does not decrypt it"), err);
    assertTrue(err.lines().anyMatch(l -> l.startsWith("regshift: /registry/secrets/prod/api-token: encrypted with aescbc key \"cbc\": ")), err);
    assertTrue(err.contains("exported 3 objects, 6 could not be decrypted or decoded"), err);
  }

  @Test
  void aLiveEtcdIsReadTheSameWay() throws Exception {
    try (EtcdServer server = EtcdServer.start(EtcdServer.Options.defaults());
         Client client = Client.builder().endpoints(server.endpoint()).build()) {
      String key = "/registry/secrets/prod/live";
      put(client.getKVClient(), key, AtRestEncryptor.secretbox("box", BOX, encode(secret("live", "on-air"))));
      CliRun r = CliRun.of(Map.of(), "get", "etcd://" + server.hostPort(), "secret/live", "-n", "prod", "-o", "json",
          "--encryption-config", config.toString());
      assertEquals(0, r.code(), r.err());
      assertEquals(b64("on-air".getBytes(StandardCharsets.UTF_8)), ((Map<?, ?>) ((Map<?, ?>) Json.parse(r.out())).get("data")).get("password"));
      CliRun stats = CliRun.of(Map.of(), "stats", "etcd://" + server.hostPort(), "-o", "json", "--encryption-config", config.toString());
      assertEquals(0, stats.code(), stats.err());
      assertEquals(Map.of("secretbox:v1:box", 1L), atRest((Map<?, ?>) Json.parse(stats.out()), "secrets").get("encrypted"));
      assertEquals(1L, atRest((Map<?, ?>) Json.parse(stats.out()), "secrets").get("stale"), "secretbox is the third provider for secrets");
    }
  }

  @Test
  void historyShowsEachRevisionDecryptedAndUnderWhichKey() {
    CliRun t = CliRun.of("history", snapshot.toString(), "secret/db-password", "-n", "prod", "--encryption-config", config.toString());
    assertEquals(0, t.code(), t.err());
    List<String> lines = t.out().lines().toList();
    assertTrue(lines.get(1).startsWith(passwordFirst + " ") && lines.get(1).contains("encrypted:aesgcm:v1:key0"), t.out());
    assertTrue(lines.get(2).startsWith(passwordRotated + " ") && lines.get(2).contains("encrypted:aesgcm:v1:key1"), t.out());
    CliRun d = CliRun.of("history", snapshot.toString(), "secret/db-password", "-n", "prod", "--encryption-config", config.toString(), "--diff");
    assertTrue(d.out().contains("  ~ data.password: \"" + b64("hunter2".getBytes(StandardCharsets.UTF_8)) + "\" -> \""
        + b64("correct horse".getBytes(StandardCharsets.UTF_8)) + "\"\n"), d.out());
  }

  @Test
  void statsCountsPlaintextAndEncryptedPerKeyAndAgainstTheConfigStaleAndMissing() {
    CliRun r = CliRun.of("stats", snapshot.toString(), "-o", "json", "--encryption-config", config.toString());
    assertEquals(0, r.code(), r.err());
    Map<?, ?> s = (Map<?, ?>) Json.parse(r.out());
    Map<?, ?> secrets = atRest(s, "secrets");
    assertEquals(6L, secrets.get("objects"));
    assertEquals(1L, secrets.get("plaintext"));
    assertEquals(Map.of("aesgcm:v1:key1", 1L, "aesgcm:v1:key0", 1L, "aesgcm:v1:key2", 1L, "aescbc:v1:cbc", 1L, "secretbox:v1:box", 1L),
        secrets.get("encrypted"));
    assertEquals(4L, secrets.get("stale"), "key0, the aescbc and secretbox values, and the plaintext one");
    assertEquals(1L, secrets.get("missingKey"), "key2");
    assertEquals(0L, atRest(s, "configmaps").get("stale"));
    assertEquals(1L, atRest(s, "namespaces").get("plaintext"));
    assertEquals(0L, atRest(s, "namespaces").get("stale"), "not configured: plaintext is what kube-apiserver writes");
    List<?> findings = (List<?>) s.get("findings");
    assertTrue(findings.contains("1 of 6 secrets are stored as plaintext: whoever can read etcd or its backups can read them"), findings.toString());
    assertTrue(findings.stream().anyMatch(f -> ((String) f).startsWith("4 values are stale: readable with " + config)), findings.toString());
    assertTrue(findings.stream().anyMatch(f -> ((String) f).startsWith("1 value is stored under a provider or key that " + config)), findings.toString());
    CliRun table = CliRun.of("stats", snapshot.toString());
    assertTrue(table.out().lines().anyMatch(l -> l.matches("secrets +6 +1 +aescbc:v1:cbc 1, aesgcm:v1:key0 1, aesgcm:v1:key1 1, aesgcm:v1:key2 1, secretbox:v1:box 1")), table.out());
    assertTrue(table.out().contains("! 1 of 6 secrets are stored as plaintext"), table.out());
  }

  @Test
  void verifyChecksEncryptedValuesOnlyWithTheConfig() {
    CliRun without = CliRun.of("verify", snapshot.toString());
    assertEquals(0, without.code(), without.out());
    assertTrue(without.out().contains(", 8 encrypted (not checked without --encryption-config)"), without.out());
    CliRun with = CliRun.of("verify", snapshot.toString(), "--encryption-config", config.toString());
    assertEquals(1, with.code(), with.out());
    assertEquals(snapshot + ": /registry/secrets/prod/orphan at revision " + orphanWritten
        + ": encrypted with aesgcm key \"key2\", which the encryption config does not have\n", with.out());
  }

  @Test
  void decodeDecryptsAValueWithItsKey() throws Exception {
    String key = "/registry/secrets/prod/db-password";
    byte[] value = AtRestEncryptor.aesgcm("key1", GCM, key, encode(secret("db-password", "x")));
    Path file = Files.write(tmp.resolve("value.bin"), value);
    CliRun ok = CliRun.of("decode", file.toString(), "--key", key, "--encryption-config", config.toString(), "-o", "json");
    assertEquals(0, ok.code(), ok.err());
    assertEquals("Secret", ((Map<?, ?>) Json.parse(ok.out())).get("kind"));
    CliRun noKey = CliRun.of("decode", file.toString(), "--encryption-config", config.toString());
    assertEquals(1, noKey.code());
    assertEquals("regshift: " + file + ": encrypted with aesgcm key \"key1\": decrypting it needs the etcd key it is stored under (--key)\n", noKey.err());
    Path withKeyLine = Files.write(tmp.resolve("etcdctl-get.out"), AtRestEncryptor.concat((key + "\n").getBytes(StandardCharsets.UTF_8), value, new byte[] {'\n'}));
    assertEquals(0, CliRun.of("decode", withKeyLine.toString(), "--encryption-config", config.toString()).code(), "the key line of etcdctl get");
  }

  @Test
  void badConfigurationsAndOptionsAreOneLineWithExitCode2() throws Exception {
    Path shortKey = Files.writeString(tmp.resolve("short.yaml"), configText(GCM, OLD_GCM, CBC, BOX, APPS_BOX, kms.endpoint())
        .replace(b64(CBC), b64(new byte[7])));
    CliRun r = CliRun.of("ls", snapshot.toString(), "--encryption-config", shortKey.toString());
    assertEquals(2, r.code());
    assertEquals("regshift: " + shortKey + ": resources[0].providers[1].aescbc.keys[0].secret: key \"cbc\": the secret is 7 bytes,"
        + " but aescbc keys are 16, 24 or 32 bytes\n", r.err());
    CliRun missing = CliRun.of("export", snapshot.toString(), "--encryption-config", tmp.resolve("nope.yaml").toString());
    assertEquals(2, missing.code());
    assertEquals("regshift: " + tmp.resolve("nope.yaml") + ": no such file\n", missing.err());
    CliRun unknownKms = CliRun.of("get", snapshot.toString(), "cm/settings", "-n", "prod", "--encryption-config", config.toString(),
        "--kms-key", "vault=" + tmp.resolve("seed.bin"));
    assertEquals(2, unknownKms.code());
    assertEquals("regshift: --kms-key vault: " + config + " has no KMS provider named \"vault\" (it has test-kms)\n", unknownKms.err());
    CliRun noConfig = CliRun.of("ls", snapshot.toString(), "--kms-key", "test-kms=x");
    assertEquals(2, noConfig.code());
    assertEquals("regshift: --kms-key needs --encryption-config\n", noConfig.err());
  }

  private static Map<?, ?> atRest(Map<?, ?> stats, String resource) {
    return ((List<?>) stats.get("atRest")).stream().map(o -> (Map<?, ?>) o)
        .filter(m -> resource.equals(m.get("resource"))).findFirst().orElseThrow(() -> new AssertionError(resource));
  }

  private static Map<?, ?> line(CliRun r, String name) {
    return r.out().lines().map(l -> (Map<?, ?>) Json.parse(l)).filter(l -> name.equals(l.get("name"))).findFirst()
        .orElseThrow(() -> new AssertionError(name + " not in " + r.out()));
  }

  /** kube-apiserver keeps the plugin's annotations in the EncryptedObject. */
  private static byte[] withAnnotations(byte[] value, EncryptResponse wrapped) throws Exception {
    int at = "k8s:enc:kms:v2:test-kms:".length();
    var o = io.regshift.crypto.proto.KmsEnvelopeV2Proto.EncryptedObject.parseFrom(java.util.Arrays.copyOfRange(value, at, value.length))
        .toBuilder().putAllAnnotations(wrapped.getAnnotationsMap()).build();
    return AtRestEncryptor.concat(java.util.Arrays.copyOf(value, at), o.toByteArray());
  }

  private static byte[] encode(String yaml) {
    return ValueCodec.builtin().encode(ManifestReader.read(yaml).get(0));
  }

  private static long put(KV kv, String key, byte[] value) throws Exception {
    return kv.put(ByteSequence.from(key, StandardCharsets.UTF_8), ByteSequence.from(value)).get(10, TimeUnit.SECONDS)
        .getHeader().getRevision();
  }

  static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }
}
