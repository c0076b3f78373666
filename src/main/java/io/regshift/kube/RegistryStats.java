package io.regshift.kube;

import io.regshift.crypto.EncryptedValue;
import io.regshift.crypto.EncryptionConfig;
import io.regshift.crypto.GroupResource;
import io.regshift.crypto.KeyUse;
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

  /**
   * How one resource's live values are stored.
   *
   * @param plaintext values stored unencrypted (protobuf, JSON, CBOR, or not an object)
   * @param encrypted values per encryption prefix label ({@code aesgcm:v1:key1}; "malformed")
   * @param stale     with a configuration: values it reads but would not write so (an older key,
   *                  a later provider, plaintext where it encrypts); else null
   * @param missing   with a configuration: values under a provider or key it does not list for
   *                  the resource (kube-apiserver cannot read them); else null
   */
  public record AtRestRow(String resource, String group, long objects, long plaintext, Map<String, Long> encrypted,
      Long stale, Long missing) {}

  /** Label of keys outside the prefix (compact_rev_key and others). */
  public static final String OUTSIDE = "(outside prefix)";
  private static final int TOP = 10;

  private final String prefix;
  private final ResourceCatalog catalog;
  private final List<long[]> rows = new ArrayList<>();
  private final List<String> rowNames = new ArrayList<>();
  private final List<String> rowGroups = new ArrayList<>();
  private final Map<String, Integer> rowIndex = new HashMap<>();
  private final byte[] base;
  private final List<String> encodingLabels = new ArrayList<>();
  // the encryption prefix of each label, null for plaintext forms
  private final List<EncryptedValue> encodingPrefixes = new ArrayList<>();
  // live values per (row << 8 | encoding)
  private final Map<Long, long[]> liveByRowAndEncoding = new HashMap<>();
  private final Map<String, Integer> encodingIndex = new HashMap<>();
  private final long[] encodingCounts = new long[256];
  private final RevisionSorter sorter = new RevisionSorter(RevisionSorter.defaultBudget(), RegistryStats::lastPerKey);
  private final KeyValueFields fields = new KeyValueFields();
  private final PriorityQueue<Largest> largest = new PriorityQueue<>(Comparator.comparingLong(Largest::size));
  private long badRecords;

  public RegistryStats(String prefix, ResourceCatalog catalog) {
    this.prefix = prefix;
    this.catalog = catalog;
    this.base = RegistryPrefix.keyBase(prefix).getBytes(StandardCharsets.UTF_8);
  }

  /** One stored revision (from {@link io.regshift.etcd.SnapshotStatus}'s pass), read in place. */
  public void revision(RevisionKey rk, byte[] kv, int from, int length, long fileOffset) {
    if (rk == null || !fields.parse(kv, from, length)) {
      badRecords++;
      return;
    }
    if (fields.keyLength == 0) {
      return; // a revision marker without a key
    }
    byte[] key = Arrays.copyOfRange(kv, fields.keyOffset, fields.keyOffset + fields.keyLength);
    int rowId = rowOf(key);
    long[] row = rows.get(rowId);
    long note = (long) rowId << 48;
    if (rk.tombstone()) {
      row[4]++;
    } else {
      row[2]++;
      row[3] += fields.valueLength;
      note |= ((long) encoding(kv, fields.valueOffset, fields.valueLength) << 40) | fields.valueLength;
    }
    sorter.add(new RevisionRef(key, rk.main(), rk.sub(), rk.tombstone(), fileOffset, length, note));
  }

  /**
   * One live value, from a source that has no stored revisions to offer (a live etcd, an archive):
   * counts objects, bytes, encodings and the largest; the revision columns stay zero.
   */
  public void liveEntry(byte[] key, byte[] value, long modRevision) {
    int rowId = rowOf(key);
    long[] row = rows.get(rowId);
    row[0]++;
    row[1] += value.length;
    int enc = encoding(value, 0, value.length);
    encodingCounts[enc]++;
    liveByRowAndEncoding.computeIfAbsent(((long) rowId << 8) | enc, k -> new long[1])[0]++;
    offerLargest(key, value.length, modRevision);
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
    int enc = (int) ((r.note() >>> 40) & 0xFF);
    int rowId = (int) (r.note() >>> 48);
    long[] row = rows.get(rowId);
    row[0]++;
    row[1] += size;
    encodingCounts[enc]++;
    liveByRowAndEncoding.computeIfAbsent(((long) rowId << 8) | enc, k -> new long[1])[0]++;
    offerLargest(r.key(), size, r.main());
  }

  /** Keeps the TOP largest values; the key's text is made only for one that gets in. */
  private void offerLargest(byte[] key, long size, long modRevision) {
    if (largest.size() < TOP) {
      largest.add(new Largest(new String(key, StandardCharsets.UTF_8), size, modRevision));
    } else if (largest.peek().size() < size) {
      largest.poll();
      largest.add(new Largest(new String(key, StandardCharsets.UTF_8), size, modRevision));
    }
  }

  /** Rows sorted by resource name (keys outside the prefix last). */
  public List<ResourceRow> resources() {
    List<ResourceRow> out = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      long[] r = rows.get(i);
      out.add(new ResourceRow(rowNames.get(i), rowGroups.get(i), r[0], r[1], r[2], r[3], r[4]));
    }
    out.sort(Comparator.comparing((ResourceRow r) -> r.resource().equals(OUTSIDE)).thenComparing(ResourceRow::resource));
    return out;
  }

  /** Largest live values, biggest first. */
  public List<Largest> largest() {
    List<Largest> l = new ArrayList<>(largest);
    l.sort(Comparator.comparingLong(Largest::size).reversed().thenComparing(Largest::key));
    return l;
  }

  /**
   * Per resource under the prefix, how its live values are stored, sorted by resource; with a
   * configuration (else null), how many are stale or under keys it lacks.
   */
  public List<AtRestRow> atRest(EncryptionConfig config) {
    Map<Integer, Map<Integer, Long>> byRow = new HashMap<>();
    liveByRowAndEncoding.forEach((k, n) -> byRow.computeIfAbsent((int) (k >>> 8), r -> new HashMap<>()).put((int) (k & 0xFF), n[0]));
    List<AtRestRow> out = new ArrayList<>();
    byRow.forEach((rowId, encodings) -> {
      String resource = rowNames.get(rowId);
      if (resource.equals(OUTSIDE)) {
        return;
      }
      long objects = 0;
      long plaintext = 0;
      long stale = 0;
      long missing = 0;
      Map<String, Long> encrypted = new java.util.TreeMap<>();
      GroupResource gr = GroupResource.parse(resource);
      for (Map.Entry<Integer, Long> e : encodings.entrySet()) {
        int enc = e.getKey();
        long n = e.getValue();
        objects += n;
        EncryptedValue prefix = enc < encodingPrefixes.size() ? encodingPrefixes.get(enc) : null;
        boolean isEncrypted = enc < encodingLabels.size() && encodingLabels.get(enc).startsWith("encrypted");
        if (isEncrypted) {
          encrypted.merge(prefix == null || prefix.isMalformed() ? "malformed" : prefix.label(), n, Long::sum);
        } else {
          plaintext += n;
        }
        if (config != null) {
          KeyUse use = isEncrypted && prefix == null ? KeyUse.MISSING : config.use(gr, prefix);
          if (use == KeyUse.STALE) {
            stale += n;
          } else if (use == KeyUse.MISSING) {
            missing += n;
          }
        }
      }
      out.add(new AtRestRow(resource, rowGroups.get(rowId), objects, plaintext, encrypted,
          config == null ? null : stale, config == null ? null : missing));
    });
    out.sort(Comparator.comparing(AtRestRow::resource));
    return out;
  }

  /** Live values per encoding: protobuf, json, cbor, raw, encrypted:&lt;provider&gt;:&lt;version&gt;:&lt;key&gt;. */
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

  /**
   * The row of a key's resource. Which resource a key names is decided by its first segment
   * after the prefix, or its first two (services/specs, ranges/serviceips, custom resources'
   * group/plural): those are looked up as bytes in two small caches, and only a new one is
   * parsed in full.
   */
  private int rowOf(byte[] key) {
    if (key.length <= base.length || !Arrays.equals(key, 0, base.length, base, 0, base.length)) {
      return parsedRow(key);
    }
    int first = indexOf(key, base.length);
    if (first < 0) {
      return parsedRow(key);
    }
    int byFirst = byFirstSegment.get(key, base.length, first);
    if (byFirst == ByteSliceMap.ABSENT) {
      String one = new String(key, base.length, first - base.length, StandardCharsets.UTF_8);
      if (catalog.byKeyPath(one).isPresent() && !hasTwoSegmentPath(one)) {
        int id = parsedRow(key);
        byFirstSegment.put(key, base.length, first, id);
        return id;
      }
      byFirstSegment.put(key, base.length, first, TWO_SEGMENTS);
    } else if (byFirst != TWO_SEGMENTS) {
      return byFirst;
    }
    int second = indexOf(key, first + 1);
    if (second < 0) {
      return parsedRow(key);
    }
    int byTwo = byTwoSegments.get(key, base.length, second);
    if (byTwo != ByteSliceMap.ABSENT) {
      return byTwo;
    }
    int id = parsedRow(key);
    byTwoSegments.put(key, base.length, second, id);
    return id;
  }

  /** A first segment that does not decide the resource alone. */
  private static final int TWO_SEGMENTS = -1;
  // deciding segments -> row; bounded, since a damaged keyspace may hold any number of them
  private final ByteSliceMap byFirstSegment = new ByteSliceMap(1 << 15);
  private final ByteSliceMap byTwoSegments = new ByteSliceMap(1 << 15);

  /** The row of a key parsed in full (made when new). */
  private int parsedRow(byte[] key) {
    RegistryKey k = RegistryKeys.parse(new String(key, StandardCharsets.UTF_8), prefix, catalog);
    String res = k.inRegistry() ? k.groupResource() : OUTSIDE;
    Integer id = rowIndex.get(res);
    if (id == null) {
      id = rows.size();
      rows.add(new long[5]);
      rowNames.add(res);
      rowGroups.add(k.inRegistry() ? k.group() : null);
      rowIndex.put(res, id);
    }
    return id;
  }

  private boolean hasTwoSegmentPath(String first) {
    return catalog.all().stream().anyMatch(i -> i.keyPath().startsWith(first + "/"));
  }

  private static int indexOf(byte[] key, int from) {
    for (int i = from; i < key.length; i++) {
      if (key[i] == '/') {
        return i;
      }
    }
    return -1;
  }

  private int encoding(byte[] kv, int off, int len) {
    off = Math.max(off, 0);
    len = Math.min(Math.max(len, 0), 256);
    Encoding e = Encoding.sniff(kv, off, len);
    if (e != Encoding.ENCRYPTED) {
      // the plaintext forms have one label each: no text made per value
      int known = plainIndex[e.ordinal()];
      if (known >= 0) {
        return known;
      }
      int i = indexOf(e.label(), null);
      plainIndex[e.ordinal()] = i;
      return i;
    }
    EncryptedValue prefix = EncryptedValue.parse(Arrays.copyOfRange(kv, off, off + len)).orElse(null);
    return indexOf(prefix == null || prefix.isMalformed() ? "encrypted" : "encrypted:" + prefix.label(), prefix);
  }

  private final int[] plainIndex = newPlainIndex();

  private static int[] newPlainIndex() {
    int[] a = new int[Encoding.values().length];
    Arrays.fill(a, -1);
    return a;
  }

  /** The index of an encoding label, made when new (the last slot once full). */
  private int indexOf(String label, EncryptedValue prefix) {
    Integer i = encodingIndex.get(label);
    if (i == null) {
      i = encodingLabels.size();
      if (i >= encodingCounts.length - 1) {
        return encodingCounts.length - 1;
      }
      encodingLabels.add(label);
      encodingPrefixes.add(prefix);
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
