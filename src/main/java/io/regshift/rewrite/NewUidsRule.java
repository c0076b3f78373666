package io.regshift.rewrite;

import io.regshift.kube.RegistryKey;
import io.regshift.kube.ValueCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;

/**
 * --new-uids: every object gets a fresh UUIDv4, and every reference to the uid of an object in
 * the selection follows, wherever it is: ownerReferences, a PersistentVolume's claimRef,
 * Endpoints' and EndpointSlices' targetRefs, an Event's involvedObject, a service-account token
 * Secret's annotation, a CronJob's active Jobs, a Job's controller-uid labels and selector, the
 * keys managedFields holds ownerReferences under, custom resources. Any string that is the uid of
 * a selected object is such a reference.
 *
 * <p>References to objects outside the selection stay and are reported; with
 * --drop-dangling-owners, ownerReferences to them are removed (the garbage collector would
 * otherwise delete the object whose owner is gone).
 *
 * <p>The new uid is a keyed hash of the old one with a key drawn at random per run: every pass
 * of one run (the write, restore's read-back) gives the same new uid, and no two runs do.
 */
public final class NewUidsRule implements RewriteRule {
  public static final String NAME = "new-uids";
  static final String SA_UID_ANNOTATION = "kubernetes.io/service-account.uid";
  static final String SA_TOKEN_TYPE = "kubernetes.io/service-account-token";
  /** Fields that hold user data, never references. */
  private static final Map<String, List<String>> USER_DATA = Map.of(
      "Secret", List.of("data", "stringData"), "ConfigMap", List.of("data", "binaryData"));

  private final boolean dropDanglingOwners;
  private final byte[] runKey;
  private final UidSet uids = new UidSet();

  public NewUidsRule(boolean dropDanglingOwners) {
    this(dropDanglingOwners, randomKey());
  }

  /** With a given key (tests: the same run key gives the same new uids). */
  NewUidsRule(boolean dropDanglingOwners, byte[] runKey) {
    this.dropDanglingOwners = dropDanglingOwners;
    this.runKey = runKey.clone();
  }

  private static byte[] randomKey() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return k;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Every object has a uid to renew. */
  @Override
  public boolean mayChangeWhateverTheValue(RegistryKey key) {
    return true;
  }

  /** Every object's uid, read from its metadata head: the first pass decodes no object for it. */
  @Override
  public SurveyNeed surveyNeed(RegistryKey key) {
    return SurveyNeed.HEAD;
  }

  @Override
  public void survey(RewriteObject object) {
    if (object.head() != null && !object.head().uid().isEmpty()) {
      uids.add(object.head().uid());
    }
  }

  /** Objects the first pass found a uid on. */
  public int surveyedUids() {
    return uids.size();
  }

  @Override
  public void apply(RewriteObject o) {
    Map<String, Object> obj = o.object();
    Map<String, Object> md = TreeWalk.map(obj, "metadata");
    if (md == null) {
      return;
    }
    danglingOwners(o, md);
    danglingReferences(o, obj);
    boolean[] saUidChanged = {false};
    Object kind = obj.get("kind");
    TreeWalk.walk(obj, USER_DATA.get(kind instanceof String k ? k : ""), new TreeWalk.Rewrite() {
      @Override
      public String value(Map<String, Object> parent, String field, String value) {
        return selected(value) ? newUid(value) : null;
      }

      @Override
      public String key(String key) {
        // managedFields name list items by key: k:{"uid":"..."} for ownerReferences
        return key.startsWith("k:{") && key.contains("\"uid\"") ? rewriteUidsIn(key) : null;
      }
    }, (path, oldValue, newValue) -> {
      if (path.endsWith("[\"" + SA_UID_ANNOTATION + "\"]")) {
        saUidChanged[0] = true;
      }
      o.changed(NAME, path, oldValue, newValue);
    });
    if (saUidChanged[0] && SA_TOKEN_TYPE.equals(obj.get("type"))) {
      removeToken(o, obj, NAME, "the token names the service account's old uid; kube-controller-manager's token"
          + " controller writes a new one");
    }
  }

  /** Removes a legacy service-account token Secret's token, so that the token controller makes a new one. */
  static void removeToken(RewriteObject o, Map<String, Object> obj, String rule, String why) {
    Map<String, Object> data = TreeWalk.map(obj, "data");
    if (data != null && data.remove("token") != null) {
      o.changed(rule, "data.token", "(the old token)", null, why); // a secret: never in the report
    }
  }

  private void danglingOwners(RewriteObject o, Map<String, Object> md) {
    List<Object> owners = TreeWalk.list(md, "ownerReferences");
    for (int i = owners.size() - 1; i >= 0; i--) {
      if (!(owners.get(i) instanceof Map<?, ?> ref) || !(ref.get("uid") instanceof String uid) || selected(uid)) {
        continue;
      }
      String path = TreeWalk.path("metadata", "ownerReferences", i);
      String what = ref.get("kind") + " " + ref.get("name") + " is not in the selection";
      if (dropDanglingOwners) {
        owners.remove(i);
        o.changed(NAME, path, ref, null, what + "; removed (--drop-dangling-owners)");
      } else {
        o.kept(NAME, path + ".uid", uid, what + "; kept (--drop-dangling-owners removes it)");
      }
    }
    if (dropDanglingOwners && owners.isEmpty() && md.get("ownerReferences") instanceof List<?>) {
      md.remove("ownerReferences");
    }
  }

  /** References other than owners whose object is not in the selection: kept, reported. */
  private void danglingReferences(RewriteObject o, Map<String, Object> obj) {
    ObjectReferences.forEach(obj, (ref, path) -> check(o, ref, path));
    Map<String, Object> annotations = TreeWalk.map(obj, "metadata", "annotations");
    if (annotations != null && annotations.get(SA_UID_ANNOTATION) instanceof String uid && !selected(uid)) {
      o.kept(NAME, TreeWalk.path("metadata", "annotations", SA_UID_ANNOTATION), uid,
          "service account " + annotations.get("kubernetes.io/service-account.name") + " is not in the selection; kept");
    }
  }

  private void check(RewriteObject o, Map<String, Object> ref, String path) {
    if (ref != null && ref.get("uid") instanceof String uid && !uid.isEmpty() && !selected(uid)) {
      o.kept(NAME, path + ".uid", uid, ref.get("kind") + " " + ref.get("name") + " is not in the selection; kept");
    }
  }


  private boolean selected(String value) {
    return (UidSet.maybeUid(value) || uids.hasOther()) && uids.contains(value);
  }

  /** {@link #selected(String)} of a string's bytes, where every selected uid is a UUID (see {@link #scanChanges}). */
  boolean selected(byte[] buf, int off, int len) {
    return uids.containsUuid(buf, off, len);
  }

  /** Whether {@code buf[off, off + len)} holds a selected uid anywhere (where every selected uid is a UUID). */
  boolean anySelectedIn(byte[] buf, int off, int len) {
    int end = off + len;
    for (int at = UidWindows.next(buf, off, end); at >= 0; at = UidWindows.next(buf, at + 1, end)) {
      if (uids.contains(UidWindows.high(buf, at), UidWindows.low(buf, at))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The changes {@link #apply} would make to the object whose stored bytes (plaintext) are given,
   * found by scanning them ({@link NewUidsScan}) rather than decoding; null when the object must
   * be decoded (dangling owners to drop, a uid that is not a UUID, and the cases the scan leaves).
   */
  List<Change> scanChanges(ValueCodec codec, String etcdKey, byte[] plaintext) {
    NewUidsScan.Result r = scan(codec, etcdKey, plaintext, false);
    return r == null ? null : r.changes();
  }

  /**
   * The changes and the new bytes, from a scan; null when the object must be decoded.
   *
   * @param clearResourceVersions the {@link ResourceVersionRule} applies after this rule: its
   *                              changes follow, and the resourceVersions it clears are cut out
   */
  NewUidsScan.Result scan(ValueCodec codec, String etcdKey, byte[] plaintext, boolean clearResourceVersions) {
    if (dropDanglingOwners || uids.hasOther()) {
      return null;
    }
    return NewUidsScan.scan(this, codec, etcdKey, plaintext, clearResourceVersions);
  }

  /** A managedFields key ({@code k:{...}}, JSON after "k:") with each selected uid replaced. */
  String rewriteUidsIn(String key) {
    StringBuilder out = new StringBuilder(key.length());
    int i = 0;
    while (i < key.length()) {
      int q = key.indexOf('"', i);
      if (q < 0 || q + 37 >= key.length()) {
        out.append(key, i, key.length());
        break;
      }
      String candidate = key.substring(q + 1, q + 37);
      if (key.charAt(q + 37) == '"' && selected(candidate)) {
        out.append(key, i, q + 1).append(newUid(candidate)).append('"');
        i = q + 38;
      } else {
        out.append(key, i, q + 1);
        i = q + 1;
      }
    }
    return out.toString();
  }

  /** The new uid of an old one: a UUIDv4 made of SHA-256(run key, old uid). */
  String newUid(String old) {
    // a digest per thread: MessageDigest.getInstance for each of a few hundred thousand uids cost
    MessageDigest sha = SHA_256.get();
    sha.reset();
    sha.update(runKey);
    byte[] b = sha.digest(old.getBytes(StandardCharsets.UTF_8));
    b[6] = (byte) (b[6] & 0x0f | 0x40); // version 4
    b[8] = (byte) (b[8] & 0x3f | 0x80); // RFC 4122 variant
    byte[] uid = new byte[36];
    for (int i = 0, at = 0; i < 16; i++) {
      if (i == 4 || i == 6 || i == 8 || i == 10) {
        uid[at++] = '-';
      }
      uid[at++] = HEX[(b[i] >> 4) & 0xf];
      uid[at++] = HEX[b[i] & 0xf];
    }
    return new String(uid, StandardCharsets.US_ASCII);
  }

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });
}
