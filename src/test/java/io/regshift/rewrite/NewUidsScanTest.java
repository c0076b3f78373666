package io.regshift.rewrite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.etcd.MvccEntry;
import io.regshift.kube.Envelope;
import io.regshift.kube.Json;
import io.regshift.kube.ResourceCatalog;
import io.regshift.kube.ValueCodec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * --new-uids from a scan of the stored bytes gives what decoding and walking gives: the same new
 * bytes and the same report, in the same order; where the scan cannot be sure (a reference kept,
 * bytes the tree would not hold in wire order), it leaves the object to the decoder.
 */
class NewUidsScanTest {
  private static final ValueCodec CODEC = ValueCodec.builtin();
  private static final String OWNER = "0b6a4c1e-1f7e-4c4e-9a55-3f0b8f6f2a11";
  private static final String POD = "5d2f7a3b-8c1d-4e2f-9b3a-1c2d3e4f5a6b";
  private static final String OUTSIDE = "9e8d7c6b-5a49-4382-b716-f5e4d3c2b1a0";
  private static final byte[] RUN_KEY = new byte[32];

  static java.util.stream.Stream<String> clusters() {
    return RewriteRulesTest.clusters();
  }

  /** Every object of the test clusters: the scan and the decode agree, and most took the scan. */
  @ParameterizedTest
  @MethodSource("clusters")
  void theScanFindsWhatTheWalkFinds(String cluster) {
    List<MvccEntry> in = RewriteRulesTest.cluster(cluster);
    assertSameAsDecoding(in);
    NewUidsRule rule = surveyed(in);
    long scanned = 0;
    long objects = 0;
    for (MvccEntry e : in) {
      if (e.keyString().startsWith("/registry/") && !e.deleted()) {
        objects++;
        List<Change> c = rule.scanChanges(CODEC, e.keyString(), e.value());
        if (c != null && !c.isEmpty() && UidPatch.apply(e.value(), c) != null) {
          scanned++;
        }
      }
    }
    assertTrue(scanned > objects / 2, scanned + " of " + objects + " objects scanned");
  }

  @Test
  void labelsAndManagedFieldsKeysAreRewrittenByTheScan() {
    MvccEntry owner = entry("/registry/jobs/default/nightly", "batch/v1", "Job", OWNER, "{}");
    MvccEntry pod = entry("/registry/pods/default/nightly-x", "v1", "Pod", POD, """
        {"labels": {"batch.kubernetes.io/controller-uid": "%s", "app": "nightly"},
         "ownerReferences": [{"apiVersion": "batch/v1", "kind": "Job", "name": "nightly", "uid": "%s", "controller": true}],
         "managedFields": [{"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "v1",
           "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:app": {}},
             "f:ownerReferences": {".": {}, "k:{\\"uid\\":\\"%s\\"}": {".": {}, "f:uid": {},
               "k:{\\"uid\\":\\"%s\\"}": {}}}}}}]}""".formatted(OWNER, OWNER, OWNER, POD));
    List<MvccEntry> in = List.of(owner, pod);
    List<Change> scanned = surveyed(in).scanChanges(CODEC, pod.keyString(), pod.value());
    assertNotNull(scanned);
    // the inner key is reported under its parent's old key, before the parent's own rename
    List<String> paths = scanned.stream().map(Change::path).toList();
    assertEquals(5, paths.size(), paths.toString());
    assertEquals("metadata.uid", paths.get(0));
    assertEquals("metadata.labels[\"batch.kubernetes.io/controller-uid\"]", paths.get(1));
    assertEquals("metadata.ownerReferences[0].uid", paths.get(2));
    assertTrue(paths.get(3).contains("[\"k:{\\\"uid\\\":\\\"" + OWNER + "\\\"}\"][\"k:{\\\"uid\\\":\\\"" + POD), paths.toString());
    assertTrue(paths.get(4).endsWith("[\"k:{\\\"uid\\\":\\\"" + OWNER + "\\\"}\"] (key)"), paths.toString());
    assertSameAsDecoding(in);
  }

  @Test
  void aReferenceOutsideTheSelectionIsLeftToTheDecoder() {
    MvccEntry pod = entry("/registry/pods/default/orphan", "v1", "Pod", POD, """
        {"ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "gone", "uid": "%s"}]}"""
        .formatted(OUTSIDE));
    List<MvccEntry> in = List.of(pod);
    assertNull(surveyed(in).scanChanges(CODEC, pod.keyString(), pod.value()));
    List<Rewriter.Result> decoded = run(in, Rewriter.InPlace.NEVER);
    assertTrue(decoded.get(0).changes().stream().anyMatch(c -> c.oldValue() == c.newValue()), "the kept reference is reported");
    assertSameAsDecoding(in);
  }

  /** An owner reference with an empty uid is reported (decoded); a pod template's empty uid is nothing. */
  @Test
  void anEmptyUidCountsOnlyInAnOwnerReference() {
    MvccEntry owned = entry("/registry/pods/default/odd", "v1", "Pod", POD, """
        {"ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "unnamed", "uid": ""}]}""");
    MvccEntry deployment = entry("/registry/deployments/default/web", "apps/v1", "Deployment", OWNER, "{}",
        Map.of("spec", Map.of("selector", Map.of("matchLabels", Map.of("app", "web")),
            "template", Map.of("metadata", Map.of("uid", "", "labels", Map.of("app", "web")),
                "spec", Map.of("containers", List.of(Map.of("name", "web", "image", "nginx")))))));
    List<MvccEntry> in = List.of(owned, deployment);
    NewUidsRule rule = surveyed(in);
    assertNull(rule.scanChanges(CODEC, owned.keyString(), owned.value()));
    assertTrue(run(in, Rewriter.InPlace.NEVER).get(0).changes().stream().anyMatch(c -> c.path().equals("metadata.ownerReferences[0].uid")));
    assertNotNull(rule.scanChanges(CODEC, deployment.keyString(), deployment.value()));
    assertSameAsDecoding(in);
  }

  @Test
  void userDataAndTheTokenAnnotationAreLeftAsTheWalkLeavesThem() {
    MvccEntry sa = entry("/registry/serviceaccounts/default/builder", "v1", "ServiceAccount", OWNER, "{}");
    MvccEntry cm = new MvccEntry("/registry/configmaps/default/notes".getBytes(StandardCharsets.UTF_8),
        value("v1", "ConfigMap", POD, "{}", Map.of("data", Map.of("owner", OWNER))), 2, 2, 1, 0, false, 0);
    MvccEntry token = new MvccEntry("/registry/secrets/default/builder-token".getBytes(StandardCharsets.UTF_8),
        value("v1", "Secret", "6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", """
            {"annotations": {"kubernetes.io/service-account.name": "builder", "kubernetes.io/service-account.uid": "%s"}}"""
            .formatted(OWNER), Map.of("type", "kubernetes.io/service-account-token", "data", Map.of("token", "dG9rZW4="))),
        3, 3, 1, 0, false, 0);
    List<MvccEntry> in = List.of(sa, cm, token);
    NewUidsRule rule = surveyed(in);
    assertNull(rule.scanChanges(CODEC, token.keyString(), token.value()), "the token Secret is decoded");
    assertNotNull(rule.scanChanges(CODEC, cm.keyString(), cm.value()), "the ConfigMap is scanned, its data passed over");
    assertSameAsDecoding(in); // the ConfigMap's data keeps the uid: the counts differ, so it is encoded
  }

  @Test
  void bytesTheTreeWouldNotHoldInWireOrderAreLeftToTheDecoder() {
    MvccEntry owner = entry("/registry/jobs/default/nightly", "batch/v1", "Job", OWNER, "{}");
    String labels = """
        {"labels": {"dup-key-1": "%s", "dup-key-2": "plain"},
         "managedFields": [{"manager": "m", "operation": "Update", "fieldsType": "FieldsV1",
           "fieldsV1": {"f:spec": {"k:{\\"uid\\":\\"%s\\"}": {}}, "f:specx": {"k:{\\"uid\\":\\"%s\\"}": {}}}}]}"""
        .formatted(OWNER, OWNER, OWNER);
    MvccEntry pod = entry("/registry/pods/default/p", "v1", "Pod", POD, labels);
    List<MvccEntry> clean = List.of(owner, pod);
    assertNotNull(surveyed(clean).scanChanges(CODEC, pod.keyString(), pod.value()));
    assertSameAsDecoding(clean);

    // a map key given twice (the tree keeps the last value), a managedFields key given twice
    for (String[] swap : List.of(new String[] {"dup-key-2", "dup-key-1"}, new String[] {"\"f:specx\"", "\"f:spec\"\u0000"})) {
      byte[] edited = replace(pod.value(), swap[0], swap[1].replace("\u0000", " "));
      MvccEntry twice = new MvccEntry(pod.key(), edited, 2, 2, 1, 0, false, 0);
      List<MvccEntry> in = List.of(owner, twice);
      assertNull(surveyed(in).scanChanges(CODEC, twice.keyString(), twice.value()), swap[0]);
      assertSameAsDecoding(in, false);
    }

    // metadata given twice (the tree keeps the last), and a repeated field split by another field
    Envelope env = Envelope.parse(pod.value());
    byte[] raw = java.util.Arrays.copyOfRange(pod.value(), env.rawOffset(), env.rawOffset() + env.rawLength());
    List<byte[]> fields = topLevelFields(raw);
    byte[] metadataTwice = Envelope.wrap("v1", "Pod", concat(concat(fields.get(0), fields.get(0)), concat(fields.subList(1, fields.size()))));
    MvccEntry twice = new MvccEntry(pod.key(), metadataTwice, 2, 2, 1, 0, false, 0);
    assertNull(surveyed(List.of(owner, twice)).scanChanges(CODEC, twice.keyString(), twice.value()));
    assertSameAsDecoding(List.of(owner, twice), false);

    MvccEntry endpoints = entry("/registry/endpoints/default/svc", "v1", "Endpoints", POD, "{}",
        Map.of("subsets", List.of(
            Map.of("addresses", List.of(Map.of("ip", "10.0.0.1", "targetRef", Map.of("kind", "Job", "name", "nightly", "uid", OWNER)))),
            Map.of("addresses", List.of(Map.of("ip", "10.0.0.2", "targetRef", Map.of("kind", "Job", "name", "nightly", "uid", OWNER)))))));
    Envelope e2 = Envelope.parse(endpoints.value());
    List<byte[]> parts = topLevelFields(java.util.Arrays.copyOfRange(endpoints.value(), e2.rawOffset(), e2.rawOffset() + e2.rawLength()));
    assertEquals(3, parts.size()); // metadata, subsets[0], subsets[1]
    byte[] split = Envelope.wrap("v1", "Endpoints", concat(List.of(parts.get(1), parts.get(0), parts.get(2))));
    MvccEntry splitEntry = new MvccEntry(endpoints.key(), split, 2, 2, 1, 0, false, 0);
    List<MvccEntry> in = List.of(owner, splitEntry);
    assertNull(surveyed(in).scanChanges(CODEC, splitEntry.keyString(), splitEntry.value()));
    assertSameAsDecoding(in, false);
    assertNotNull(surveyed(List.of(owner, endpoints)).scanChanges(CODEC, endpoints.keyString(), endpoints.value()));
    assertSameAsDecoding(List.of(owner, endpoints));
  }

  /** With the resourceVersion rule too: scanned where it has nothing to clear, decoded where it has. */
  @Test
  void theResourceVersionRuleLeavesTheScanOnlyNothingToClear() {
    MvccEntry owner = entry("/registry/jobs/default/nightly", "batch/v1", "Job", OWNER, "{}");
    Map<String, Object> ref = Map.of("kind", "Job", "name", "nightly", "uid", OWNER);
    Map<String, Object> refWithVersion = Map.of("kind", "Job", "name", "nightly", "uid", OWNER, "resourceVersion", "812");
    MvccEntry plain = entry("/registry/endpoints/default/a", "v1", "Endpoints", POD, "{}",
        Map.of("subsets", List.of(Map.of("addresses", List.of(Map.of("ip", "10.0.0.1", "targetRef", ref))))));
    MvccEntry versioned = entry("/registry/endpoints/default/b", "v1", "Endpoints", "3c2b1a09-8f7e-4d6c-b5a4-9382716a5b4c", "{}",
        Map.of("subsets", List.of(Map.of("addresses", List.of(Map.of("ip", "10.0.0.2", "targetRef", refWithVersion))))));
    List<MvccEntry> in = List.of(owner, plain, versioned);
    NewUidsRule rule = surveyed(in);
    assertNotNull(rule.scanChanges(CODEC, plain.keyString(), plain.value(), true));
    assertNull(rule.scanChanges(CODEC, versioned.keyString(), versioned.value(), true));
    assertNotNull(rule.scanChanges(CODEC, versioned.keyString(), versioned.value(), false), "for --new-uids alone it is no matter");
    java.util.function.Function<Rewriter.InPlace, List<Rewriter.Result>> run = mode -> {
      Rewriter rw = new Rewriter(List.of(new NewUidsRule(false, RUN_KEY), new ResourceVersionRule()), CODEC, "/registry",
          ResourceCatalog.builtin(), true, mode);
      Iterator<MvccEntry> it = in.iterator();
      rw.survey(() -> it.hasNext() ? it.next() : null);
      return in.stream().map(rw::rewrite).toList();
    };
    List<Rewriter.Result> encoded = run.apply(Rewriter.InPlace.NEVER);
    List<Rewriter.Result> scanned = run.apply(Rewriter.InPlace.SCAN);
    for (int i = 0; i < in.size(); i++) {
      assertEquals(encoded.get(i).changes().toString(), scanned.get(i).changes().toString(), in.get(i).keyString());
      assertArrayEquals(encoded.get(i).output().value(), scanned.get(i).output().value(), in.get(i).keyString());
    }
    assertTrue(scanned.get(2).changes().stream().anyMatch(c -> c.rule().equals(ResourceVersionRule.NAME)), "812 is cleared");
  }

  @Test
  void anIntOrStringHoldingAUidIsFound() {
    MvccEntry owner = entry("/registry/jobs/default/nightly", "batch/v1", "Job", OWNER, "{}");
    MvccEntry svc = entry("/registry/services/specs/default/web", "v1", "Service", POD, "{}",
        Map.of("spec", Map.of("ports", List.of(Map.of("port", 80L, "targetPort", OWNER)))));
    List<MvccEntry> in = List.of(owner, svc);
    List<Change> c = surveyed(in).scanChanges(CODEC, svc.keyString(), svc.value());
    assertNotNull(c);
    assertTrue(c.stream().anyMatch(x -> x.path().equals("spec.ports[0].targetPort")), c.toString());
    assertSameAsDecoding(in);
  }

  /**
   * The first pass takes a scan that read the whole value for proof that it decodes: true on
   * thousands of damaged values (bytes changed, cut, inserted) only where the decoder succeeds too.
   */
  @Test
  void aValueTheScanReadsWholeDecodes() {
    List<MvccEntry> values = RewriteRulesTest.demo().stream()
        .filter(e -> Envelope.hasMagic(e.value())).toList();
    long clean = values.stream().filter(e -> CODEC.scanStrings(e.value(), io.regshift.kube.proto.StringScan.NOTHING)).count();
    assertTrue(clean > values.size() * 9 / 10, clean + " of " + values.size() + " undamaged values scanned whole");
    Random random = new Random(23);
    int scannedDamaged = 0;
    for (int round = 0; round < 30_000; round++) {
      MvccEntry e = values.get(random.nextInt(values.size()));
      byte[] v = damaged(e.value(), Envelope.parse(e.value()).rawOffset(), random);
      if (CODEC.scanStrings(v, io.regshift.kube.proto.StringScan.NOTHING)) {
        scannedDamaged++;
        assertTrue(CODEC.check(e.keyString(), v).ok(), () -> e.keyString() + ": scanned whole but does not decode: "
            + CODEC.check(e.keyString(), v).error());
      }
    }
    assertTrue(scannedDamaged > 1000, scannedDamaged + " damaged values scanned whole");
  }

  /** One to three bytes changed, a cut, or bytes inserted, after the envelope's header. */
  private static byte[] damaged(byte[] value, int from, Random random) {
    byte[] v = value.clone();
    int at = from + random.nextInt(v.length - from);
    switch (random.nextInt(4)) {
      case 0, 1 -> {
        for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
          v[from + random.nextInt(v.length - from)] = (byte) random.nextInt(256);
        }
      }
      case 2 -> v = java.util.Arrays.copyOf(v, at);
      default -> {
        byte[] extra = new byte[1 + random.nextInt(4)];
        random.nextBytes(extra);
        v = concat(List.of(java.util.Arrays.copyOf(value, at), extra, java.util.Arrays.copyOfRange(value, at, value.length)));
      }
    }
    return v;
  }

  // helpers

  private static NewUidsRule surveyed(List<MvccEntry> in) {
    NewUidsRule rule = new NewUidsRule(false, RUN_KEY);
    Rewriter rw = new Rewriter(List.of(rule), CODEC, "/registry", ResourceCatalog.builtin(), true, Rewriter.InPlace.SCAN);
    Iterator<MvccEntry> it = in.iterator();
    rw.survey(() -> it.hasNext() ? it.next() : null);
    return rule;
  }

  private static List<Rewriter.Result> run(List<MvccEntry> in, Rewriter.InPlace mode) {
    Rewriter rw = new Rewriter(List.of(new NewUidsRule(false, RUN_KEY)), CODEC, "/registry", ResourceCatalog.builtin(),
        true, mode);
    Iterator<MvccEntry> it = in.iterator();
    rw.survey(() -> it.hasNext() ? it.next() : null);
    return in.stream().map(rw::rewrite).toList();
  }

  /**
   * The scan's result is the decode and walk's: the same report, and the bytes of the patch after
   * decoding; for values as Go writes them (fields in number order, map keys sorted), also the bytes
   * of encoding the changed tree. (A value in another order keeps its order: the patch changes only
   * the uids, where encoding would sort the fields.)
   */
  private static void assertSameAsDecoding(List<MvccEntry> in) {
    assertSameAsDecoding(in, true);
  }

  private static void assertSameAsDecoding(List<MvccEntry> in, boolean asGoWritesThem) {
    List<Rewriter.Result> encoded = run(in, Rewriter.InPlace.NEVER);
    List<Rewriter.Result> patched = run(in, Rewriter.InPlace.AFTER_DECODE);
    List<Rewriter.Result> scanned = run(in, Rewriter.InPlace.SCAN);
    for (int i = 0; i < in.size(); i++) {
      String key = in.get(i).keyString();
      assertEquals(encoded.get(i).changes().toString(), scanned.get(i).changes().toString(), key);
      assertEquals(encoded.get(i).changed(), scanned.get(i).changed(), key);
      assertArrayEquals(patched.get(i).output().value(), scanned.get(i).output().value(), key);
      if (asGoWritesThem) {
        assertArrayEquals(encoded.get(i).output().value(), scanned.get(i).output().value(), key);
      }
    }
  }

  private static MvccEntry entry(String key, String apiVersion, String kind, String uid, String metadataJson) {
    return entry(key, apiVersion, kind, uid, metadataJson, Map.of());
  }

  private static MvccEntry entry(String key, String apiVersion, String kind, String uid, String metadataJson,
      Map<String, Object> rest) {
    return new MvccEntry(key.getBytes(StandardCharsets.UTF_8), value(apiVersion, kind, uid, metadataJson, rest),
        2, 2, 1, 0, false, 0);
  }

  @SuppressWarnings("unchecked")
  private static byte[] value(String apiVersion, String kind, String uid, String metadataJson, Map<String, Object> rest) {
    Map<String, Object> tree = new java.util.LinkedHashMap<>();
    tree.put("apiVersion", apiVersion);
    tree.put("kind", kind);
    Map<String, Object> md = new java.util.LinkedHashMap<>();
    md.put("name", "object");
    md.put("namespace", "default");
    md.put("uid", uid);
    md.putAll((Map<String, Object>) Json.parse(metadataJson));
    tree.put("metadata", md);
    tree.putAll(rest);
    return CODEC.encodeProtobuf(tree);
  }

  private static byte[] replace(byte[] value, String from, String to) {
    byte[] f = from.getBytes(StandardCharsets.US_ASCII);
    byte[] t = to.getBytes(StandardCharsets.US_ASCII);
    assertEquals(f.length, t.length);
    byte[] out = value.clone();
    int found = 0;
    for (int i = 0; i + f.length <= out.length; i++) {
      if (java.util.Arrays.equals(out, i, i + f.length, f, 0, f.length)) {
        System.arraycopy(t, 0, out, i, t.length);
        found++;
      }
    }
    assertTrue(found > 0, from);
    return out;
  }

  /** The top-level fields of a message, each with its tag and length (all length-delimited here). */
  private static List<byte[]> topLevelFields(byte[] raw) {
    List<byte[]> out = new ArrayList<>();
    int pos = 0;
    while (pos < raw.length) {
      int start = pos;
      pos++; // a one-byte tag (fields 1 to 15)
      long len = 0;
      for (int shift = 0; ; shift += 7) {
        byte b = raw[pos++];
        len |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          break;
        }
      }
      pos += (int) len;
      out.add(java.util.Arrays.copyOfRange(raw, start, pos));
    }
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    return concat(List.of(a, b));
  }

  private static byte[] concat(List<byte[]> parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    parts.forEach(out::writeBytes);
    return out.toByteArray();
  }
}
