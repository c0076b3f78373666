package io.regshift.sink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a restore has written, so that a run stopped by a crash, Ctrl-C or a target restart goes
 * on where it stopped. One line per key: "P hash key" before its batch is sent (the batch may
 * commit even when the answer never comes back), "D hash key" once etcd answered; each group is
 * fsynced before the next step. Keys are base64 (any bytes), hashes SHA-256 of the value.
 * The first line names the target cluster and prefix: a journal is never applied to another.
 */
public final class RestoreJournal implements AutoCloseable {
  private static final String MAGIC = "regshift-restore-journal 1 ";

  private final Path file;
  private final Map<String, String> sent = new HashMap<>();
  private final Map<String, String> done = new HashMap<>();
  private final FileChannel out;

  private RestoreJournal(Path file, FileChannel out) {
    this.file = file;
    this.out = out;
  }

  /**
   * Opens the journal, reading what an earlier run recorded.
   *
   * @param identity the target cluster and prefix; a journal for another is refused
   */
  public static RestoreJournal open(Path file, String identity) {
    try {
      boolean resumed = Files.exists(file) && Files.size(file) > 0;
      RestoreJournal j = null;
      if (resumed) {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (!lines.get(0).equals(MAGIC + identity)) {
          throw new SinkException(file + ": a journal of another restore (" + lines.get(0).replace(MAGIC, "")
              + "), not of " + identity + "; remove it or give another --journal");
        }
        j = new RestoreJournal(file, FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
        for (String line : lines.subList(1, lines.size())) {
          String[] f = line.split(" ");
          if (f.length != 3) {
            continue; // the torn last line of a crash: its batch counts as not sent
          }
          (f[0].equals("D") ? j.done : j.sent).put(f[2], f[1]);
        }
      } else {
        j = new RestoreJournal(file, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING));
        j.append(MAGIC + identity + "\n");
      }
      return j;
    } catch (IOException e) {
      throw new SinkException(file + ": cannot use the restore journal: " + e.getMessage(), e);
    }
  }

  public Path file() {
    return file;
  }

  /** Keys an earlier run recorded as committed (this run's records are not counted). */
  public int doneCount() {
    return done.size();
  }

  /** True when an earlier run committed exactly this value under this key. */
  public synchronized boolean done(RestoreItem item) {
    return item.valueHash().equals(done.get(name(item)));
  }

  /**
   * True when an earlier run sent or committed exactly the bytes {@code found} under this item's
   * key: present with those bytes, they are ours (a value encrypted afresh differs from run to
   * run, so what counts is what the target holds, not what this run would write).
   */
  public synchronized boolean recorded(RestoreItem item, byte[] found) {
    String hash = RestoreItem.hash(found);
    String name = name(item);
    return hash.equals(done.get(name)) || hash.equals(sent.get(name));
  }

  /** Before a batch is sent. */
  public void sending(List<RestoreItem> batch) {
    record("P", batch);
  }

  /** After etcd committed a batch (or its keys were found already written by us). */
  public void committed(List<RestoreItem> batch) {
    record("D", batch);
  }

  private synchronized void record(String state, List<RestoreItem> batch) {
    StringBuilder b = new StringBuilder();
    for (RestoreItem item : batch) {
      String name = name(item);
      String hash = item.valueHash();
      // the maps stay as read at open: only an earlier run's writes make a key "ours" (this run's are create-only)
      b.append(state).append(' ').append(hash).append(' ').append(name).append('\n');
    }
    try {
      append(b.toString());
      out.force(false);
    } catch (IOException e) {
      throw new SinkException(file + ": cannot write the restore journal: " + e.getMessage(), e);
    }
  }

  private void append(String text) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    while (buf.hasRemaining()) {
      out.write(buf);
    }
  }

  private static String name(RestoreItem item) {
    return Base64.getEncoder().encodeToString(item.targetKey());
  }

  /** Removes the journal once the restore is complete and verified. */
  public void delete() {
    close();
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new SinkException(file + ": cannot remove the restore journal: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      if (out.isOpen()) {
        out.close();
      }
    } catch (IOException e) {
      // nothing left to lose: every record was forced already
    }
  }
}
