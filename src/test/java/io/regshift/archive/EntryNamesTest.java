package io.regshift.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Archive entry names: readable for Kubernetes keys, safe to extract, one-to-one with keys. */
class EntryNamesTest {

  @Test
  void kubernetesKeysReadAsPaths() {
    assertEquals("keys/registry/deployments/shop/web", name("/registry/deployments/shop/web"));
    assertEquals("keys/registry/clusterroles/system:aggregate-to-admin", name("/registry/clusterroles/system:aggregate-to-admin"));
    assertEquals("keys/registry/apiregistration.k8s.io/apiservices/v1.apps", name("/registry/apiregistration.k8s.io/apiservices/v1.apps"));
    assertEquals("other-keys/compact_rev_key", name("compact_rev_key"));
  }

  @Test
  void namesNeverClimbOutOrStartAtTheRoot() {
    assertEquals("keys/registry/%2E%2E/etc/passwd", name("/registry/../etc/passwd"));
    assertEquals("keys/%2E", name("/."));
    assertEquals("other-keys/%2E%2E/x", name("../x"));
    assertEquals("keys%2F", name("/"));
    assertEquals("keys%2F%2Fx", name("//x"));
    assertEquals("keys/a%2F%2Fb%2F", name("/a//b/"));
    assertEquals("keys/sp%20ace/%25/%C3%A9/%00", name("/sp ace/%/é/\0"));
    for (String n : new String[] {name("/registry/../x"), name("/./x"), name("a/../../b")}) {
      for (String part : n.split("/")) {
        assertFalse(part.equals("..") || part.equals(".") || part.isEmpty(), n);
      }
    }
  }

  @Test
  void everyKeyComesBackAndNoTwoKeysShareAName() {
    Random random = new Random(42);
    byte[] alphabet = "/./a%:_-".getBytes(StandardCharsets.US_ASCII);
    Set<String> names = new HashSet<>();
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < 200_000; i++) {
      byte[] key = new byte[1 + random.nextInt(7)];
      for (int j = 0; j < key.length; j++) {
        key[j] = random.nextInt(10) == 0 ? (byte) random.nextInt(256) : alphabet[random.nextInt(alphabet.length)];
      }
      String name = EntryNames.of(key);
      assertTrue(name.chars().allMatch(c -> c > 0x20 && c < 0x7f), name);
      assertArrayEquals(key, EntryNames.key(name), name);
      if (keys.add(new String(key, StandardCharsets.ISO_8859_1))) {
        assertTrue(names.add(name), "two keys named " + name);
      }
    }
  }

  @Test
  void namesNotMadeByUsAreNotKeys() {
    assertNull(EntryNames.key("manifest.json"));
    assertNull(EntryNames.key("keys/registry/../x"), "not the canonical spelling of any key");
    assertNull(EntryNames.key("keys/a%2fb"), "lower-case escapes are not canonical");
    assertNull(EntryNames.key("keys/a%zz"));
    assertNull(EntryNames.key("other-keys//x"), "a key with a leading slash lives under keys/");
  }

  private static String name(String key) {
    return EntryNames.of(key.getBytes(StandardCharsets.UTF_8));
  }
}
