package io.regshift.rewrite;

import io.regshift.kube.ValueCodec;
import io.regshift.kube.proto.StringScan;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * --new-uids on an object's stored protobuf bytes, without decoding it: the strings are scanned
 * ({@link StringScan}) in the order and at the paths the tree walk of {@link NewUidsRule#apply}
 * would meet them, the same changes are listed, and {@link UidPatch} writes them into the bytes.
 * Decoding and walking was most of the CPU of a snapshot rewrite with --new-uids.
 *
 * <p>Only for the plain case; anything else gives null and the object is decoded: a reference the
 * rule would keep and report (a {@code uid} field naming no selected object, empty only in an
 * owner reference; the service-account annotation), a map key the walk could rename, an object
 * without metadata, a backslash-u escape anywhere, and whatever the scan leaves to the decoder.
 */
final class NewUidsScan implements StringScan.Visitor {
  private static final List<String> SECRET_DATA = List.of("data", "stringData");
  private static final List<String> CONFIG_MAP_DATA = List.of("data", "binaryData");
  private static final byte[] SA_UID_ANNOTATION = NewUidsRule.SA_UID_ANNOTATION.getBytes(StandardCharsets.US_ASCII);

  private final NewUidsRule rule;
  private final String etcdKey;
  private final boolean noResourceVersions;
  private final List<Change> changes = new ArrayList<>();
  private boolean metadata;

  private NewUidsScan(NewUidsRule rule, String etcdKey, boolean noResourceVersions) {
    this.rule = rule;
    this.etcdKey = etcdKey;
    this.noResourceVersions = noResourceVersions;
  }

  /**
   * The changes --new-uids makes to the object, in the walk's order, or null when it must be
   * decoded.
   *
   * @param plaintext          the stored value (decrypted)
   * @param noResourceVersions also null where a resourceVersion field is not empty: with the
   *                           resourceVersion rule applying too, the object is then decoded (that
   *                           rule clears them; where all are empty it changes nothing)
   */
  static List<Change> changes(NewUidsRule rule, ValueCodec codec, String etcdKey, byte[] plaintext,
      boolean noResourceVersions) {
    if (UidPatch.hasJsonEscape(plaintext)) {
      return null; // a uid could hide in an escape; and managedFields' JSON is passed over below only without one
    }
    NewUidsScan scan = new NewUidsScan(rule, etcdKey, noResourceVersions);
    if (!codec.scanStrings(plaintext, scan) || !scan.metadata) {
      return null; // without metadata the rule leaves the object alone: the decoder's path says so
    }
    return scan.changes;
  }

  @Override
  public List<String> skip(String apiVersion, String kind) {
    // the walk's user data (NewUidsRule): never references
    return switch (kind) {
      case "Secret" -> SECRET_DATA;
      case "ConfigMap" -> CONFIG_MAP_DATA;
      default -> null;
    };
  }

  @Override
  public void topLevel(String field) {
    metadata |= field.equals("metadata");
  }

  @Override
  public boolean string(StringScan.Path path, byte[] buf, int off, int len) {
    if (noResourceVersions && len > 0 && "resourceVersion".equals(path.field())) {
      return false;
    }
    boolean selected = rule.selected(buf, off, len);
    if (!selected && "uid".equals(path.field()) && (len > 0 || ownerReference(path))) {
      return false; // a reference to an object outside the selection: the rule reports it
    }
    if (selected) {
      String old = new String(buf, off, len, StandardCharsets.US_ASCII);
      changes.add(new Change(etcdKey, NewUidsRule.NAME, render(path, null), old, rule.newUid(old)));
    }
    return true;
  }

  @Override
  public boolean mapKey(StringScan.Path path, byte[] buf, int off, int len) {
    // a key the walk would rewrite (k:{...}), or the token Secret's annotation (kept and reported,
    // or the token removed): the decoder's path
    return !startsWithManagedKey(buf, off, len)
        && !java.util.Arrays.equals(buf, off, off + len, SA_UID_ANNOTATION, 0, SA_UID_ANNOTATION.length);
  }

  /**
   * managedFields' JSON is read only where it holds a selected uid: elsewhere the walk changes
   * nothing in it (a uid cannot hide in an escape: see {@link #changes}), whatever its keys.
   */
  @Override
  public boolean readsFieldsV1(byte[] buf, int off, int len) {
    return rule.anySelectedIn(buf, off, len);
  }

  @Override
  public boolean jsonKey(StringScan.Path path, byte[] buf, int off, int len) {
    if (!startsWithManagedKey(buf, off, len)) {
      return true;
    }
    String key = StringScan.jsonKey(buf, off, len);
    if (!key.contains("\"uid\"")) {
      return true;
    }
    String renamed = rule.rewriteUidsIn(key);
    if (!renamed.equals(key)) {
      changes.add(new Change(etcdKey, NewUidsRule.NAME, render(path, key) + " (key)", key, renamed));
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
