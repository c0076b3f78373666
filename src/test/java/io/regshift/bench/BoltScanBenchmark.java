package io.regshift.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.regshift.bolt.BoltChecker;
import io.regshift.bolt.BoltFile;
import io.regshift.bolt.Cursor;
import io.regshift.testing.EtcdServer;
import io.regshift.testing.Etcdctl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * scripts/bench-bolt: scans the key bucket of a big etcd snapshot with a Cursor, copying every
 * key and value, and prints MB/s of bbolt data per scan. When the snapshot file does not exist
 * it is made first with a real etcd: VALUES puts of 500..4500 random bytes (some overflow a page).
 */
public final class BoltScanBenchmark {

    public static void main(String[] args) throws Exception {
        Path snapshot = Path.of(args.length > 0 ? args[0] : "/tmp/regshift-bench/snapshot.db");
        int values = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        if (!Files.exists(snapshot)) {
            makeSnapshot(snapshot, values);
        }
        try (BoltFile file = BoltFile.open(snapshot)) {
            System.out.printf("%s: %.1f MB of bbolt data, page size %d, %s%n", snapshot, file.dataSize() / 1e6,
                    file.pageSize(), file.meta().hasFreelist() ? "freelist page" : "no freelist (NoFreelistSync)");
            for (int round = 0; round < 3; round++) {
                scan(file, false); // JIT and page cache
            }
            double best = 0;
            for (int round = 0; round < 5; round++) {
                best = Math.max(best, scan(file, true));
            }
            System.out.printf("best: %.0f MB/s%n", best);
            long t0 = System.nanoTime();
            int problems = BoltChecker.check(file).size();
            long t1 = System.nanoTime();
            boolean verified = file.trailer().verify();
            long t2 = System.nanoTime();
            System.out.printf("check: %d problems in %.2f s; trailer verified %s in %.2f s%n",
                    problems, (t1 - t0) / 1e9, verified, (t2 - t1) / 1e9);
        }
    }

    /** One full scan; returns MB/s of the file's data. */
    private static double scan(BoltFile file, boolean print) {
        long t0 = System.nanoTime();
        long entries = 0;
        long bytes = 0;
        Cursor cursor = file.bucket("key").cursor();
        while (cursor.next()) {
            bytes += cursor.key().length + cursor.value().length;
            entries++;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double rate = file.dataSize() / 1e6 / seconds;
        if (print) {
            System.out.printf("scan: %d entries, %.1f MB of keys+values copied, %.3f s, %.0f MB/s%n",
                    entries, bytes / 1e6, seconds, rate);
        }
        return rate;
    }

    private static void makeSnapshot(Path snapshot, int values) throws Exception {
        Files.createDirectories(snapshot.toAbsolutePath().getParent());
        EtcdServer.Options options = EtcdServer.Options.builder().args("--quota-backend-bytes=8589934592").build();
        try (EtcdServer etcd = EtcdServer.start(options);
                Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
            KV kv = client.getKVClient();
            Random random = new Random(1);
            Semaphore inFlight = new Semaphore(512);
            long t0 = System.nanoTime();
            for (int i = 0; i < values; i++) {
                byte[] value = new byte[500 + random.nextInt(4001)];
                random.nextBytes(value);
                String key = String.format("/registry/configmaps/ns%03d/cm-%07d", i % 500, i);
                inFlight.acquire();
                CompletableFuture<?> put = kv.put(ByteSequence.from(key, UTF_8), ByteSequence.from(value));
                put.whenComplete((ok, failure) -> inFlight.release());
            }
            inFlight.acquire(512);
            System.out.printf("wrote %d values in %.1f s%n", values, (System.nanoTime() - t0) / 1e9);
            new Etcdctl(etcd.endpoint(), Duration.ofMinutes(10)).run("snapshot", "save", snapshot.toString());
        }
    }
}
