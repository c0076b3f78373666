package io.regshift.rewrite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.etcd.MvccEntry;
import io.regshift.kube.ResourceCatalog;
import io.regshift.kube.ValueCodec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * --new-uids' changes patched into the stored bytes give, byte for byte, what encoding the changed
 * tree gives, with the same report; where the bytes hold a selected uid the walk leaves alone
 * (inside a longer string, or in user data), the tree is encoded and the uid there stays.
 */
class UidPatchTest {
  private static final ValueCodec CODEC = ValueCodec.builtin();

  static java.util.stream.Stream<String> clusters() {
    return RewriteRulesTest.clusters();
  }

  private static List<Rewriter.Result> run(List<MvccEntry> in, Rewriter.InPlace mode, Supplier<List<RewriteRule>> rules) {
    Rewriter rw = new Rewriter(rules.get(), CODEC, "/registry", ResourceCatalog.builtin(), true, mode);
    Iterator<MvccEntry> it = in.iterator();
    rw.survey(() -> it.hasNext() ? it.next() : null);
    return in.stream().map(rw::rewrite).toList();
  }

  private static void assertSameResults(List<MvccEntry> in, List<Rewriter.Result> encoded, List<Rewriter.Result> patched) {
    for (int i = 0; i < in.size(); i++) {
      String key = in.get(i).keyString();
      assertEquals(encoded.get(i).changes().toString(), patched.get(i).changes().toString(), key);
      assertEquals(encoded.get(i).dropped(), patched.get(i).dropped(), key);
      if (!encoded.get(i).dropped()) {
        assertEquals(encoded.get(i).output().keyString(), patched.get(i).output().keyString(), key);
        assertArrayEquals(encoded.get(i).output().value(), patched.get(i).output().value(), key);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("clusters")
  void patchingGivesWhatEncodingGives(String cluster) {
    List<MvccEntry> in = RewriteRulesTest.cluster(cluster);
    byte[] runKey = new byte[32];
    new Random(5).nextBytes(runKey);
    Supplier<List<RewriteRule>> uidsOnly = () -> List.of(new NewUidsRule(false, runKey), new ResourceVersionRule());
    Supplier<List<RewriteRule>> asTheBenchmark = () -> List.of(new MapNamespaceRule(Map.of("shop", "store")),
        new NewUidsRule(false, runKey), new ServiceCidrRule(Cidr.parse("--service-cidr", "10.128.0.0/12"), null),
        new ResourceVersionRule());
    for (Supplier<List<RewriteRule>> rules : List.of(uidsOnly, asTheBenchmark)) {
      List<Rewriter.Result> encoded = run(in, Rewriter.InPlace.NEVER, rules);
      assertSameResults(in, encoded, run(in, Rewriter.InPlace.AFTER_DECODE, rules));
      assertSameResults(in, encoded, run(in, Rewriter.InPlace.SCAN, rules));
    }
    // and the patch is what most objects took (else this test would compare encoding with itself)
    long patchable = 0;
    for (Rewriter.Result r : run(in, Rewriter.InPlace.NEVER, uidsOnly)) {
      if (r.changed() && UidPatch.apply(r.source().value(), r.changes()) != null) {
        patchable++;
      }
    }
    assertTrue(patchable > in.size() / 2, patchable + " of " + in.size());
  }

  /** A pod whose annotation quotes its own uid: the annotation stays as it was, the uid field changes. */
  @Test
  void aUidTheWalkLeavesAloneIsNotPatched() {
    List<MvccEntry> in = new ArrayList<>(RewriteRulesTest.demo());
    MvccEntry pod = in.stream().filter(e -> e.keyString().startsWith("/registry/pods/")).findFirst().orElseThrow();
    Map<String, Object> tree = CODEC.decode(pod.keyString(), pod.value(), true).object();
    String uid = (String) ((Map<?, ?>) tree.get("metadata")).get("uid");
    @SuppressWarnings("unchecked")
    Map<String, Object> md = (Map<String, Object>) tree.get("metadata");
    @SuppressWarnings("unchecked")
    Map<String, Object> annotations = (Map<String, Object>) md.computeIfAbsent("annotations", k -> new java.util.LinkedHashMap<>());
    annotations.put("example.com/note", "created as " + uid + " by hand");
    MvccEntry noted = new MvccEntry(pod.key(), CODEC.encodeProtobuf(tree), pod.createRevision(), pod.modRevision(),
        pod.version(), 0, false, 0);
    in.replaceAll(e -> e == pod ? noted : e);
    byte[] runKey = new byte[32];
    List<Rewriter.Result> patched = run(in, Rewriter.InPlace.AFTER_DECODE, () -> List.of(new NewUidsRule(false, runKey)));
    List<Rewriter.Result> encoded = run(in, Rewriter.InPlace.NEVER, () -> List.of(new NewUidsRule(false, runKey)));
    assertSameResults(in, encoded, patched);
    assertSameResults(in, encoded, run(in, Rewriter.InPlace.SCAN, () -> List.of(new NewUidsRule(false, runKey))));
    Rewriter.Result r = patched.get(in.indexOf(noted));
    assertNull(UidPatch.apply(noted.value(), r.changes()), "the uid inside the annotation is counted: no patch");
    Map<String, Object> out = CODEC.decode(r.output().keyString(), r.output().value(), true).object();
    Map<?, ?> outMd = (Map<?, ?>) out.get("metadata");
    assertEquals("created as " + uid + " by hand", ((Map<?, ?>) outMd.get("annotations")).get("example.com/note"));
    assertEquals(new NewUidsRule(false, runKey).newUid(uid), outMd.get("uid"));
    assertNotNull(UidPatch.apply(pod.value(), run(List.of(pod), Rewriter.InPlace.NEVER, () -> List.of(new NewUidsRule(false, runKey)))
        .get(0).changes()), "without the note, the same pod is patched");
  }

  /** The word-at-a-time escape check finds a backslash-u wherever it is, and nothing else. */
  @Test
  void theEscapeCheckAgreesWithAByteByByteLook() {
    Random random = new Random(11);
    byte[] alphabet = {'\\', 'u', 'a', '"', 0, (byte) 0xdc, (byte) 0x5c};
    for (int round = 0; round < 20_000; round++) {
      byte[] b = new byte[random.nextInt(40)];
      for (int i = 0; i < b.length; i++) {
        b[i] = random.nextInt(3) == 0 ? alphabet[random.nextInt(alphabet.length)] : (byte) random.nextInt(256);
      }
      boolean expected = false;
      for (int i = 0; i + 1 < b.length; i++) {
        expected |= b[i] == '\\' && b[i + 1] == 'u';
      }
      assertEquals(expected, UidPatch.hasJsonEscape(b), java.util.Arrays.toString(b));
    }
  }
}
