package io.regshift.rewrite;

import io.regshift.kube.ValueCodec;
import io.regshift.kube.proto.StringScan;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * --new-uids on an object's stored protobuf bytes, without decoding it: the strings are scanned
 * ({@link StringScan}) in the order and at the paths the tree walk of {@link NewUidsRule#apply}
 * would meet them, the same changes are listed, and each is made where the scan found it: a new
 * uid has the old one's 36 bytes, so no length moves. With the resourceVersion rule applying too
 * (an Event's involvedObject), the resourceVersions it would clear are cut out of the bytes
 * ({@link FieldCut}). Decoding, walking and encoding were most of the CPU of a snapshot rewrite
 * with --new-uids.
 *
 * <p>The bytes made are those of encoding the changed tree for a value as Go writes it (fields in
 * number order, map entries sorted: every value kube-apiserver stores): the scan visits every
 * string the tree would hold, at its place in the bytes, and nothing else changes. A value in
 * another order keeps it, where encoding would sort it.
 *
 * <p>Only for the plain case; anything else gives null and the object is decoded: a reference the
 * rule would keep and report (a {@code uid} field naming no selected object, empty only in an
 * owner reference; the service-account annotation), a map key the walk could rename, an object
 * without metadata, a backslash-u escape in JSON the scan does not read key by key (a uid could
 * hide in it), a resourceVersion to clear in metadata or out of the rule's order, and whatever the
 * scan leaves to the decoder.
 */
final class NewUidsScan implements StringScan.Visitor {
  /** What the scan found: the changes in the rules' order, and the value with them made (null: none). */
  record Result(List<Change> changes, byte[] value) {}

  private static final List<String> SECRET_DATA = List.of("data", "stringData");
  private static final List<String> CONFIG_MAP_DATA = List.of("data", "binaryData");
  private static final byte[] SA_UID_ANNOTATION = NewUidsRule.SA_UID_ANNOTATION.getBytes(StandardCharsets.US_ASCII);

  private final NewUidsRule rule;
  private final String etcdKey;
  private final byte[] stored;
  private final boolean clearResourceVersions;
  private final List<Change> changes = new ArrayList<>();
  private boolean metadata;
  private String kind;
  private List<String> userData;
  /** The stored bytes with the new uids, made on the first change. */
  private byte[] patched;
  /** The resourceVersion rule's changes and cuts, after --new-uids' in the report. */
  private List<Change> cleared;
  private List<FieldCut.Cut> cuts;
  private long lastReference = -1;

  private NewUidsScan(NewUidsRule rule, String etcdKey, byte[] stored, boolean clearResourceVersions) {
    this.rule = rule;
    this.etcdKey = etcdKey;
    this.stored = stored;
    this.clearResourceVersions = clearResourceVersions;
  }

  /**
   * What --new-uids (and the resourceVersion rule, when it applies) makes of the object, or null
   * when it must be decoded.
   *
   * @param plaintext             the stored value (decrypted)
   * @param clearResourceVersions the resourceVersion rule applies too: the resourceVersions of the
   *                              references it clears ({@link ObjectReferences}) are cut out
   */
  static Result scan(NewUidsRule rule, ValueCodec codec, String etcdKey, byte[] plaintext, boolean clearResourceVersions) {
    NewUidsScan scan = new NewUidsScan(rule, etcdKey, plaintext, clearResourceVersions);
    if (!codec.scanStrings(plaintext, scan) || !scan.metadata) {
      return null; // without metadata the rule leaves the object alone: the decoder's path says so
    }
    byte[] value = scan.patched;
    if (scan.cleared != null) {
      scan.changes.addAll(scan.cleared);
      value = FieldCut.apply(value != null ? value : plaintext, scan.cuts);
    }
    return new Result(scan.changes, value);
  }

  @Override
  public void object(String apiVersion, String kind) {
    this.kind = kind;
    // the walk's user data (NewUidsRule): never references. Read all the same, not passed over: a
    // whole scan is the proof that the value decodes (Rewriter.checkValuesWhileWriting)
    userData = switch (kind) {
      case "Secret" -> SECRET_DATA;
      case "ConfigMap" -> CONFIG_MAP_DATA;
      default -> null;
    };
  }

  private boolean inUserData(StringScan.Path path) {
    return userData != null && path.depth() > 0 && userData.contains(path.key(0));
  }

  @Override
  public void topLevel(String field) {
    metadata |= field.equals("metadata");
  }

  @Override
  public boolean string(StringScan.Path path, byte[] buf, int off, int len) {
    if (inUserData(path)) {
      return true;
    }
    boolean selected = rule.selected(buf, off, len);
    if (clearResourceVersions && len > 0 && "resourceVersion".equals(path.field())) {
      long order = referenceOrder(path);
      if (order >= 0) {
        // one the resourceVersion rule clears: cut out, in the rule's order (ObjectReferences')
        if (selected || order < lastReference || path.fieldStart() < 0) {
          return false;
        }
        lastReference = order;
        return cut(path, buf, off, len);
      }
      if (path.depth() == 2 && "metadata".equals(path.key(0))) {
        return false; // ObjectMeta writes an empty one: encoding keeps the field
      }
    }
    if (!selected && "uid".equals(path.field()) && (len > 0 || ownerReference(path))) {
      return false; // a reference to an object outside the selection: the rule reports it
    }
    if (selected) {
      String old = new String(buf, off, len, StandardCharsets.US_ASCII);
      String now = rule.newUid(old);
      changes.add(new Change(etcdKey, NewUidsRule.NAME, render(path, null), old, now));
      for (int i = 0; i < len; i++) {
        patch()[off + i] = (byte) now.charAt(i);
      }
    }
    return true;
  }

  private byte[] patch() {
    if (patched == null) {
      patched = stored.clone();
    }
    return patched;
  }

  /** The field of the resourceVersion at {@code buf[off, off + len)}, out of the bytes. */
  private boolean cut(StringScan.Path path, byte[] buf, int off, int len) {
    if (cleared == null) {
      cleared = new ArrayList<>(2);
      cuts = new ArrayList<>(2);
    }
    int[] enclosing = new int[path.messages()];
    for (int i = 0; i < enclosing.length; i++) {
      enclosing[i] = path.messageStart(i);
    }
    cuts.add(new FieldCut.Cut(path.fieldStart(), off + len, enclosing));
    cleared.add(new Change(etcdKey, ResourceVersionRule.NAME, render(path, null),
        new String(buf, off, len, StandardCharsets.UTF_8), null));
    return true;
  }

  /**
   * Where a resourceVersion at {@code path} comes in {@link ObjectReferences#forEach}'s order, or
   * -1 when it is not one of the references there (the resourceVersion rule leaves it).
   */
  private long referenceOrder(StringScan.Path path) {
    String first = path.key(0);
    switch (path.depth()) {
      case 2:
        return "involvedObject".equals(first) ? order(1, 0, 0, 0) : "related".equals(first) ? order(2, 0, 0, 0) : -1;
      case 3:
        return "spec".equals(first) && "claimRef".equals(path.key(1)) ? order(0, 0, 0, 0) : -1;
      case 4:
        if ("endpoints".equals(first) && path.key(1) == null && "targetRef".equals(path.key(2)) && "EndpointSlice".equals(kind)) {
          return order(4, path.index(1), 0, 0);
        }
        return "status".equals(first) && "active".equals(path.key(1)) && path.key(2) == null ? order(5, path.index(2), 0, 0) : -1;
      case 6:
        if (!"subsets".equals(first) || path.key(1) != null || path.key(3) != null || !"targetRef".equals(path.key(4))) {
          return -1;
        }
        String list = path.key(2);
        int which = "addresses".equals(list) ? 0 : "notReadyAddresses".equals(list) ? 1 : -1;
        return which < 0 ? -1 : order(3, path.index(1), which, path.index(3));
      default:
        return -1;
    }
  }

  private static long order(int group, int outer, int list, int inner) {
    return (long) group << 60 | (long) Math.min(outer, (1 << 27) - 1) << 32 | (long) list << 31 | inner;
  }

  @Override
  public boolean mapKey(StringScan.Path path, byte[] buf, int off, int len) {
    // a key the walk would rewrite (k:{...}), or the token Secret's annotation (kept and reported,
    // or the token removed): the decoder's path
    return inUserData(path) || !startsWithManagedKey(buf, off, len)
        && !java.util.Arrays.equals(buf, off, off + len, SA_UID_ANNOTATION, 0, SA_UID_ANNOTATION.length);
  }

  /**
   * managedFields' JSON is read only where it holds a selected uid: elsewhere the walk changes
   * nothing in it, whatever its keys. A backslash-u could hide a uid: JSON with one is read too,
   * and the scan stops at the escape.
   */
  @Override
  public boolean readsFieldsV1(byte[] buf, int off, int len) {
    return rule.anySelectedIn(buf, off, len) || UidPatch.hasJsonEscape(buf, off, off + len);
  }

  /** A RawExtension's JSON, which the walk reads: the decoder's, where a selected uid may be in it. */
  @Override
  public boolean opaqueJson(byte[] buf, int off, int len) {
    return !rule.anySelectedIn(buf, off, len) && !UidPatch.hasJsonEscape(buf, off, off + len);
  }

  @Override
  public boolean jsonKey(StringScan.Path path, byte[] buf, int off, int len) {
    if (!startsWithManagedKey(buf, off, len) || !rule.anySelectedIn(buf, off, len)) {
      return true; // the walk renames a key only where a selected uid is in it, as its bytes are
    }
    String key = StringScan.jsonKey(buf, off, len);
    if (!key.contains("\"uid\"")) {
      return true;
    }
    String renamed = rule.rewriteUidsIn(key);
    if (!renamed.equals(key)) {
      changes.add(new Change(etcdKey, NewUidsRule.NAME, render(path, key) + " (key)", key, renamed));
      // the key's text against its bytes: a character each, but for the escapes \" and \\ (the
      // only ones the scan takes); a uid is hex digits and dashes, never escaped
      for (int i = off, c = 0; i < off + len; i++, c++) {
        if (buf[i] == '\\') {
          i++;
        } else if (key.charAt(c) != renamed.charAt(c)) {
          patch()[i] = (byte) renamed.charAt(c);
        }
      }
    }
    return true;
  }

  /**
   * metadata.ownerReferences[i].uid: an owner the rule reports even when its uid is empty (other
   * references only when it is not; a pod template's empty metadata.uid is no reference at all).
   */
  private static boolean ownerReference(StringScan.Path path) {
    return path.depth() == 4 && "metadata".equals(path.key(0)) && "ownerReferences".equals(path.key(1))
        && path.key(2) == null;
  }

  private static boolean startsWithManagedKey(byte[] buf, int off, int len) {
    return len >= 3 && buf[off] == 'k' && buf[off + 1] == ':' && buf[off + 2] == '{';
  }

  /** The path as the tree walk writes it, with {@code last} as one more key when not null. */
  private static String render(StringScan.Path path, String last) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < path.depth(); i++) {
      String key = path.key(i);
      if (key == null) {
        b.append('[').append(path.index(i)).append(']');
      } else {
        TreeWalk.appendField(b, key);
      }
    }
    if (last != null) {
      TreeWalk.appendField(b, last);
    }
    return b.toString();
  }
}
