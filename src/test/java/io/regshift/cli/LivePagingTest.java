package io.regshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.regshift.testing.EtcdExtension;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pages of the default 500 keys would be responses of 40 MB here, over the 32 MiB message limit:
 * the reader asks for smaller pages, and every object arrives.
 */
class LivePagingTest {
  @RegisterExtension EtcdExtension etcd = new EtcdExtension();
  @TempDir Path tmp;

  @Test
  void largeValuesShrinkThePagesAndEveryObjectArrives() throws Exception {
    int count = 40;
    try (Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
      KV kv = client.getKVClient();
      byte[] big = ClusterFixture.encode(ClusterFixture.configMap("big", "cm", 1_000_000));
      for (int i = 0; i < count; i++) {
        ClusterFixture.put(kv, String.format("/registry/configmaps/big/cm-%02d", i), big);
      }
    }
    String live = "etcd://" + etcd.server().hostPort();
    CliRun ls = CliRun.of("ls", live, "-o", "name");
    assertEquals(0, ls.code(), ls.show());
    assertEquals(IntStream.range(0, count).mapToObj(i -> String.format("configmap/cm-%02d%n", i)).collect(Collectors.joining()), ls.out());
    Path archive = tmp.resolve("big.tar.gz");
    CliRun b = CliRun.of("backup", live, "-f", archive.toString());
    assertEquals(0, b.code(), b.show());
    assertEquals(ls.out(), CliRun.of("ls", archive.toString(), "-o", "name").out());
  }
}
