package io.regshift.rewrite;

import io.regshift.etcd.MvccEntry;
import io.regshift.kube.Cbor;
import io.regshift.kube.Encoding;
import io.regshift.kube.Json;
import io.regshift.kube.ObjectHead;
import io.regshift.kube.RegistryKey;
import io.regshift.kube.RegistryKeys;
import io.regshift.kube.ResourceCatalog;
import io.regshift.kube.StoredValue;
import io.regshift.kube.ValueCodec;
import io.regshift.kube.proto.StringScan;
import io.regshift.rewrite.RewriteRule.SurveyNeed;
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
 * then {@link #rewrite} per entry, from any number of threads. For a sink whose output is kept only
 * when it is complete (a snapshot file), {@link #checkValuesWhileWriting} leaves that check to the
 * second pass, which reads every such value anyway; {@link #finish} then refuses the output.
 *
 * <p>Values encrypted at rest: the codec's decryptor (the source's --encryption-config) opens them
 * with the key they are stored under, and the rules see, search and change the plaintext. A changed
 * value comes out as plaintext in {@link Result#output()}: a sink that stores values encrypts it
 * again for its new key ({@code TargetEncryption.rewritten}, with the source value as read in
 * {@link Result#source()}). An encrypted value a rule would change that cannot be decrypted is
 * refused in the first pass.
 */
public final class Rewriter {
  /** Problems quoted in the error of {@link #survey}; the rest are counted. */
  private static final int QUOTED = 5;

  private final List<RewriteRule> rules;
  private final ValueCodec codec;
  private final String prefix;
  private final ResourceCatalog catalog;
  private final boolean writesStoredValues;
  private final InPlace inPlace;
  /** The problems quoted: those of the first keys (the second pass meets them in revision order). */
  private final java.util.TreeMap<String, String> problems = new java.util.TreeMap<>();
  private long problemCount;
  private long surveyed;
  private boolean planned;
  private boolean checksWhileWriting;

  /**
   * How the new bytes of an object --new-uids alone changes are made (tests compare the three):
   * NEVER encodes the changed tree; AFTER_DECODE patches the uids into the stored bytes after
   * decoding and walking ({@link UidPatch}); SCAN makes the changes a scan of the bytes found ({@link
   * NewUidsScan}, with the resourceVersion rule's too) without decoding, and where the scan cannot
   * stand for the decode, does as AFTER_DECODE.
   */
  enum InPlace {
    NEVER, AFTER_DECODE, SCAN
  }

  /**
   * What became of one entry.
   *
   * @param source  the entry as read
   * @param output  the entry to write (null: dropped); {@code source} itself when unchanged. For a
   *                rewriter that writes no stored values (export), a changed entry has the new key
   *                but keeps the source's value bytes: the rewritten object is {@code decoded}. A
   *                changed value that was stored encrypted is plaintext here (see {@link #encryptedSource()})
   * @param changes what the rules did, for the report
   * @param decoded the object after the rules, when it was decoded (lossless for a rewriter that
   *                writes stored values, as kubectl shows objects otherwise); null when not decoded
   * @param problem why a value a rule would change cannot be rewritten, found in the second pass
   *                ({@link #checkValuesWhileWriting}): the entry passes unchanged, and the output
   *                must not be kept (see {@link #record}); null otherwise
   */
  public record Result(MvccEntry source, MvccEntry output, List<Change> changes, StoredValue decoded, String problem) {
    public Result(MvccEntry source, MvccEntry output, List<Change> changes) {
      this(source, output, changes, null, null);
    }

    public Result(MvccEntry source, MvccEntry output, List<Change> changes, StoredValue decoded) {
      this(source, output, changes, decoded, null);
    }

    /** True when a rule left the entry out of the output. */
    public boolean dropped() {
      return output == null;
    }

    /** True when the output differs from the source (key or value). */
    public boolean changed() {
      return output != source;
    }

    /**
     * True when the output is the new plaintext of a value stored encrypted: a sink that stores
     * values must encrypt it again before writing it.
     */
    public boolean encryptedSource() {
      // export's output keeps the source's bytes (the object is in decoded): nothing to encrypt there
      return changed() && output != null && output.value() != source.value()
          && Encoding.sniff(source.value()) == Encoding.ENCRYPTED;
    }
  }

  /**
   * What the first pass learned of one entry (made on a pool thread): as much as the rules asked
   * for (see {@link RewriteRule#surveyNeed}), object and head null where none did.
   */
  public record Peek(MvccEntry entry, RegistryKey key, Map<String, Object> object, ObjectHead head, String problem) {}

  /**
   * @param rules              in the order they apply (see docs/rewrite.md)
   * @param codec              decodes stored values (with a decryptor where the command has one)
   * @param prefix             the source's --prefix
   * @param writesStoredValues true for sinks that store values (etcd, archive, snapshot): changed
   *                           objects are encoded again in their stored form (a value stored
   *                           encrypted as plaintext, which the sink encrypts again)
   */
  public Rewriter(List<RewriteRule> rules, ValueCodec codec, String prefix, ResourceCatalog catalog,
      boolean writesStoredValues) {
    this(rules, codec, prefix, catalog, writesStoredValues, InPlace.SCAN);
  }

  /** @param inPlace how --new-uids' changes are written (tests: every way gives the same) */
  Rewriter(List<RewriteRule> rules, ValueCodec codec, String prefix, ResourceCatalog catalog, boolean writesStoredValues,
      InPlace inPlace) {
    this.rules = List.copyOf(rules);
    this.codec = codec;
    this.prefix = prefix;
    this.catalog = catalog;
    this.writesStoredValues = writesStoredValues;
    this.inPlace = inPlace;
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

  /**
   * For a sink that keeps its output only when it is complete, and writes stored values: the first
   * pass does not read the values a rule may change to find those that cannot be rewritten; the
   * second reads each of them anyway (a whole scan or a decode), and reports the ones that cannot
   * as {@link Result#problem}, to be {@link #record}ed on the writing thread, and the sink calls
   * {@link #finish} before it keeps anything. What the user sees is the same error, listing the
   * same values, after the write instead of before it; the first pass of a snapshot rewrite with
   * --new-uids read every value in full for it.
   */
  public void checkValuesWhileWriting() {
    if (surveyed > 0 || planned) {
      throw new IllegalStateException("checkValuesWhileWriting after the survey");
    }
    checksWhileWriting = writesStoredValues;
  }

  /** True after {@link #checkValuesWhileWriting}. */
  public boolean checksValuesWhileWriting() {
    return checksWhileWriting;
  }

  /**
   * After a first pass that left values to the second ({@link #checkValuesWhileWriting}) but refused
   * some all the same: the same entries again, every value a rule may change read in full, as a
   * first pass without it reads them; throws the refusal naming them all ({@code refused} if the
   * source no longer gives any, or when no value was refused: a rule's plan refused).
   */
  public void refuseAll(Supplier<MvccEntry> again, RewriteException refused) {
    if (problemCount == 0) {
      throw refused; // a rule's plan refused (a range too small, ...): no value to look at again
    }
    problems.clear();
    problemCount = 0;
    checksWhileWriting = false;
    OrderedParallelMap.run(again, this::peek, p -> {
      if (p.problem() != null) {
        problem(p.entry().keyString(), p.problem());
      }
    });
    refuseProblems();
    throw refused;
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

  /**
   * As {@link #survey}, from loaders ({@link io.regshift.etcd.EntryReader#nextLoader}) called on
   * the pool's threads: a snapshot file's values are copied out of it on every core (that copy was
   * most of the reading thread's work, and the first pass waited on it).
   */
  public void surveyLoaded(Supplier<Supplier<MvccEntry>> next) {
    if (planned) {
      throw new IllegalStateException("survey after plan");
    }
    if (active()) {
      OrderedParallelMap.run(next, loader -> peek(loader.get()), this::take);
    }
    plan();
  }

  /**
   * Reads what the first pass needs of one entry; thread-safe. A value a rule would rewrite but
   * that cannot be read is a problem, and stops a sink that stores values before it writes
   * anything; an export leaves it to the second pass, where it is one more object that cannot be
   * decoded (reported, counted; --strict stops there). That is what the rules' {@link
   * RewriteRule#surveyNeed} asks for, and, when a rule may change the entry, enough to know that
   * it can be rewritten: for a sink that stores values the whole value, decoded (it is encoded
   * again); for export its metadata head (encryption, envelope, metadata), so that an export with
   * --new-uids does not decode every object twice.
   */
  public Peek peek(MvccEntry e) {
    RegistryKey key = RegistryKeys.parse(e.keyString(), prefix, catalog);
    if (!key.inRegistry() || e.deleted()) {
      return new Peek(e, key, null, null, null);
    }
    SurveyNeed need = SurveyNeed.NONE;
    for (RewriteRule r : rules) {
      SurveyNeed n = r.surveyNeed(key);
      need = n.compareTo(need) > 0 ? n : need;
    }
    // which rule may change the entry is asked only where it decides what is read, or when the
    // value cannot be read: a byte search (--map-namespace) over every value costs
    boolean decoded = need.compareTo(SurveyNeed.FIELDS) >= 0; // the rules survey the object
    boolean readsAnyway = decoded || need == SurveyNeed.HEAD && !writesStoredValues;
    // which rule comes first (named in a problem) is asked of the value only when no rule may
    // change the entry whatever its value (--new-uids may change every object)
    RewriteRule changer = null;
    boolean mayChange = !readsAnyway && (anyChangesWhateverTheValue(key) || (changer = changer(key, e)) != null);
    boolean decode = decoded || mayChange && writesStoredValues && !checksWhileWriting;
    boolean readHead = need == SurveyNeed.HEAD || mayChange && !decode && !checksWhileWriting;
    if (!decode && !readHead) {
      return new Peek(e, key, null, null, null);
    }
    String problem = null;
    Map<String, Object> object = null;
    if (decode && !decoded && codec.scanStrings(searchable(e), StringScan.NOTHING)) {
      decode = false; // it decodes: a scan that reads every byte as the decoder does says so for less
    }
    if (decode) {
      // a rule that surveys objects gets the object (its embedded JSON parsed only for OBJECT:
      // managedFields was most of decoding the Services --service-cidr surveys); for the rest,
      // that it decodes is enough
      StoredValue v = need == SurveyNeed.OBJECT ? head(e) : codec.check(e.keyString(), e.value());
      if (!v.ok() && writesStoredValues) {
        // undecodable, or encrypted under a key the configuration lacks (or without one)
        changer = changer != null ? changer : changer(key, e);
        if (changer != null) {
          problem = e.keyString() + ": --" + changer.name() + " would rewrite it, but " + v.error();
        }
      }
      object = v.ok() && decoded ? v.object() : null;
    }
    ObjectHead head = null;
    if (readHead || decoded && object != null && anyNeeds(key, SurveyNeed.HEAD)) {
      try {
        head = ObjectHead.read(e.keyString(), e.value(), codec);
      } catch (IllegalArgumentException unreadable) {
        changer = changer != null || !writesStoredValues ? changer : changer(key, e);
        if (changer != null && problem == null && writesStoredValues) {
          // in the words of the check the first pass makes without checksWhileWriting
          StoredValue checked = checksWhileWriting ? codec.check(e.keyString(), e.value()) : null;
          problem = e.keyString() + ": --" + changer.name() + " would rewrite it, but "
              + (checked != null && !checked.ok() ? checked.error() : unreadable.getMessage());
        }
      }
    }
    return new Peek(e, key, object, head, problem);
  }

  /** The first rule that may change the entry (named in a problem), or null. */
  private RewriteRule changer(RegistryKey key, MvccEntry e) {
    byte[] searched = searchable(e);
    for (RewriteRule r : rules) {
      if (r.mayChange(key, searched)) {
        return r;
      }
    }
    return null;
  }

  private boolean anyChangesWhateverTheValue(RegistryKey key) {
    for (RewriteRule r : rules) {
      if (r.mayChangeWhateverTheValue(key)) {
        return true;
      }
    }
    return false;
  }

  private boolean anyNeeds(RegistryKey key, SurveyNeed need) {
    for (RewriteRule r : rules) {
      if (r.surveyNeed(key) == need) {
        return true;
      }
    }
    return false;
  }

  /**
   * The whole value, decoded for display, for rules that survey objects and for a sink that
   * stores values, which must be able to encode again what a rule would change.
   */
  private StoredValue head(MvccEntry e) {
    return codec.decode(e.keyString(), e.value(), false);
  }

  /**
   * The bytes the rules search (a byte search rules most objects out before anything is decoded):
   * the plaintext of a value stored encrypted when the codec can decrypt it, else the value as
   * stored (a rule then goes by the key alone, as nothing can be found in ciphertext).
   */
  private byte[] searchable(MvccEntry e) {
    byte[] value = e.value();
    if (!codec.decrypts() || Encoding.sniff(value) != Encoding.ENCRYPTED) {
      return value;
    }
    try {
      return codec.plaintext(e.keyString(), value);
    } catch (IllegalArgumentException cannotDecrypt) {
      return value; // decoding fails the same way and names the cause
    }
  }

  /** The sequential half of the first pass: the rules see the entry, in key order. */
  public void take(Peek p) {
    surveyed++;
    if (p.problem() != null) {
      problem(p.entry().keyString(), p.problem());
    }
    if (!p.key().inRegistry() || p.entry().deleted()) {
      return;
    }
    RewriteObject o = new RewriteObject(p.entry(), p.key(), p.object(), p.head(), c -> {});
    for (RewriteRule r : rules) {
      if (r.surveyNeed(p.key()) != SurveyNeed.NONE) {
        r.survey(o);
      }
    }
  }

  private void problem(String key, String problem) {
    problems.put(key, problem);
    if (problems.size() > QUOTED) {
      problems.pollLastEntry();
    }
    problemCount++;
  }

  /** Counts a result's problem (see {@link #checkValuesWhileWriting}); on the writing thread, in key order. */
  public void record(Result r) {
    if (r.problem() != null) {
      problem(r.source().keyString(), r.problem());
    }
  }

  /**
   * After the last entry of the second pass, before the sink keeps its output: refuses it when a
   * value a rule would change could not be rewritten ({@link #checkValuesWhileWriting}).
   *
   * @throws RewriteException as {@link #survey} does
   */
  public void finish() {
    refuseProblems();
  }

  private void refuseProblems() {
    if (problemCount > 0) {
      throw new RewriteException(problemCount + (problemCount == 1 ? " object" : " objects")
          + " cannot be rewritten, nothing written: " + String.join("; ", problems.values())
          + (problemCount > problems.size() ? "; and " + (problemCount - problems.size()) + " more" : ""));
    }
  }

  /** After the survey: refuses values that cannot be rewritten, then each rule plans. */
  public void plan() {
    refuseProblems();
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
    byte[] searched = searchable(e);
    for (RewriteRule r : rules) {
      if (r.mayChange(key, searched)) {
        if (applicable == null) {
          applicable = new ArrayList<>(rules.size());
        }
        applicable.add(r);
      }
    }
    if (applicable == null) {
      return new Result(e, e, List.of());
    }
    if (inPlace == InPlace.SCAN && writesStoredValues && applicable.get(0) instanceof NewUidsRule uids
        && (applicable.size() == 1 || applicable.size() == 2 && applicable.get(1) instanceof ResourceVersionRule)) {
      Result scanned = scanned(e, uids, searched, applicable.size() == 2);
      if (scanned != null) {
        return scanned;
      }
    }
    // lossless only where the object is encoded again; export renders the display form directly
    StoredValue v = codec.decode(e.keyString(), e.value(), writesStoredValues);
    if (!v.ok() && checksWhileWriting) {
      // in the first pass's words: its check, not the lossless decode, which words some errors otherwise
      StoredValue checked = codec.check(e.keyString(), e.value());
      return new Result(e, e, List.of(), null, e.keyString() + ": --" + applicable.get(0).name() + " would rewrite it, but "
          + (checked.ok() ? v.error() : checked.error()));
    }
    if (!v.ok()) {
      throw new RewriteException(e.keyString() + ": cannot be rewritten: " + v.error()
          // an export's first pass reads only the metadata of what it does not survey
          + (writesStoredValues ? " (the source changed since the first pass?)" : ""));
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
      return new Result(e, e, changes, v); // notes only: the stored bytes stay
    }
    StoredValue after = new StoredValue(v.encoding(), stringOr(o.object().get("apiVersion"), v.apiVersion()),
        stringOr(o.object().get("kind"), v.kind()), o.object(), null, v.warnings(), v.encryption(), v.size());
    byte[] newKey = o.key().key().getBytes(StandardCharsets.UTF_8);
    if (!writesStoredValues) {
      return new Result(e, new MvccEntry(newKey, e.value(), e.createRevision(), e.modRevision(), e.version(), e.lease(),
          e.deleted(), e.deleteRevision()), changes, after);
    }
    // uids replaced in place where that is provably what encoding gives (--new-uids alone)
    byte[] value = inPlace != InPlace.NEVER && o.key().key().equals(key.key()) ? UidPatch.apply(searched, changes) : null;
    if (value == null) {
      try {
        value = encode(v.encoding(), o.object());
      } catch (IllegalArgumentException | IllegalStateException ex) {
        throw new RewriteException(e.keyString() + ": cannot encode the rewritten object: " + ex.getMessage());
      }
    }
    return new Result(e, new MvccEntry(newKey, value, e.createRevision(), e.modRevision(), e.version(), e.lease(),
        e.deleted(), e.deleteRevision()), changes, after);
  }

  /**
   * --new-uids alone (or with the resourceVersion rule after it), from a scan of the stored bytes:
   * the changes the decode and walk would make, made in the bytes; null where the object must be
   * decoded. No decoded tree comes with the result: only export shows one, and export does not
   * write stored values.
   */
  private Result scanned(MvccEntry e, NewUidsRule uids, byte[] searched, boolean clearResourceVersions) {
    NewUidsScan.Result scan = uids.scan(codec, e.keyString(), searched, clearResourceVersions);
    if (scan == null) {
      return null;
    }
    if (scan.value() == null) {
      return new Result(e, e, scan.changes());
    }
    return new Result(e, new MvccEntry(e.key(), scan.value(), e.createRevision(), e.modRevision(), e.version(), e.lease(),
        e.deleted(), e.deleteRevision()), scan.changes());
  }

  private static String stringOr(Object value, String otherwise) {
    return value instanceof String s ? s : otherwise;
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
