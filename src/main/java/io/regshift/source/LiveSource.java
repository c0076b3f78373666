package io.regshift.source;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Response;
import io.etcd.jetcd.cluster.Member;
import io.etcd.jetcd.cluster.MemberListResponse;
import io.etcd.jetcd.options.GetOption;
import io.regshift.etcd.ClusterInfo;
import io.regshift.etcd.ConnectionSettings;
import io.regshift.etcd.EntryReader;
import io.regshift.etcd.EtcdConnection;
import io.regshift.etcd.KeyHistory;
import io.regshift.etcd.KeyRange;
import io.regshift.etcd.MvccEntry;
import io.regshift.etcd.PagedRange;
import io.regshift.etcd.ReadView;
import io.regshift.etcd.RevisionCompactedException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/**
 * A running etcd cluster. Reads are consistent: the head revision is taken once, when the source
 * is opened, and every read pages through its range at exactly that revision (or at the one asked
 * for), so writes made meanwhile never show.
 */
public final class LiveSource implements Source {
  /** Keys per page unless told otherwise. */
  public static final int DEFAULT_PAGE_SIZE = 500;

  /**
   * How to read.
   *
   * @param pageSize keys per request at most
   * @param homeKey  a key the user may read (the prefix's, e.g. "/registry/"): the first request
   *                 reads it to learn the revision, so a user allowed only the prefix can connect
   */
  public record Options(int pageSize, String homeKey) {}

  private final EtcdConnection connection;
  private final Options options;
  private long revision;
  private long clusterId;
  private long compactRevision = -1;

  private LiveSource(EtcdConnection connection, Options options) {
    this.connection = connection;
    this.options = options;
  }

  /** Connects and pins the current revision; fails in one line when no endpoint answers. */
  public static LiveSource open(ConnectionSettings settings, Options options) {
    if (options.pageSize() < 1) {
      throw new SourceException("--page-size must be at least 1, not " + options.pageSize());
    }
    EtcdConnection c = EtcdConnection.open(settings);
    LiveSource s = new LiveSource(c, options);
    try {
      s.pin();
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
    return s;
  }

  /** Takes the cluster's current revision as the one every later read sees. */
  public void pin() {
    Response.Header h = connection.header(options.homeKey());
    revision = h.getRevision();
    clusterId = h.getClusterId();
  }

  public EtcdConnection connection() {
    return connection;
  }

  @Override
  public String name() {
    return connection.settings().sourceName();
  }

  /** The revision pinned when the source was opened (or last {@link #pin}ned). */
  @Override
  public long headRevision() {
    return revision;
  }

  /**
   * The oldest revision etcd can still read, found by bisection with reads at past revisions
   * (etcd offers no call that says it); 0 when nothing was compacted away.
   */
  @Override
  public long compactRevision() {
    if (compactRevision < 0) {
      long lo = 1;
      long hi = revision;
      if (hi < 1 || readable(1)) {
        compactRevision = 0;
        return 0;
      }
      // revision hi is readable and lo is not: narrow down to the first readable one
      while (hi - lo > 1) {
        long mid = lo + (hi - lo) / 2;
        if (readable(mid)) {
          hi = mid;
        } else {
          lo = mid;
        }
      }
      compactRevision = hi;
    }
    return compactRevision;
  }

  private boolean readable(long r) {
    try {
      connection.call("read at revision " + r, () -> connection.client().getKVClient().get(
          ByteSequence.from(options.homeKey(), StandardCharsets.UTF_8),
          GetOption.builder().withRevision(r).withKeysOnly(true).withLimit(1).build()));
      return true;
    } catch (RevisionCompactedException e) {
      return false;
    }
  }

  @Override
  public EntryReader read(ReadView view, KeyRange range, Predicate<byte[]> keep) {
    if (view.deletedOnly()) {
      throw new SourceException(name() + ": listing deleted objects is not supported on a live source (etcd"
          + " offers no way to find them); back it up to a .db file and read that");
    }
    return switch (view.mode()) {
      case LATEST -> new PagedRange(connection, range, revision, options.pageSize(), keep);
      case AT -> new PagedRange(connection, range, checked(view.revision()), options.pageSize(), keep);
      case HISTORY -> history(range, keep);
    };
  }

  /** Keys per page when only keys are read: they are small. */
  private static final int KEYS_PAGE_SIZE = 10_000;

  /**
   * The keys of {@code range} without their values (etcd sends none), as {@code view} says: a
   * cheap look at which keys there are before reading parts of the range.
   */
  public EntryReader readKeys(ReadView view, KeyRange range) {
    if (view.mode() == ReadView.Mode.HISTORY || view.deletedOnly()) {
      throw new SourceException(name() + ": only the keys of one revision can be listed");
    }
    long r = view.mode() == ReadView.Mode.AT ? checked(view.revision()) : revision;
    return new PagedRange(connection, range, r, Math.max(options.pageSize(), KEYS_PAGE_SIZE), key -> true, true);
  }

  private long checked(long r) {
    if (r > revision) {
      throw new SourceException(name() + ": revision " + r + " is newer than the head revision " + revision);
    }
    long compacted = compactRevision();
    if (r < Math.max(compacted, 1)) {
      throw new SourceException(name() + ": revision " + r + " has been compacted (compaction revision "
          + compacted + "; choose a revision from " + compacted + " to " + revision + ")");
    }
    return r;
  }

  private EntryReader history(KeyRange range, Predicate<byte[]> keep) {
    byte[] key = range.from();
    boolean single = range.to() != null && range.to().length == key.length + 1
        && Arrays.equals(range.to(), 0, key.length, key, 0, key.length) && range.to()[key.length] == 0;
    if (!single) {
      throw new SourceException(name() + ": the history of a key range is not supported on a live source; back it"
          + " up to a .db file and read that");
    }
    List<MvccEntry> entries = keep.test(key) ? KeyHistory.read(connection, key, revision, compactRevision()) : List.of();
    Iterator<MvccEntry> it = entries.iterator();
    return new EntryReader() {
      @Override
      public MvccEntry next() {
        return it.hasNext() ? it.next() : null;
      }

      @Override
      public void close() {}
    };
  }

  /** How many keys {@code range} holds at the pinned revision (one count-only request). */
  public long count(KeyRange range) {
    byte[] from = range.from().length == 0 ? new byte[] {0} : range.from();
    byte[] to = range.to() == null ? new byte[] {0} : range.to();
    return connection.call("count keys", () -> connection.client().getKVClient().get(ByteSequence.from(from),
        GetOption.builder().withRange(ByteSequence.from(to)).withRevision(revision).withCountOnly(true).build()))
        .getCount();
  }

  /** The cluster id from the first response and the members from the MemberList call. */
  @Override
  public ClusterInfo cluster() {
    MemberListResponse r = connection.call("list the members", () -> connection.client().getClusterClient().listMember());
    List<ClusterInfo.Member> members = r.getMembers().stream().map(LiveSource::member).toList();
    return new ClusterInfo(Long.toHexString(clusterId), members);
  }

  private static ClusterInfo.Member member(Member m) {
    return new ClusterInfo.Member(Long.toHexString(m.getId()), m.getName(),
        m.getPeerURIs().stream().map(URI::toString).toList(), m.getClientURIs().stream().map(URI::toString).toList(),
        m.isLearner());
  }

  @Override
  public void close() {
    connection.close();
  }
}
