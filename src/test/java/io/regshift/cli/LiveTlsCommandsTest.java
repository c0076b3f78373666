package io.regshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.kube.Json;
import io.regshift.testing.EtcdServer;
import io.regshift.testing.Etcdctl;
import io.regshift.testing.FreeLoopbackPort;
import io.regshift.testing.TestPki;
import io.regshift.testing.TestPki.KeyForm;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A live etcd over TLS with client-certificate auth, as kubeadm sets it up: backups work with
 * every key form kubeadm, k3s and openssl write, and each way of getting TLS wrong is one line
 * naming the endpoint and which side is wrong, with exit code 2.
 */
class LiveTlsCommandsTest {
  @TempDir static Path tmp;
  static TestPki pki;
  static TestPki other;
  static EtcdServer etcd;
  static String source;
  static TestPki.CertAndKey client;

  @BeforeAll
  static void start() throws Exception {
    pki = TestPki.create(tmp, "cluster");
    other = TestPki.create(tmp, "other");
    TestPki.CertAndKey server = pki.server("server", KeyForm.EC_SEC1);
    etcd = EtcdServer.start(EtcdServer.Options.builder().tls(new EtcdServer.Tls(server.cert(), server.key(), pki.caFile())).build());
    client = pki.client("apiserver-etcd-client", "root", KeyForm.RSA_PKCS1);
    Etcdctl ctl = etcdctl(client);
    // JSON, as kube-apiserver stores with --storage-media-type=application/json: etcdctl put takes text
    ctl.put("/registry/namespaces/secure", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"secure\"}}");
    ctl.put("/registry/configmaps/secure/cfg", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":"
        + "{\"name\":\"cfg\",\"namespace\":\"secure\"},\"data\":{\"k\":\"v\"}}");
    source = "etcds://" + etcd.hostPort();
  }

  @AfterAll
  static void stop() {
    etcd.close();
  }

  static Etcdctl etcdctl(TestPki.CertAndKey c) {
    return new Etcdctl(etcd.endpoint()).with("--cacert=" + pki.caFile(), "--cert=" + c.cert(), "--key=" + c.key());
  }

  @ParameterizedTest
  @EnumSource(value = KeyForm.class)
  void backupWorksWithEveryKeyForm(KeyForm form) throws Exception {
    TestPki.CertAndKey c = pki.client("client-" + form, "root", form);
    Path archive = tmp.resolve("tls-" + form + ".tar.gz");
    CliRun b = CliRun.of("backup", source, "-f", archive.toString(), "--cacert", pki.caFile().toString(),
        "--cert", c.cert().toString(), "--key", c.key().toString());
    assertEquals(0, b.code(), b.show());
    CliRun ls = CliRun.of("ls", archive.toString(), "-o", "name");
    assertEquals(String.join("\n", etcdctl(c).getPrefix("/registry/").keySet()) + "\n", ls.out().replace("configmap/cfg", "/registry/configmaps/secure/cfg")
        .replace("namespace/secure", "/registry/namespaces/secure"));
  }

  @Test
  void etcdctlsVariablesAreTheFallbacks() throws Exception {
    Map<String, String> env = Map.of("ETCDCTL_ENDPOINTS", etcd.endpoint(), "ETCDCTL_CACERT", pki.caFile().toString(),
        "ETCDCTL_CERT", client.cert().toString(), "ETCDCTL_KEY", client.key().toString());
    Path db = tmp.resolve("env.db");
    CliRun b = CliRun.of(env, "backup", "-f", db.toString());
    assertEquals(0, b.code(), b.show());
    Map<?, ?> status = (Map<?, ?>) Json.parse(etcdctl(client).run("snapshot", "status", db.toString(), "-w", "json"));
    assertTrue((Long) status.get("totalKey") > 0, status.toString());
    CliRun ls = CliRun.of(env, "ls", "etcds://", "--kind", "cm", "-o", "name");
    assertEquals("configmap/cfg\n", ls.out(), ls.show());
    CliRun bare = CliRun.of(Map.of("ETCDCTL_ENDPOINTS", etcd.hostPort(), "ETCDCTL_CACERT", pki.caFile().toString(),
        "ETCDCTL_CERT", client.cert().toString(), "ETCDCTL_KEY", client.key().toString()), "ls", "etcd://", "-o", "name");
    assertEquals(0, bare.code(), "host:port with TLS variables means https, as with etcdctl: " + bare.show());
  }

  @Test
  void aServerCertificateFromAnotherCaIsRefused() {
    CliRun r = CliRun.of("ls", source, "--cacert", other.caFile().toString(), "--cert", client.cert().toString(), "--key", client.key().toString());
    assertOneLine(r, "regshift: " + source + ": TLS handshake failed: the server's certificate is not trusted: it is signed by"
        + " \"CN=cluster test CA\", not by a CA in --cacert " + other.caFile() + " (unknown CA)");
    CliRun system = CliRun.of("ls", source, "--cert", client.cert().toString(), "--key", client.key().toString());
    assertOneLine(system, "regshift: " + source + ": TLS handshake failed: the server's certificate is not trusted: it is signed by"
        + " \"CN=cluster test CA\", not by a CA in the system's CAs (give --cacert) (unknown CA)");
    CliRun insecure = CliRun.of("ls", source, "--insecure-skip-tls-verify", "--cert", client.cert().toString(), "--key", client.key().toString(), "-o", "name");
    assertEquals(0, insecure.code(), insecure.show());
  }

  @Test
  void aMissingOrUntrustedClientCertificateIsRefused() {
    CliRun none = CliRun.of("backup", source, "-f", tmp.resolve("none.db").toString(), "--cacert", pki.caFile().toString());
    assertOneLine(none, "regshift: " + source + ": TLS handshake failed: the server requires a client certificate: give --cert"
        + " and --key (or ETCDCTL_CERT and ETCDCTL_KEY)");
    TestPki.CertAndKey stranger = other.client("stranger", "root", KeyForm.EC_PKCS8);
    CliRun untrusted = CliRun.of("ls", source, "--cacert", pki.caFile().toString(), "--cert", stranger.cert().toString(), "--key", stranger.key().toString());
    assertOneLine(untrusted, "regshift: " + source + ": TLS handshake failed: the server refused the client certificate --cert "
        + stranger.cert() + ": it is not signed by a CA the server trusts (its --trusted-ca-file)");
  }

  @Test
  void aKeyThatIsNotTheCertificatesOrNotAKeyIsNamed() throws Exception {
    TestPki.CertAndKey another = pki.client("another", "root", KeyForm.EC_SEC1);
    CliRun wrongKey = CliRun.of("ls", source, "--cacert", pki.caFile().toString(), "--cert", client.cert().toString(), "--key", another.key().toString());
    assertOneLine(wrongKey, "regshift: --key " + another.key() + " is not the private key of the certificate in --cert " + client.cert());
    CliRun noKey = CliRun.of("ls", source, "--cacert", pki.caFile().toString(), "--cert", client.cert().toString());
    assertOneLine(noKey, "regshift: --cert " + client.cert() + " needs its private key: give --key too");
    CliRun certAsKey = CliRun.of("ls", source, "--cacert", pki.caFile().toString(), "--cert", client.cert().toString(), "--key", client.cert().toString());
    assertOneLine(certAsKey, "regshift: --key " + client.cert() + ": no PEM private key (\"BEGIN ... PRIVATE KEY\") in the file");
    Path missing = tmp.resolve("missing-ca.crt");
    CliRun noCa = CliRun.of("ls", source, "--cacert", missing.toString(), "--cert", client.cert().toString(), "--key", client.key().toString());
    assertOneLine(noCa, "regshift: --cacert " + missing + ": no such file");
  }

  @Test
  void aCertificateForAnotherHostIsAHostnameMismatch() {
    TestPki.CertAndKey misnamed = pki.server("misnamed", KeyForm.RSA_PKCS8, "etcd.example");
    try (EtcdServer e = EtcdServer.start(EtcdServer.Options.builder().tls(new EtcdServer.Tls(misnamed.cert(), misnamed.key(), null)).build())) {
      String s = "etcds://" + e.hostPort();
      CliRun r = CliRun.of("ls", s, "--cacert", pki.caFile().toString());
      assertOneLine(r, "regshift: " + s + ": TLS handshake failed: the server's certificate is for etcd.example, not for"
          + " 127.0.0.1 (hostname mismatch)");
      CliRun insecure = CliRun.of("ls", s, "--insecure-skip-tls-verify", "-o", "name");
      assertEquals(0, insecure.code(), "as etcdctl's, the flag skips the name check too: " + insecure.show());
    }
  }

  @Test
  void plaintextAndTlsMixedUpAreNamed() {
    CliRun plain = CliRun.of("ls", "etcd://" + etcd.hostPort());
    assertOneLine(plain, "regshift: etcd://" + etcd.hostPort() + ": the server closed the connection at once; it probably"
        + " expects TLS: use etcds:// (https://) with --cacert, --cert and --key");
    CliRun flags = CliRun.of("ls", "etcd://" + etcd.hostPort(), "--cacert", pki.caFile().toString());
    assertOneLine(flags, "regshift: TLS flags given but the endpoints are plaintext: write etcds://host:port (or https://)");
  }

  @Test
  void anUnreachableEndpointFailsWithinTheDialTimeout() throws Exception {
    String nobody = "127.0.0.1:" + FreeLoopbackPort.pick();
    long t0 = System.nanoTime();
    CliRun refused = CliRun.of("ls", "etcd://" + nobody, "--dial-timeout", "1s");
    long refusedMillis = (System.nanoTime() - t0) / 1_000_000;
    assertOneLine(refused, "regshift: etcd://" + nobody + ": no endpoint answers (dial timeout 1s): connection refused");
    assertTrue(refusedMillis < 1500, refusedMillis + " ms");
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String hp = "127.0.0.1:" + silent.getLocalPort(); // accepts connections, never answers
      for (String s : List.of("etcd://" + hp, "etcds://" + hp)) {
        long t1 = System.nanoTime();
        CliRun r = s.startsWith("etcds") ? CliRun.of("backup", s, "-f", tmp.resolve("silent.db").toString(), "--dial-timeout", "800ms",
            "--cacert", pki.caFile().toString()) : CliRun.of("backup", s, "-f", tmp.resolve("silent.db").toString(), "--dial-timeout", "800ms");
        long millis = (System.nanoTime() - t1) / 1_000_000;
        assertOneLine(r, "regshift: " + s + ": no endpoint answered within 800ms (--dial-timeout)");
        assertTrue(millis >= 800 && millis < 1500, millis + " ms");
      }
    }
    assertTrue(!Files.exists(tmp.resolve("silent.db")));
  }

  static void assertOneLine(CliRun r, String line) {
    assertEquals(2, r.code(), r.show());
    assertEquals(line + "\n", r.err());
    assertEquals("", r.out());
  }
}
