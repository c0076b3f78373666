package io.regshift.cli;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.SnapshotRequest;
import io.etcd.jetcd.api.SnapshotResponse;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;

/**
 * The run the launcher records its class-data-sharing archive from (scripts/regshift): the
 * classes loaded here start later runs faster. It reads the demo snapshot as {@code stats} does,
 * then takes a .db backup of it from a stand-in for etcd's Maintenance API on loopback, so the
 * gRPC and netty classes of a live backup (about 1,600, a third of a second to load) are in the
 * archive too. Not a command: {@code java -cp regshift.jar io.regshift.cli.CdsTraining DEMO.db}.
 */
public final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) throws Exception {
    Path demo = Path.of(args[0]);
    StringWriter said = new StringWriter();
    PrintWriter quiet = new PrintWriter(said);
    int stats = Main.run(quiet, quiet, java.util.Map.of(), "stats", demo.toString());
    byte[] image = Files.readAllBytes(demo);
    Path dir = Files.createTempDirectory("regshift-cds");
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new Snapshots(image)).addService(new Counts()).build().start();
    int backup;
    try {
      backup = Main.run(quiet, quiet, java.util.Map.of(), "backup", "etcd://127.0.0.1:" + server.getPort(),
          "-f", dir.resolve("demo.db").toString());
    } finally {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      Files.deleteIfExists(dir.resolve("demo.db"));
      Files.deleteIfExists(dir);
    }
    if (stats != 0 || backup != 0) {
      System.err.print(said); // the launcher drops this run's output; run by hand, it says what failed
      System.exit(1);
    }
    System.exit(0);
  }

  /** etcd's snapshot stream: the image and its SHA-256 in 32 KiB messages. */
  private static final class Snapshots extends MaintenanceGrpc.MaintenanceImplBase {
    private final byte[] image;

    Snapshots(byte[] image) {
      this.image = image;
    }

    @Override
    public void snapshot(SnapshotRequest request, StreamObserver<SnapshotResponse> out) {
      byte[] data = image;
      if (image.length % 512 != 32) { // a member's db without the trailer etcdctl's snapshot files end in
        try {
          byte[] sha = MessageDigest.getInstance("SHA-256").digest(image);
          data = java.util.Arrays.copyOf(image, image.length + sha.length);
          System.arraycopy(sha, 0, data, image.length, sha.length);
        } catch (java.security.NoSuchAlgorithmException e) {
          out.onError(e);
          return;
        }
      }
      for (int at = 0; at < data.length; at += 32 << 10) {
        int n = Math.min(32 << 10, data.length - at);
        out.onNext(SnapshotResponse.newBuilder().setRemainingBytes(data.length - at - n)
            .setBlob(ByteString.copyFrom(data, at, n)).build());
      }
      out.onCompleted();
    }
  }

  /** The key count a backup asks for afterwards. */
  private static final class Counts extends KVGrpc.KVImplBase {
    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> out) {
      out.onNext(RangeResponse.newBuilder().setCount(1).build());
      out.onCompleted();
    }
  }
}
