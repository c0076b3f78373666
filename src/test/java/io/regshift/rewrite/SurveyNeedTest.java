package io.regshift.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.etcd.MvccEntry;
import io.regshift.kube.Envelope;
import io.regshift.kube.ObjectHead;
import io.regshift.kube.ResourceCatalog;
import io.regshift.kube.ValueCodec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The first pass reads of each object only what the rules need: --new-uids takes the uid from
 * the metadata head, so an export's first pass does not decode objects. A Pod whose spec is
 * broken (its metadata intact) shows what is and is not read where.
 */
class SurveyNeedTest {

  /** The demo cluster's first protobuf Pod, with the first field tag inside its spec made invalid (wire type 7). */
  private static MvccEntry brokenPod(List<MvccEntry> in) {
    for (MvccEntry e : in) {
      if (e.keyString().startsWith("/registry/pods/") && Envelope.hasMagic(e.value())) {
        byte[] v = e.value().clone();
        Envelope env = Envelope.parse(v);
        int pos = env.rawOffset();
        assertEquals(0x0a, v[pos++], "metadata is field 1");
        int[] len = varint(v, pos);
        pos = len[1] + len[0];
        assertEquals(0x12, v[pos++], "spec is field 2, after metadata");
        pos = varint(v, pos)[1];
        v[pos] = 0x0f;
        return new MvccEntry(e.key(), v, e.createRevision(), e.modRevision(), e.version(), e.lease(), false, 0);
      }
    }
    throw new AssertionError("no protobuf pod in the demo cluster");
  }

  /** {value, position after it}. */
  private static int[] varint(byte[] b, int pos) {
    int v = 0;
    for (int shift = 0; ; shift += 7) {
      byte x = b[pos++];
      v |= (x & 0x7f) << shift;
      if (x >= 0) {
        return new int[] {v, pos};
      }
    }
  }

  private static List<MvccEntry> withBrokenPod(MvccEntry[] broken) {
    List<MvccEntry> in = new ArrayList<>(RewriteRulesTest.demo());
    broken[0] = brokenPod(in);
    in.replaceAll(e -> e.keyString().equals(broken[0].keyString()) ? broken[0] : e);
    return in;
  }

  private static void survey(Rewriter rw, List<MvccEntry> in) {
    Iterator<MvccEntry> it = in.iterator();
    rw.survey(() -> it.hasNext() ? it.next() : null);
  }

  @Test
  void theBrokenSpecIsPastTheHeadButNotPastTheCodec() {
    MvccEntry[] broken = new MvccEntry[1];
    withBrokenPod(broken);
    ObjectHead head = ObjectHead.read(broken[0].value());
    assertFalse(head.uid().isEmpty());
    assertFalse(ValueCodec.builtin().decode(broken[0].value()).ok());
  }

  @Test
  void anExportSurveysUidsFromHeadsAndMeetsTheBrokenSpecOnlyWhenItRewritesIt() {
    MvccEntry[] broken = new MvccEntry[1];
    List<MvccEntry> in = withBrokenPod(broken);
    NewUidsRule uids = new NewUidsRule(false);
    Rewriter rw = new Rewriter(List.of(uids), ValueCodec.builtin(), "/registry", ResourceCatalog.builtin(), false);
    survey(rw, in); // no object decoded: the broken spec is not seen here
    long withUid = in.stream().filter(e -> e.keyString().startsWith("/registry/") && !e.keyString().startsWith("/registry/ranges/")).count();
    assertEquals(withUid, uids.surveyedUids(), "every object's uid, the broken Pod's too");
    for (MvccEntry e : in) {
      if (e != broken[0]) {
        Rewriter.Result r = rw.rewrite(e);
        if (r.changed()) {
          assertNotEquals(null, r.decoded());
        }
      }
    }
    RewriteException ex = assertThrows(RewriteException.class, () -> rw.rewrite(broken[0]));
    assertTrue(ex.getMessage().startsWith(broken[0].keyString() + ": cannot be rewritten: "), ex.getMessage());
    assertFalse(ex.getMessage().contains("changed since the first pass"), ex.getMessage());
  }

  @Test
  void aSinkThatStoresValuesRefusesTheBrokenSpecBeforeWriting() {
    MvccEntry[] broken = new MvccEntry[1];
    List<MvccEntry> in = withBrokenPod(broken);
    Rewriter rw = new Rewriter(List.of(new NewUidsRule(false)), ValueCodec.builtin(), "/registry", ResourceCatalog.builtin(),
        true);
    RewriteException ex = assertThrows(RewriteException.class, () -> survey(rw, in));
    assertTrue(ex.getMessage().contains("nothing written: " + broken[0].keyString() + ": --new-uids would rewrite it, but "),
        ex.getMessage());
  }

  @Test
  void aPodWithAnUnreadableHeadIsLeftToTheExportsSecondPass() {
    List<MvccEntry> in = new ArrayList<>(RewriteRulesTest.demo());
    MvccEntry pod = in.stream().filter(e -> e.keyString().startsWith("/registry/pods/")).findFirst().orElseThrow();
    byte[] cut = java.util.Arrays.copyOf(pod.value(), 30); // inside the envelope or metadata
    in.replaceAll(e -> e == pod ? new MvccEntry(e.key(), cut, e.createRevision(), e.modRevision(), e.version(), 0, false, 0) : e);
    Rewriter rw = new Rewriter(List.of(new NewUidsRule(false)), ValueCodec.builtin(), "/registry", ResourceCatalog.builtin(),
        false);
    survey(rw, in); // an export goes on: the broken Pod is one object that cannot be decoded, not the end of it
    MvccEntry broken = in.stream().filter(e -> e.keyString().equals(pod.keyString())).findFirst().orElseThrow();
    RewriteException ex = assertThrows(RewriteException.class, () -> rw.rewrite(broken));
    assertTrue(ex.getMessage().startsWith(pod.keyString() + ": cannot be rewritten: "), ex.getMessage());
    for (MvccEntry e : in) {
      if (e != broken && e.keyString().startsWith("/registry/pods/")) {
        assertTrue(rw.rewrite(e).changed(), e.keyString());
      }
    }
  }
}
