package io.regshift.etcd;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.maintenance.SnapshotResponse;
import io.grpc.stub.StreamObserver;
import io.regshift.sink.StagedFile;
import java.io.IOException;
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
 * etcd sends as the last message. The hash is checked before the file gets its name.
 */
public final class SnapshotDownload {
  private static final int SHA256_SIZE = 32;

  /**
   * A saved snapshot.
   *
   * @param size     bytes of the database image (without the trailer)
   * @param sha256   its SHA-256 in hex, as etcd computed it and we checked it
   * @param revision the newest revision in it
   */
  public record Result(long size, String sha256, long revision) {}

  /** Sees the download's progress: bytes so far, and the expected total (0 until known). */
  @FunctionalInterface
  public interface Progress {
    void bytes(long done, long total);
  }

  private final EtcdConnection connection;
  private final FileChannel out;
  private final MessageDigest sha;
  private final CompletableFuture<Void> finished = new CompletableFuture<>();
  private final Progress progress;
  private byte[] tail = new byte[0]; // the newest bytes, held back from the hash: they may be the trailer
  private volatile long received;
  private volatile long lastMessage = System.nanoTime();
  private long total;

  private SnapshotDownload(EtcdConnection connection, FileChannel out, Progress progress) {
    this.connection = connection;
    this.out = out;
    this.progress = progress;
    try {
      this.sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Downloads the snapshot to {@code target} (via a staging file), checks it, and renames it into place. */
  public static Result save(EtcdConnection connection, Path target, Progress progress) {
    try (StagedFile staged = StagedFile.create(target, ".part")) {
      long size;
      String hash;
      try (FileChannel ch = FileChannel.open(staged.path(), StandardOpenOption.WRITE)) {
        SnapshotDownload d = new SnapshotDownload(connection, ch, progress);
        connection.client().getMaintenanceClient().snapshot(d.observer());
        d.await();
        hash = d.check();
        size = d.received - SHA256_SIZE;
      } catch (IOException e) {
        throw new EtcdRequestException(target + ": cannot write " + staged.path() + ": " + e.getMessage(), e);
      }
      long revision;
      try (EtcdDatabase db = EtcdDatabase.open(staged.path())) {
        revision = db.headRevision();
      } catch (RuntimeException e) {
        throw new EtcdRequestException(connection.settings().sourceName() + ": the snapshot etcd sent is not an etcd"
            + " database: " + e.getMessage(), e);
      }
      staged.commit();
      return new Result(size, hash, revision);
    }
  }

  private StreamObserver<SnapshotResponse> observer() {
    return new StreamObserver<>() {
      @Override
      public void onNext(SnapshotResponse r) {
        try {
          ByteString blob = r.getBlob(); // written and hashed as it is: no copy of the data
          if (received == 0) {
            total = r.getRemainingBytes() + blob.size();
            connection.answered();
          }
          hashAllButLast32(blob);
          ByteBuffer b = blob.asReadOnlyByteBuffer();
          while (b.hasRemaining()) {
            out.write(b);
          }
          received += blob.size();
          lastMessage = System.nanoTime();
          progress.bytes(received, total);
        } catch (IOException | RuntimeException e) {
          finished.completeExceptionally(e);
        }
      }

      @Override
      public void onError(Throwable t) {
        finished.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        finished.complete(null);
      }
    };
  }

  private void hashAllButLast32(ByteString blob) {
    int n = blob.size();
    if (n >= SHA256_SIZE) {
      sha.update(tail);
      sha.update(blob.substring(0, n - SHA256_SIZE).asReadOnlyByteBuffer());
      tail = blob.substring(n - SHA256_SIZE).toByteArray();
      return;
    }
    byte[] joined = new byte[tail.length + n];
    System.arraycopy(tail, 0, joined, 0, tail.length);
    blob.copyTo(joined, tail.length);
    int keep = Math.min(SHA256_SIZE, joined.length);
    sha.update(joined, 0, joined.length - keep);
    tail = Arrays.copyOfRange(joined, joined.length - keep, joined.length);
  }

  /**
   * Waits as long as data keeps coming, however long the whole snapshot takes: only a pause longer
   * than the command timeout is a failure.
   */
  private void await() {
    while (true) {
      try {
        finished.get(100, TimeUnit.MILLISECONDS);
        return;
      } catch (TimeoutException e) {
        if (System.nanoTime() - lastMessage > connection.settings().commandTimeout().toNanos()) {
          throw new EtcdRequestException(connection.settings().sourceName() + ": the snapshot stream stalled: no data for "
              + EtcdFailures.seconds(connection.settings().commandTimeout()) + " (--command-timeout)");
        }
      } catch (ExecutionException e) {
        if (e.getCause() instanceof IOException io) {
          throw new EtcdRequestException("cannot write the snapshot: " + io.getMessage(), io);
        }
        throw connection.failures().translate("send a snapshot", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EtcdRequestException(connection.settings().sourceName() + ": interrupted");
      }
    }
  }

  /** The image must end in the SHA-256 of what precedes it, as etcdutl checks on restore. */
  private String check() {
    long size = received - SHA256_SIZE;
    if (received < SHA256_SIZE || size % 512 != 0) {
      throw new EtcdRequestException(connection.settings().sourceName() + ": the snapshot (" + received
          + " bytes) does not end in a SHA-256 trailer; it is incomplete");
    }
    byte[] computed = sha.digest();
    if (!MessageDigest.isEqual(computed, tail)) {
      throw new EtcdRequestException(connection.settings().sourceName() + ": the snapshot's SHA-256 does not match its"
          + " data (" + HexFormat.of().formatHex(tail) + " sent, " + HexFormat.of().formatHex(computed)
          + " computed); it was damaged on the way");
    }
    return HexFormat.of().formatHex(computed);
  }
}
