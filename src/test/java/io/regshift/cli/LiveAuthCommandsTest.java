package io.regshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.testing.EtcdExtension;
import io.regshift.testing.Etcdctl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A live etcd with authentication enabled (etcdctl user add root, auth enable). */
class LiveAuthCommandsTest {
  @RegisterExtension static EtcdExtension etcd = new EtcdExtension();
  @TempDir static Path tmp;
  static String source;

  @BeforeAll
  static void enableAuth() {
    Etcdctl ctl = new Etcdctl(etcd.endpoint());
    ctl.put("/registry/namespaces/team", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"team\"}}");
    ctl.put("/other/thing", "y");
    ctl.run("user", "add", "root:s3cret");
    ctl.run("user", "add", "reader:r3ad");
    ctl.run("role", "add", "other-reader");
    ctl.run("role", "grant-permission", "other-reader", "--prefix=true", "read", "/other/");
    ctl.run("user", "grant-role", "reader", "other-reader");
    ctl.run("auth", "enable");
    source = "etcd://" + etcd.server().hostPort();
  }

  @Test
  void theRightPasswordInEveryFormReads() {
    for (String[] credentials : new String[][] {{"--user", "root:s3cret"}, {"--user", "root", "--password", "s3cret"}}) {
      CliRun r = CliRun.of(concat(new String[] {"ls", source, "--all-keys", "-o", "name"}, credentials));
      assertEquals(0, r.code(), r.show());
      assertTrue(r.out().contains("/other/thing"), r.out());
    }
    CliRun env = CliRun.of(Map.of("ETCDCTL_USER", "root", "ETCDCTL_PASSWORD", "s3cret"), "backup", source, "-f",
        tmp.resolve("auth.db").toString());
    assertEquals(0, env.code(), env.show());
    assertTrue(Files.exists(tmp.resolve("auth.db")));
  }

  @Test
  void aWrongPasswordIsOneLine() {
    CliRun r = CliRun.of("backup", source, "-f", tmp.resolve("x.tar.gz").toString(), "--user", "root:wrong");
    LiveTlsCommandsTest.assertOneLine(r, "regshift: " + source + ": authentication failed for user \"root\": wrong user name or password");
    CliRun env = CliRun.of(Map.of("ETCDCTL_USER", "root:wrong"), "ls", source);
    LiveTlsCommandsTest.assertOneLine(env, "regshift: " + source + ": authentication failed for user \"root\": wrong user name or password");
  }

  @Test
  void aDbBackupLogsInAndNamesAWrongPasswordOrAUserWhoMayNotTakeSnapshots() {
    Path db = tmp.resolve("wrong.db");
    CliRun wrong = CliRun.of("backup", source, "-f", db.toString(), "--user", "root:wrong");
    LiveTlsCommandsTest.assertOneLine(wrong, "regshift: " + source + ": authentication failed for user \"root\": wrong user name or password");
    CliRun reader = CliRun.of("backup", source, "-f", db.toString(), "--user", "reader:r3ad");
    LiveTlsCommandsTest.assertOneLine(reader, "regshift: " + source + ": permission denied: user \"reader\" may not send a snapshot");
    CliRun none = CliRun.of("backup", source, "-f", db.toString());
    LiveTlsCommandsTest.assertOneLine(none, "regshift: " + source + ": the server requires authentication (etcd auth is enabled):"
        + " give --user NAME[:PASSWORD] or ETCDCTL_USER, or a client certificate whose common name is an etcd user");
    assertTrue(!Files.exists(db));
  }

  @Test
  void noUserAndAMissingPasswordAreNamed() {
    CliRun none = CliRun.of("ls", source);
    LiveTlsCommandsTest.assertOneLine(none, "regshift: " + source + ": the server requires authentication (etcd auth is enabled):"
        + " give --user NAME[:PASSWORD] or ETCDCTL_USER, or a client certificate whose common name is an etcd user");
    CliRun noPassword = CliRun.of("ls", source, "--user", "root");
    LiveTlsCommandsTest.assertOneLine(noPassword, "regshift: no password for etcd user \"root\": give --password, ETCDCTL_PASSWORD or --user root:PASSWORD");
  }

  @Test
  void permissionDeniedNamesTheUser() {
    CliRun r = CliRun.of("ls", source, "--user", "reader:r3ad");
    LiveTlsCommandsTest.assertOneLine(r, "regshift: " + source + ": permission denied: user \"reader\" may not read the revision");
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
