package io.regshift.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The keys of a range on a live etcd, all at one revision, read a page at a time in key order:
 * memory holds two pages (the one being used and the next, asked for as soon as the previous
 * answer came, so that etcd and the network work while the caller does), whatever the size of
 * the keyspace. A page whose response would exceed the message limit (large values) is asked for
 * again at half the size, and pages grow back to the configured size afterwards.
 */
public final class PagedRange implements EntryReader {
  private static final byte[] ZERO = {0};

  private final EtcdConnection connection;
  private final KeyRange range;
  private final long revision;
  private final int pageSize;
  private final Predicate<byte[]> keep;
  private final boolean keysOnly;
  private final ArrayDeque<MvccEntry> page = new ArrayDeque<>();
  private byte[] nextFrom;
  private boolean more = true;
  private int limit;
  private long read;
  private CompletableFuture<GetResponse> ahead; // the request for the page at nextFrom, sent with limit

  /**
   * @param revision the revision every page is read at (etcd refuses it once compacted)
   * @param pageSize keys per request at most
   */
  public PagedRange(EtcdConnection connection, KeyRange range, long revision, int pageSize, Predicate<byte[]> keep) {
    this(connection, range, revision, pageSize, keep, false);
  }

  /** @param keysOnly the entries carry no values (etcd sends none): for a look at which keys there are */
  public PagedRange(EtcdConnection connection, KeyRange range, long revision, int pageSize, Predicate<byte[]> keep,
      boolean keysOnly) {
    this.connection = connection;
    this.range = range;
    this.revision = revision;
    this.pageSize = pageSize;
    this.keep = keep;
    this.keysOnly = keysOnly;
    this.limit = pageSize;
    // etcd has no empty key; "\0" is the first key there can be
    this.nextFrom = range.from().length == 0 ? ZERO : range.from();
  }

  @Override
  public MvccEntry next() {
    while (page.isEmpty() && more) {
      fetch();
    }
    return page.poll();
  }

  private CompletableFuture<GetResponse> request() {
    GetOption option = GetOption.builder()
        .withRange(ByteSequence.from(range.to() == null ? ZERO : range.to())) // "\0" as range end: no upper bound
        .withRevision(revision)
        .withLimit(limit)
        .withKeysOnly(keysOnly)
        .build();
    return connection.client().getKVClient().get(ByteSequence.from(nextFrom), option);
  }

  private void fetch() {
    GetResponse r;
    while (true) {
      CompletableFuture<GetResponse> f = ahead != null ? ahead : request();
      ahead = null;
      try {
        r = connection.await("read keys from \"" + text(nextFrom) + "\" at revision " + revision, f);
        break;
      } catch (ResponseTooLargeException e) {
        if (limit == 1) {
          throw new EtcdRequestException(connection.settings().sourceName() + ": the value of the first key from \""
              + text(nextFrom) + "\" is larger than the " + (EtcdConnection.MAX_RESPONSE_BYTES >> 20)
              + " MiB message limit", e);
        }
        limit = Math.max(1, limit / 2);
      } catch (RevisionCompactedException e) {
        throw new RevisionCompactedException(connection.settings().sourceName() + ": revision " + revision
            + " was compacted while reading it (after " + read + " keys); etcd keeps recent revisions only,"
            + " read again", revision, e);
      }
    }
    RangeKvs.Seen seen = RangeKvs.addTo(r, keep, keysOnly, page);
    byte[] last = seen.last();
    read += seen.keys();
    more = r.isMore() && last != null;
    if (more) {
      nextFrom = Arrays.copyOf(last, last.length + 1); // the next key after the last one
      limit = Math.min(pageSize, limit * 2);
      ahead = request(); // while the caller works through this page
    }
  }

  private static String text(byte[] key) {
    return new String(key, StandardCharsets.UTF_8).replace("\0", "\\0");
  }

  @Override
  public void close() {
    page.clear();
    more = false;
    if (ahead != null) {
      ahead.cancel(true);
      ahead = null;
    }
  }
}
