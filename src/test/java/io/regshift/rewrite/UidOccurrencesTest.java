package io.regshift.rewrite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.regshift.etcd.MvccEntry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * --new-uids stops walking an object once it has rewritten as many uids as the stored bytes hold:
 * the count must find every selected uid wherever it sits, and the bounded walk must give exactly
 * what walking every field gives.
 */
class UidOccurrencesTest {

  @Test
  void countsEverySelectedUidAtAnyOffsetAndNoOther() {
    Random random = new Random(7);
    UidSet selected = new UidSet();
    List<String> mine = new java.util.ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String u = UUID.randomUUID().toString();
      selected.add(u);
      mine.add(u);
    }
    String filler = "abcdef0123456789-team-01836-\"k:{\\\"uid\\\":}xyz ";
    for (int round = 0; round < 3000; round++) {
      StringBuilder b = new StringBuilder();
      int expected = 0;
      int parts = random.nextInt(8);
      for (int p = 0; p < parts; p++) {
        for (int f = random.nextInt(12); f > 0; f--) {
          b.append(filler.charAt(random.nextInt(filler.length())));
        }
        switch (random.nextInt(4)) {
          case 0 -> { b.append(mine.get(random.nextInt(mine.size()))); expected++; }
          case 1 -> b.append(UUID.randomUUID()); // a uid, but not of a selected object
          case 2 -> b.append(mine.get(random.nextInt(mine.size())).toUpperCase()); // not as kube-apiserver writes uids
          default -> { b.append(mine.get(0)).append(mine.get(1)); expected += 2; } // back to back
        }
      }
      byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
      // the filler may make a backslash-u by chance: then there is no bound
      assertEquals(b.indexOf("\\u") >= 0 ? UidOccurrences.UNBOUNDED : expected, UidOccurrences.count(bytes, selected),
          b.toString());
    }
  }

  @Test
  void aJsonEscapeAnywhereLeavesNoBound() {
    UidSet selected = new UidSet();
    selected.add("0d4b6c9e-1c2f-4a57-9e3b-2f8f6f7d5a10");
    for (String s : List.of("\\u0030d4b6c9e-1c2f-4a57-9e3b-2f8f6f7d5a10", "x\\u0030d4b6c9e-1c2f-4a57-9e3b-2f8f6f7d5a10",
        "\"name\":\"\\u00e9\"", "ab\\u")) {
      assertEquals(UidOccurrences.UNBOUNDED, UidOccurrences.count(s.getBytes(StandardCharsets.UTF_8), selected), s);
    }
    assertEquals(1, UidOccurrences.count("\\\"0d4b6c9e-1c2f-4a57-9e3b-2f8f6f7d5a10\\\"".getBytes(StandardCharsets.UTF_8), selected));
  }

  static java.util.stream.Stream<String> clusters() {
    return RewriteRulesTest.clusters();
  }

  /** Same run key, bounded and unbounded walks: the same bytes, the same report, for every object. */
  @ParameterizedTest
  @MethodSource("clusters")
  void theBoundedWalkChangesWhatTheFullWalkChanges(String cluster) {
    List<MvccEntry> in = RewriteRulesTest.cluster(cluster);
    byte[] key = new byte[32];
    new Random(3).nextBytes(key);
    List<Rewriter.Result> bounded = RewriteRulesTest.run(in, new NewUidsRule(false, key, true));
    List<Rewriter.Result> full = RewriteRulesTest.run(in, new NewUidsRule(false, key, false));
    long changed = 0;
    for (int i = 0; i < in.size(); i++) {
      Rewriter.Result a = bounded.get(i);
      Rewriter.Result b = full.get(i);
      assertEquals(b.changes().toString(), a.changes().toString(), in.get(i).keyString());
      assertArrayEquals(b.output().value(), a.output().value(), in.get(i).keyString());
      changed += a.changes().size();
    }
    assertEquals(true, changed > in.size(), "every object's uid and the references changed");
  }
}
