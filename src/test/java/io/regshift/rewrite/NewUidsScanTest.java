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
        NewUidsScan.Result r = rule.scan(CODEC, e.keyString(), e.value(), false);
        if (r != null && r.value() != null) {
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
    assertSameAsDecoding(in); // the ConfigMap's data keeps the uid: only the scanned places change
  }

  /**
   * JSON the scan passes over, where the walk would find a uid: a RawExtension holding one (a
   * ControllerRevision's data), and managedFields' JSON hiding one behind a backslash-u escape.
   */
  @Test
  void uidsInJsonTheScanPassesOverAreLeftToTheDecoder() {
    MvccEntry owner = entry("/registry/jobs/default/nightly", "batch/v1", "Job", OWNER, "{}");
    MvccEntry revision = entry("/registry/controllerrevisions/default/web-1", "apps/v1", "ControllerRevision", POD, "{}",
        Map.of("data", Map.of("spec", Map.of("ownerUid", OWNER)), "revision", 1L));
    MvccEntry otherRevision = entry("/registry/controllerrevisions/default/web-2", "apps/v1", "ControllerRevision",
        "8b7a6f5e-4d3c-4b2a-9f0e-8d7c6b5a4932", "{}", Map.of("data", Map.of("spec", Map.of("ownerUid", OUTSIDE)), "revision", 2L));
    String hidden = OWNER.charAt(0) + "Q@@@@@" + OWNER.substring(2); // becomes \u0062 (a 'b') below: the same length
    MvccEntry marked = entry("/registry/pods/default/p", "v1", "Pod", "9c8b7a6f-5e4d-4c3b-8a1f-0e9d8c7b6a54", """
        {"managedFields": [{"manager": "m", "operation": "Update", "fieldsType": "FieldsV1",
           "fieldsV1": {"f:metadata": {"f:ownerReferences": {"k:{\\"uid\\":\\"%s\\"}": {}}}}}]}""".formatted(hidden));
    MvccEntry escaped = new MvccEntry(marked.key(), replace(marked.value(), "Q@@@@@", "\\u0062"), 2, 2, 1, 0, false, 0);
    List<MvccEntry> in = List.of(owner, revision, otherRevision, escaped);
    NewUidsRule rule = surveyed(in);
    assertNull(rule.scan(CODEC, revision.keyString(), revision.value(), false), "the RawExtension holds a selected uid");
    assertNotNull(rule.scan(CODEC, otherRevision.keyString(), otherRevision.value(), false), "this one does not");
    assertNull(rule.scan(CODEC, escaped.keyString(), escaped.value(), false), "a uid behind an escape");
    List<Rewriter.Result> decoded = run(in, Rewriter.InPlace.NEVER);
    assertTrue(decoded.get(1).changes().stream().anyMatch(c -> c.path().equals("data.spec.ownerUid")), decoded.get(1).changes().toString());
    assertTrue(decoded.get(3).changes().stream().anyMatch(c -> c.path().endsWith("(key)")), decoded.get(3).changes().toString());
    assertSameAsDecoding(in, false);
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

  /**
   * With the resourceVersion rule too: the resourceVersions it clears in references are cut out of
   * the bytes, the lengths around them shortened (down to the envelope's, across a varint's size),
   * and the report lists them after --new-uids' changes, in the rule's order.
   */
  @Test
  void theResourceVersionsTheRuleClearsAreCutOutOfTheBytes() {
    MvccEntry owner = entry("/registry/jobs/default/nightly", "batch/v1", "Job", OWNER, "{}");
    Map<String, Object> ref = Map.of("kind", "Job", "name", "nightly", "uid", OWNER);
    Map<String, Object> refWithVersion = Map.of("kind", "Job", "name", "nightly", "uid", OWNER, "resourceVersion", "812");
    MvccEntry plain = entry("/registry/endpoints/default/a", "v1", "Endpoints", POD, "{}",
        Map.of("subsets", List.of(Map.of("addresses", List.of(Map.of("ip", "10.0.0.1", "targetRef", ref))))));
    MvccEntry versioned = entry("/registry/endpoints/default/b", "v1", "Endpoints", "3c2b1a09-8f7e-4d6c-b5a4-9382716a5b4c", "{}",
        Map.of("subsets", List.of(
            Map.of("addresses", List.of(Map.of("ip", "10.0.0.2", "targetRef", refWithVersion)),
                "notReadyAddresses", List.of(Map.of("ip", "10.0.0.3", "targetRef", refWithVersion))),
            Map.of("addresses", List.of(Map.of("ip", "10.0.0.4", "targetRef", refWithVersion))))));
    MvccEntry slice = entry("/registry/endpointslices/default/b-x1", "discovery.k8s.io/v1", "EndpointSlice",
        "4d3c2b1a-0f9e-4d7c-a6b5-4a3928170b6c", "{}", Map.of("addressType", "IPv4",
            "endpoints", List.of(Map.of("addresses", List.of("10.0.0.2"), "targetRef", refWithVersion))));
    MvccEntry cronJob = entry("/registry/cronjobs/default/nightly", "batch/v1", "CronJob", "5e4d3c2b-1a0f-4e8d-b7c6-5b4a39281c0d", "{}",
        Map.of("status", Map.of("active", List.of(refWithVersion, Map.of("kind", "Job", "name", "nightly", "uid", OWNER,
            "resourceVersion", "813")))));
    // an Event of about 16 KiB whose related reference has a long resourceVersion: cut, the
    // reference's length takes one byte instead of two, and the object's three instead of two
    String longVersion = "9".repeat(200);
    java.util.function.IntFunction<MvccEntry> event = note -> entry("/registry/events/default/nightly.1", "v1", "Event",
        "6f5e4d3c-2b1a-4f9e-88d7-6c5b4a39201e", "{\"annotations\": {\"note\": \"" + "n".repeat(note) + "\"}}",
        Map.of("involvedObject", refWithVersion, "reason", "Started",
            "related", Map.of("kind", "Job", "name", "nightly", "uid", OWNER, "resourceVersion", longVersion)));
    int note = 16_000;
    note += 16_384 + 100 - Envelope.parse(event.apply(note).value()).rawLength();
    MvccEntry bigEvent = event.apply(note);
    assertTrue(Envelope.parse(bigEvent.value()).rawLength() >= 16_384);
    List<MvccEntry> in = List.of(owner, plain, versioned, slice, cronJob, bigEvent);
    NewUidsRule rule = surveyed(in);
    for (MvccEntry e : in.subList(1, in.size())) {
      assertNotNull(rule.scan(CODEC, e.keyString(), e.value(), true), e.keyString() + " is scanned");
    }
    List<Rewriter.Result> scanned = assertSameWithResourceVersions(in, true);
    assertTrue(Envelope.parse(scanned.get(5).output().value()).rawLength() < 16_384);
    assertEquals(List.of("subsets[0].addresses[0].targetRef.resourceVersion",
        "subsets[0].notReadyAddresses[0].targetRef.resourceVersion", "subsets[1].addresses[0].targetRef.resourceVersion"),
        scanned.get(2).changes().stream().filter(c -> c.rule().equals(ResourceVersionRule.NAME)).map(Change::path).toList());
    assertEquals(List.of("involvedObject.resourceVersion", "related.resourceVersion"),
        scanned.get(5).changes().stream().filter(c -> c.rule().equals(ResourceVersionRule.NAME)).map(Change::path).toList());
    assertEquals(longVersion, scanned.get(5).changes().get(scanned.get(5).changes().size() - 1).oldValue());
    assertTrue(CODEC.check(bigEvent.keyString(), scanned.get(5).output().value()).ok());

    // the references out of the rule's order on the wire (related first), and a resourceVersion in
    // metadata (ObjectMeta keeps the field, empty): left to the decoder
    Envelope env = Envelope.parse(bigEvent.value());
    List<byte[]> fields = topLevelFields(java.util.Arrays.copyOfRange(bigEvent.value(), env.rawOffset(), env.rawOffset() + env.rawLength()));
    assertEquals(4, fields.size()); // metadata, involvedObject, reason, related
    MvccEntry swapped = new MvccEntry(bigEvent.key(), Envelope.wrap("v1", "Event",
        concat(List.of(fields.get(0), fields.get(3), fields.get(2), fields.get(1)))), 2, 2, 1, 0, false, 0);
    MvccEntry ownVersion = entry("/registry/events/default/nightly.2", "v1", "Event", "7a6f5e4d-3c2b-4a1f-9e8d-7c6b5a493021",
        "{\"resourceVersion\": \"44\"}", Map.of("involvedObject", refWithVersion));
    for (MvccEntry e : List.of(swapped, ownVersion)) {
      assertNull(surveyed(List.of(owner, e)).scan(CODEC, e.keyString(), e.value(), true), e.keyString());
      assertSameWithResourceVersions(List.of(owner, e), e == ownVersion);
    }
  }

  /** Both rules, each way: the same report, and the same bytes as encoding (for values as Go writes them). */
  private static List<Rewriter.Result> assertSameWithResourceVersions(List<MvccEntry> in, boolean asGoWritesThem) {
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
      String key = in.get(i).keyString();
      assertEquals(encoded.get(i).changes().toString(), scanned.get(i).changes().toString(), key);
      if (asGoWritesThem) {
        assertArrayEquals(encoded.get(i).output().value(), scanned.get(i).output().value(), key);
      }
    }
    return scanned;
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
    int rewrittenDamaged = 0;
    NewUidsRule rule = surveyed(RewriteRulesTest.demo());
    for (int round = 0; round < 30_000; round++) {
      MvccEntry e = values.get(random.nextInt(values.size()));
      byte[] v = damaged(e.value(), Envelope.parse(e.value()).rawOffset(), random);
      if (CODEC.scanStrings(v, io.regshift.kube.proto.StringScan.NOTHING)) {
        scannedDamaged++;
        assertTrue(CODEC.check(e.keyString(), v).ok(), () -> e.keyString() + ": scanned whole but does not decode: "
            + CODEC.check(e.keyString(), v).error());
      }
      // --new-uids' own scan is the proof in the second pass (Rewriter.checkValuesWhileWriting):
      // Secrets' and ConfigMaps' data included, which it reads without looking for uids
      if (rule.scan(CODEC, e.keyString(), v, true) != null) {
        rewrittenDamaged++;
        assertTrue(CODEC.check(e.keyString(), v).ok(), () -> e.keyString() + ": rewritten from a scan but does not decode: "
            + CODEC.check(e.keyString(), v).error());
      }
    }
    assertTrue(scannedDamaged > 1000, scannedDamaged + " damaged values scanned whole");
    assertTrue(rewrittenDamaged > 1000, rewrittenDamaged + " damaged values rewritten from a scan");
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
