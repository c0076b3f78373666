package io.regshift.rewrite;

import io.regshift.etcd.EntryReader;
import io.regshift.etcd.EtcdDatabase;
import io.regshift.etcd.KeyRange;
import io.regshift.etcd.MvccEntry;
import io.regshift.etcd.ReadView;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The live keys and values of test-data/demo-cluster.db, in key order. */
final class DemoCluster {
  static final Path SNAPSHOT = Path.of("test-data", "demo-cluster.db");

  private DemoCluster() {}

  static Map<String, byte[]> values() {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (EtcdDatabase db = EtcdDatabase.open(SNAPSHOT);
        EntryReader r = db.read(ReadView.latest(), KeyRange.prefix("/registry/"))) {
      for (MvccEntry e = r.next(); e != null; e = r.next()) {
        out.put(e.keyString(), e.value());
      }
    }
    return out;
  }
}
