package io.regshift.kube;

import io.regshift.etcd.KeyValueFields;
import io.regshift.etcd.RevisionKey;
import io.regshift.etcd.RevisionRef;
import io.regshift.etcd.RevisionSorter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Per-resource statistics of a database, gathered from every stored revision in one pass: live
 * objects and their bytes, stored revisions and theirs, tombstones, the largest objects, and the
 * encodings of live values (encrypted ones per provider). Memory is bounded by the number of
 * resources, not keys: revisions are sorted in bounded memory to find the live ones.
 */
public final class RegistryStats {
  /** Statistics of one resource. */
  public record ResourceRow(String resource, String group, long objects, long bytes, long revisions,
      long revisionBytes, long tombstones) {}

  /** One of the largest live values. */
  public record Largest(String key, long size, long modRevision) {}

  /** Label of keys outside the prefix (compact_rev_key and others). */
  public static final String OUTSIDE = "(outside prefix)";
  private static final int TOP = 10;

  private final String prefix;
  private final ResourceCatalog catalog;
  private final Map<String, long[]> rows = new HashMap<>();
  private final Map<String, String> groups = new HashMap<>();
  private final List<String> encodingLabels = new ArrayList<>();
  private final Map<String, Integer> encodingIndex = new HashMap<>();
  private final long[] encodingCounts = new long[256];
  private final RevisionSorter sorter = new RevisionSorter(RevisionSorter.defaultBudget(), RegistryStats::lastPerKey);
  private final KeyValueFields fields = new KeyValueFields();
  private final PriorityQueue<Largest> largest = new PriorityQueue<>(Comparator.comparingLong(Largest::size));
  private long badRecords;
  private String lastKeyText;
  private byte[] lastKeyBytes;

  public RegistryStats(String prefix, ResourceCatalog catalog) {
    this.prefix = prefix;
    this.catalog = catalog;
  }

  /** One stored revision (from {@link io.regshift.etcd.SnapshotStatus}'s pass). */
  public void revision(RevisionKey rk, byte[] kv, long fileOffset) {
    if (rk == null || !fields.parse(kv)) {
      badRecords++;
      return;
    }
    if (fields.keyLength == 0) {
      return; // a revision marker without a key
    }
    byte[] key = Arrays.copyOfRange(kv, fields.keyOffset, fields.keyOffset + fields.keyLength);
    long[] row = row(key);
    if (rk.tombstone()) {
      row[4]++;
    } else {
      row[2]++;
      row[3] += fields.valueLength;
    }
    long note = 0;
    if (!rk.tombstone()) {
      int enc = encoding(kv, fields.valueOffset, fields.valueLength);
      note = ((long) enc << 40) | fields.valueLength;
    }
    sorter.add(new RevisionRef(key, rk.main(), rk.sub(), rk.tombstone(), fileOffset, kv.length, note));
  }

  /**
   * One live value, from a source that has no stored revisions to offer (a live etcd, an archive):
   * counts objects, bytes, encodings and the largest; the revision columns stay zero.
   */
  public void liveEntry(byte[] key, byte[] value, long modRevision) {
    long[] row = row(key);
    row[0]++;
    row[1] += value.length;
    encodingCounts[encoding(value, 0, value.length)]++;
    Largest l = new Largest(new String(key, StandardCharsets.UTF_8), value.length, modRevision);
    if (largest.size() < TOP) {
      largest.add(l);
    } else if (largest.peek().size() < value.length) {
      largest.poll();
      largest.add(l);
    }
  }

  /** Finds the live value of every key (its last revision, unless a deletion). */
  public void finish() {
    Iterator<RevisionRef> it = sorter.sorted();
    RevisionRef prev = null;
    while (it.hasNext()) {
      RevisionRef r = it.next();
      if (prev != null && !prev.sameKey(r)) {
        live(prev);
      }
      prev = r;
    }
    if (prev != null) {
      live(prev);
    }
    sorter.close();
  }

  private void live(RevisionRef r) {
    if (r.tombstone()) {
      return;
    }
    long size = r.note() & ((1L << 40) - 1);
    int enc = (int) (r.note() >>> 40);
    long[] row = row(r.key());
    row[0]++;
    row[1] += size;
    encodingCounts[enc]++;
    Largest l = new Largest(new String(r.key(), StandardCharsets.UTF_8), size, r.main());
    if (largest.size() < TOP) {
      largest.add(l);
    } else if (largest.peek().size() < size) {
      largest.poll();
      largest.add(l);
    }
  }

  /** Rows sorted by resource name (keys outside the prefix last). */
  public List<ResourceRow> resources() {
    TreeMap<String, long[]> sorted = new TreeMap<>(Comparator.comparing((String s) -> s.equals(OUTSIDE)).thenComparing(s -> s));
    sorted.putAll(rows);
    List<ResourceRow> out = new ArrayList<>();
    sorted.forEach((res, r) -> out.add(new ResourceRow(res, groups.get(res), r[0], r[1], r[2], r[3], r[4])));
    return out;
  }

  /** Largest live values, biggest first. */
  public List<Largest> largest() {
    List<Largest> l = new ArrayList<>(largest);
    l.sort(Comparator.comparingLong(Largest::size).reversed().thenComparing(Largest::key));
    return l;
  }

  /** Live values per encoding: protobuf, json, cbor, raw, encrypted:&lt;provider&gt;. */
  public Map<String, Long> encodings() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < encodingLabels.size(); i++) {
      if (encodingCounts[i] > 0) {
        m.put(encodingLabels.get(i), encodingCounts[i]);
      }
    }
    return m;
  }

  /** Key-bucket entries that are not etcd records (verify names them). */
  public long badRecords() {
    return badRecords;
  }

  private long[] row(byte[] key) {
    String text = lastKeyBytes != null && Arrays.equals(lastKeyBytes, key) ? lastKeyText : new String(key, StandardCharsets.UTF_8);
    lastKeyBytes = key;
    lastKeyText = text;
    RegistryKey k = RegistryKeys.parse(text, prefix, catalog);
    String res = k.inRegistry() ? k.groupResource() : OUTSIDE;
    long[] row = rows.get(res);
    if (row == null) {
      row = new long[5];
      rows.put(res, row);
      groups.put(res, k.inRegistry() ? k.group() : null);
    }
    return row;
  }

  private int encoding(byte[] kv, int off, int len) {
    byte[] head = Arrays.copyOfRange(kv, Math.max(off, 0), Math.max(off, 0) + Math.min(Math.max(len, 0), 256));
    Encoding e = Encoding.sniff(head);
    String label = e.label();
    if (e == Encoding.ENCRYPTED) {
      label = EncryptedValue.parse(head).filter(v -> v.provider() != null).map(v -> "encrypted:" + v.provider()).orElse("encrypted");
    }
    Integer i = encodingIndex.get(label);
    if (i == null) {
      i = encodingLabels.size();
      if (i >= encodingCounts.length - 1) {
        return encodingCounts.length - 1;
      }
      encodingLabels.add(label);
      encodingIndex.put(label, i);
    }
    return i;
  }

  private static List<RevisionRef> lastPerKey(List<RevisionRef> sorted) {
    List<RevisionRef> out = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      if (i + 1 == sorted.size() || !sorted.get(i + 1).sameKey(sorted.get(i))) {
        out.add(sorted.get(i));
      }
    }
    return out;
  }
}
