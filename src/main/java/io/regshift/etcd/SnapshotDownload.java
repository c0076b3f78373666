package io.regshift.etcd;

import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.SnapshotRequest;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.regshift.bolt.WriteBehind;
import io.regshift.sink.StagedFile;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * etcd's own snapshot of its database, streamed by the Maintenance API into a file exactly as
 * {@code etcdctl snapshot save} writes it: the bbolt image followed by its 32-byte SHA-256, which
 * etcd sends as the last message. The hash is computed while the data arrives and checked before
 * the file gets its name.
 *
 * <p>The stream runs on a plain gRPC channel ({@link EtcdChannel}), and its messages are read
 * straight from gRPC's buffers into one array each (no protobuf message, no second copy): at
 * 32 KiB a message, a large database is many thousands of them.
 */
public final class SnapshotDownload {
  private static final int SHA256_SIZE = 32;
  /** Data is written to the file in pieces of this size: a few hundred writes for a large snapshot, not one per message. */
  private static final int WRITE_BUFFER = 1 << 20;

  /**
   * A saved snapshot.
   *
   * @param size     bytes of the database image (without the trailer)
   * @param sha256   its SHA-256 in hex, as etcd computed it and we checked it
   * @param revision the newest revision in it
   * @param keys     keys etcd held at that revision, or -1 when it could not say (the count is a courtesy)
   */
  public record Result(long size, String sha256, long revision, long keys) {}

  /** Sees the download's progress: bytes so far, and the expected total (0 until known). */
  @FunctionalInterface
  public interface Progress {
    void bytes(long done, long total);
  }

  /** One message of the stream: etcd's SnapshotResponse without its header. */
  private record Chunk(long remainingBytes, byte[] blob) {}

  private static final MethodDescriptor<SnapshotRequest, Chunk> SNAPSHOT = MaintenanceGrpc.getSnapshotMethod()
      .toBuilder(ProtoUtils.marshaller(SnapshotRequest.getDefaultInstance()), new ChunkMarshaller()).build();

  private final ConnectionSettings settings;
  private final EtcdChannel channel;
  private final FileChannel out;
  /** Flushes what is written in the background, so that the flush before the rename has little left. */
  private final WriteBehind writeBehind;
  private final ByteBuffer pending = ByteBuffer.allocateDirect(WRITE_BUFFER);
  private final MessageDigest sha;
  private final CompletableFuture<Void> finished = new CompletableFuture<>();
  private final Progress progress;
  private byte[] tail = new byte[0]; // the newest bytes, held back from the hash: they may be the trailer
  private volatile long received;
  private volatile long lastMessage = System.nanoTime();
  private long total;

  private SnapshotDownload(ConnectionSettings settings, EtcdChannel channel, FileChannel out, Progress progress) {
    this.settings = settings;
    this.channel = channel;
    this.out = out;
    this.writeBehind = new WriteBehind(out);
    this.progress = progress;
    try {
      this.sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Downloads the snapshot from the first endpoint that answers to {@code target} (via a staging
   * file), checks it, and renames it into place.
   */
  public static Result save(ConnectionSettings settings, Path target, Progress progress) {
    TlsContext tls = settings.tls() ? TlsContext.forClient(settings) : null;
    EtcdRequestException unreachable = null;
    for (URI endpoint : settings.endpoints()) {
      try (EtcdChannel channel = EtcdChannel.open(settings, endpoint, tls)) {
        return save(settings, channel, target, progress);
      } catch (Unreachable e) {
        if (unreachable == null) {
          unreachable = e.failure; // the first endpoint's reason, as jetcd reported it
        }
      }
    }
    throw unreachable;
  }

  /** An endpoint that did not answer at all: the next one is tried. */
  private static final class Unreachable extends RuntimeException {
    final EtcdRequestException failure;

    Unreachable(EtcdRequestException failure) {
      super(failure.getMessage(), failure, false, false);
      this.failure = failure;
    }
  }

  private static Result save(ConnectionSettings settings, EtcdChannel channel, Path target, Progress progress) {
    try (StagedFile staged = StagedFile.create(target, ".part")) {
      long size;
      String hash;
      try (FileChannel ch = FileChannel.open(staged.path(), StandardOpenOption.WRITE)) {
        try {
          channel.authenticate();
        } catch (EtcdRequestException e) {
          throw unreachable(e) ? new Unreachable(e) : e;
        }
        SnapshotDownload d = new SnapshotDownload(settings, channel, ch, progress);
        try {
          d.run();
          d.flush();
          d.writeBehind.finish();
        } finally {
          d.writeBehind.close();
        }
        hash = d.check();
        size = d.received - SHA256_SIZE;
      } catch (IOException e) {
        throw new EtcdRequestException(target + ": cannot write " + staged.path() + ": " + e.getMessage(), e);
      }
      long revision;
      try (EtcdDatabase db = EtcdDatabase.open(staged.path())) {
        revision = db.headRevision();
      } catch (RuntimeException e) {
        throw new EtcdRequestException(settings.sourceName() + ": the snapshot etcd sent is not an etcd"
            + " database: " + e.getMessage(), e);
      }
      long keys = -1;
      try {
        keys = channel.countKeys(revision); // while etcd still has that revision
      } catch (EtcdRequestException e) {
        // the count is a courtesy; the snapshot itself is saved and checked
      }
      staged.commit();
      return new Result(size, hash, revision, keys);
    }
  }

  /** A failure that says no endpoint answered (refused, unknown host, no answer in the dial timeout). */
  private static boolean unreachable(EtcdRequestException e) {
    return e.getMessage().contains("no endpoint answer");
  }

  /** Streams the snapshot into the file, hashing as it comes; returns when etcd has sent all of it. */
  private void run() {
    ClientCall<SnapshotRequest, Chunk> call = channel.newCall(SNAPSHOT, CallOptions.DEFAULT);
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onMessage(Chunk c) {
        try {
          take(c);
          call.request(1);
        } catch (IOException | RuntimeException e) {
          finished.completeExceptionally(e);
          call.cancel("cannot write the snapshot", e);
        }
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        if (status.isOk()) {
          finished.complete(null);
        } else {
          finished.completeExceptionally(status.asRuntimeException(trailers));
        }
      }
    }, new Metadata());
    call.sendMessage(SnapshotRequest.getDefaultInstance());
    call.halfClose();
    call.request(2); // one message being written while the next is parsed
    try {
      await();
    } catch (RuntimeException e) {
      call.cancel("regshift stopped the download", null);
      throw e;
    }
  }

  private void take(Chunk c) throws IOException {
    byte[] blob = c.blob();
    if (received == 0) {
      total = c.remainingBytes() + blob.length;
    }
    hashAllButLast32(blob);
    if (blob.length > pending.remaining()) {
      flush();
    }
    if (blob.length > pending.capacity()) {
      writeAll(ByteBuffer.wrap(blob));
    } else {
      pending.put(blob);
    }
    received += blob.length;
    lastMessage = System.nanoTime();
    progress.bytes(received, total);
  }

  private void flush() throws IOException {
    pending.flip();
    writeAll(pending);
    pending.clear();
  }

  private void writeAll(ByteBuffer b) throws IOException {
    int bytes = b.remaining();
    while (b.hasRemaining()) {
      out.write(b);
    }
    writeBehind.written(bytes);
  }

  private void hashAllButLast32(byte[] blob) {
    int n = blob.length;
    if (n >= SHA256_SIZE) {
      sha.update(tail);
      sha.update(blob, 0, n - SHA256_SIZE);
      tail = Arrays.copyOfRange(blob, n - SHA256_SIZE, n);
      return;
    }
    byte[] joined = new byte[tail.length + n];
    System.arraycopy(tail, 0, joined, 0, tail.length);
    System.arraycopy(blob, 0, joined, tail.length, n);
    int keep = Math.min(SHA256_SIZE, joined.length);
    sha.update(joined, 0, joined.length - keep);
    tail = Arrays.copyOfRange(joined, joined.length - keep, joined.length);
  }

  /**
   * Waits as long as data keeps coming, however long the whole snapshot takes: only a pause longer
   * than the command timeout is a failure (before the first data, the dial timeout).
   */
  private void await() {
    while (true) {
      try {
        finished.get(20, TimeUnit.MILLISECONDS);
        return;
      } catch (TimeoutException e) {
        boolean first = received == 0;
        long limit = (first ? settings.dialTimeout() : settings.commandTimeout()).toNanos();
        if (System.nanoTime() - lastMessage > limit) {
          if (first) {
            throw new Unreachable(channel.failures().timeout("send a snapshot", true));
          }
          throw new EtcdRequestException(settings.sourceName() + ": the snapshot stream stalled: no data for "
              + EtcdFailures.seconds(settings.commandTimeout()) + " (--command-timeout)");
        }
      } catch (ExecutionException e) {
        if (e.getCause() instanceof IOException io) {
          throw new EtcdRequestException("cannot write the snapshot: " + io.getMessage(), io);
        }
        EtcdRequestException failure = channel.failures().translate("send a snapshot", e.getCause());
        throw received == 0 && unreachable(failure) ? new Unreachable(failure) : failure;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EtcdRequestException(settings.sourceName() + ": interrupted");
      }
    }
  }

  /** The image must end in the SHA-256 of what precedes it, as etcdutl checks on restore. */
  private String check() {
    long size = received - SHA256_SIZE;
    if (received < SHA256_SIZE || size % 512 != 0) {
      throw new EtcdRequestException(settings.sourceName() + ": the snapshot (" + received
          + " bytes) does not end in a SHA-256 trailer; it is incomplete");
    }
    byte[] computed = sha.digest();
    if (!MessageDigest.isEqual(computed, tail)) {
      throw new EtcdRequestException(settings.sourceName() + ": the snapshot's SHA-256 does not match its"
          + " data (" + HexFormat.of().formatHex(tail) + " sent, " + HexFormat.of().formatHex(computed)
          + " computed); it was damaged on the way");
    }
    return HexFormat.of().formatHex(computed);
  }

  /**
   * Reads a SnapshotResponse (header = 1, remaining_bytes = 2, blob = 3) from gRPC's stream: the
   * blob is copied once, into its own array; the header is skipped.
   */
  private static final class ChunkMarshaller implements MethodDescriptor.Marshaller<Chunk> {
    @Override
    public InputStream stream(Chunk value) {
      throw new UnsupportedOperationException("a snapshot chunk is only received");
    }

    @Override
    public Chunk parse(InputStream in) {
      try {
        long remaining = 0;
        byte[] blob = new byte[0];
        for (long tag = varint(in, true); tag >= 0; tag = varint(in, true)) {
          int field = (int) (tag >>> 3);
          int wire = (int) (tag & 7);
          if (field == 2 && wire == 0) {
            remaining = varint(in, false);
          } else if (field == 3 && wire == 2) {
            blob = new byte[length(in)];
            readFully(in, blob);
          } else {
            skip(in, wire);
          }
        }
        return new Chunk(remaining, blob);
      } catch (IOException e) {
        throw Status.INTERNAL.withDescription("a snapshot message is malformed: " + e.getMessage()).withCause(e)
            .asRuntimeException();
      }
    }

    /** A varint; -1 at the end of the message when {@code atTag}. */
    private static long varint(InputStream in, boolean atTag) throws IOException {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = in.read();
        if (b < 0) {
          if (atTag && shift == 0) {
            return -1;
          }
          throw new EOFException("cut in a varint");
        }
        v |= (long) (b & 0x7f) << shift;
        if (b < 0x80) {
          return v;
        }
      }
      throw new IOException("a varint longer than 10 bytes");
    }

    private static int length(InputStream in) throws IOException {
      long n = varint(in, false);
      if (n < 0 || n > EtcdConnection.MAX_RESPONSE_BYTES) {
        throw new IOException("a field of " + n + " bytes");
      }
      return (int) n;
    }

    private static void readFully(InputStream in, byte[] b) throws IOException {
      for (int off = 0; off < b.length; ) {
        int n = in.read(b, off, b.length - off);
        if (n < 0) {
          throw new EOFException("cut after " + off + " of " + b.length + " bytes");
        }
        off += n;
      }
    }

    private static void skip(InputStream in, int wire) throws IOException {
      long n = switch (wire) {
        case 0 -> {
          varint(in, false);
          yield 0;
        }
        case 1 -> 8;
        case 2 -> length(in);
        case 5 -> 4;
        default -> throw new IOException("wire type " + wire);
      };
      in.skipNBytes(n);
    }
  }
}
