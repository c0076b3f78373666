package io.regshift.rewrite;

import io.regshift.etcd.MvccEntry;
import io.regshift.kube.Cbor;
import io.regshift.kube.Encoding;
import io.regshift.kube.Json;
import io.regshift.kube.RegistryKey;
import io.regshift.kube.RegistryKeys;
import io.regshift.kube.ResourceCatalog;
import io.regshift.kube.StoredValue;
import io.regshift.kube.ValueCodec;
import io.regshift.sink.OrderedParallelMap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The rewrite engine: an ordered list of rules applied to each selected entry on its way to a
 * sink. Entries no rule may change pass through untouched and undecoded; the others are decoded
 * losslessly, changed in place, and encoded again in their stored form only when a rule changed
 * them, so everything unchanged keeps its exact bytes.
 *
 * <p>Use: {@link #survey(Supplier)} over the selected entries (a first pass over the source:
 * rules such as --new-uids must see every object first, and values a rule would change but
 * cannot be rewritten, encrypted or undecodable, are found there, before anything is written),
 * then {@link #rewrite} per entry, from any number of threads.
 */
public final class Rewriter {
  /** Problems quoted in the error of {@link #survey}; the rest are counted. */
  private static final int QUOTED = 5;

  private final List<RewriteRule> rules;
  private final ValueCodec codec;
  private final String prefix;
  private final ResourceCatalog catalog;
  private final boolean writesStoredValues;
  private final List<String> problems = new ArrayList<>();
  private long problemCount;
  private long surveyed;
  private boolean planned;

  /** What became of one entry. */
  public record Result(MvccEntry source, MvccEntry output, List<Change> changes) {
    /** True when a rule left the entry out of the output. */
    public boolean dropped() {
      return output == null;
    }

    /** True when the output differs from the source (key or value). */
    public boolean changed() {
      return output != source;
    }
  }

  /** What the first pass learned of one entry (made on a pool thread). */
  public record Peek(MvccEntry entry, RegistryKey key, Map<String, Object> object, String problem) {}

  /**
   * @param rules              in the order they apply (see docs/rewrite.md)
   * @param codec              decodes stored values (with a decryptor where the command has one)
   * @param prefix             the source's --prefix
   * @param writesStoredValues true for sinks that store values (etcd, archive, snapshot): a value
   *                           that stays encrypted cannot be changed there, even when decrypted,
   *                           as long as regshift cannot encrypt it again
   */
  public Rewriter(List<RewriteRule> rules, ValueCodec codec, String prefix, ResourceCatalog catalog,
      boolean writesStoredValues) {
    this.rules = List.copyOf(rules);
    this.codec = codec;
    this.prefix = prefix;
    this.catalog = catalog;
    this.writesStoredValues = writesStoredValues;
  }

  /** A rewriter with no rules: every entry passes through. */
  public static Rewriter none() {
    return new Rewriter(List.of(), ValueCodec.builtin(), "/registry", ResourceCatalog.builtin(), false);
  }

  /** False when there is nothing to do: commands then skip the first pass. */
  public boolean active() {
    return !rules.isEmpty();
  }

  public List<RewriteRule> rules() {
    return rules;
  }

  /** Entries the first pass saw. */
  public long surveyed() {
    return surveyed;
  }

  /**
   * The first pass: every selected entry, decoded on every core where a rule needs it, then each
   * rule's plan. Nothing has been written when it throws.
   *
   * @param next the next selected entry, null at the end
   * @throws RewriteException naming the values that cannot be rewritten, or from a rule's plan
   */
  public void survey(Supplier<MvccEntry> next) {
    if (planned) {
      throw new IllegalStateException("survey after plan");
    }
    if (active()) {
      OrderedParallelMap.run(next, this::peek, this::take);
    }
    plan();
  }

  /** Decodes what the first pass needs of one entry; thread-safe. */
  public Peek peek(MvccEntry e) {
    RegistryKey key = RegistryKeys.parse(e.keyString(), prefix, catalog);
    if (!key.inRegistry() || e.deleted()) {
      return new Peek(e, key, null, null);
    }
    boolean changes = false;
    RewriteRule changer = null;
    for (RewriteRule r : rules) {
      if (r.mayChange(key, e.value())) {
        changes = true;
        changer = changer == null ? r : changer;
      }
    }
    boolean surveyValue = false;
    for (RewriteRule r : rules) {
      surveyValue |= r.needsSurvey() && r.surveyNeedsValue();
    }
    if (!changes && !surveyValue) {
      return new Peek(e, key, null, null);
    }
    StoredValue v = head(e);
    String problem = null;
    if (changes) {
      if (writesStoredValues && v.encryption() != null) {
        problem = e.keyString() + ": --" + changer.name() + " would rewrite it, but it is stored encrypted ("
            + v.storedAs() + ") and writing re-encrypted values is not supported yet; leave it out (-n, --kind)";
      } else if (!v.ok()) {
        problem = e.keyString() + ": --" + changer.name() + " would rewrite it, but " + v.error();
      }
    }
    return new Peek(e, key, v.ok() ? v.object() : null, problem);
  }

  /**
   * The metadata a survey needs. For now the whole value, decoded for display; this is the one
   * place to swap for a metadata-only peek (uid, name, namespace, ownerReferences).
   */
  private StoredValue head(MvccEntry e) {
    return codec.decode(e.keyString(), e.value(), false);
  }

  /** The sequential half of the first pass: the rules see the entry, in key order. */
  public void take(Peek p) {
    surveyed++;
    if (p.problem() != null) {
      if (problems.size() < QUOTED) {
        problems.add(p.problem());
      }
      problemCount++;
    }
    if (!p.key().inRegistry() || p.entry().deleted()) {
      return;
    }
    RewriteObject o = new RewriteObject(p.entry(), p.key(), p.object(), c -> {});
    for (RewriteRule r : rules) {
      if (r.needsSurvey()) {
        r.survey(o);
      }
    }
  }

  /** After the survey: refuses values that cannot be rewritten, then each rule plans. */
  public void plan() {
    if (problemCount > 0) {
      throw new RewriteException(problemCount + (problemCount == 1 ? " object" : " objects")
          + " cannot be rewritten, nothing written: " + String.join("; ", problems)
          + (problemCount > problems.size() ? "; and " + (problemCount - problems.size()) + " more" : ""));
    }
    for (RewriteRule r : rules) {
      r.plan();
    }
    planned = true;
  }

  /**
   * One entry through the rules; thread-safe once planned.
   *
   * @throws RewriteException when a changed object cannot be encoded again, or a value the first
   *                          pass did not see cannot be decoded
   */
  public Result rewrite(MvccEntry e) {
    if (!active()) {
      return new Result(e, e, List.of());
    }
    if (!planned) {
      throw new IllegalStateException("rewrite before the survey and plan");
    }
    RegistryKey key = RegistryKeys.parse(e.keyString(), prefix, catalog);
    if (!key.inRegistry() || e.deleted()) {
      return new Result(e, e, List.of());
    }
    List<RewriteRule> applicable = null;
    for (RewriteRule r : rules) {
      if (r.mayChange(key, e.value())) {
        if (applicable == null) {
          applicable = new ArrayList<>(rules.size());
        }
        applicable.add(r);
      }
    }
    if (applicable == null) {
      return new Result(e, e, List.of());
    }
    StoredValue v = codec.decode(e.keyString(), e.value(), true);
    if (!v.ok() || writesStoredValues && v.encryption() != null) {
      throw new RewriteException(e.keyString() + ": cannot be rewritten: "
          + (v.ok() ? "it is stored encrypted" : v.error()) + " (the source changed since the first pass?)");
    }
    List<Change> changes = new ArrayList<>();
    RewriteObject o = new RewriteObject(e, key, v.object(), changes::add);
    for (RewriteRule r : applicable) {
      r.apply(o);
      if (o.isDropped()) {
        return new Result(e, null, changes);
      }
    }
    if (!o.isChanged()) {
      return new Result(e, e, changes); // notes only: the stored bytes stay
    }
    byte[] value;
    try {
      value = encode(v.encoding(), o.object());
    } catch (IllegalArgumentException | IllegalStateException ex) {
      throw new RewriteException(e.keyString() + ": cannot encode the rewritten object: " + ex.getMessage());
    }
    byte[] newKey = o.key().key().getBytes(StandardCharsets.UTF_8);
    return new Result(e, new MvccEntry(newKey, value, e.createRevision(), e.modRevision(), e.version(), e.lease(),
        e.deleted(), e.deleteRevision()), changes);
  }

  /** The object in the form it was stored in: protobuf envelope, JSON (struct order kept), CBOR. */
  private byte[] encode(Encoding stored, Map<String, Object> object) {
    return switch (stored) {
      case PROTOBUF -> codec.encodeProtobuf(object);
      case JSON -> (Json.writeRecord(object, false) + "\n").getBytes(StandardCharsets.UTF_8);
      case CBOR -> Cbor.encode(object);
      default -> throw new IllegalArgumentException("a " + stored.label() + " value cannot be encoded again");
    };
  }
}
