package io.regshift.cli;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.Member;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberListResponse;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.SnapshotRequest;
import io.etcd.jetcd.api.SnapshotResponse;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.regshift.etcd.EntryReader;
import io.regshift.etcd.EtcdDatabase;
import io.regshift.etcd.KeyRange;
import io.regshift.etcd.MvccEntry;
import io.regshift.etcd.ReadView;

/**
 * The run the launcher records its class-data-sharing archive from (scripts/regshift): the
 * classes loaded here start later runs faster. It reads the demo snapshot as {@code stats} does,
 * then takes a .db and a .tar.gz backup of it from a stand-in for etcd's Maintenance and KV APIs
 * on loopback, so the gRPC, netty and jetcd classes of a live backup (about 2,000, a third of a
 * second to load) are in the archive too. Not a command: {@code java -cp regshift.jar io.regshift.cli.CdsTraining DEMO.db}.
 */
public final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) throws Exception {
    StringWriter said = new StringWriter();
    if (!run(Path.of(args[0]), new PrintWriter(said))) {
      System.err.print(said); // the launcher drops this run's output; run by hand, it says what failed
      System.exit(1);
    }
    System.exit(0);
  }

  /** The training runs, their output to {@code out}; true when every one succeeded. */
  static boolean run(Path demo, PrintWriter out) throws IOException, InterruptedException {
    int stats = Main.run(out, out, java.util.Map.of(), "stats", demo.toString());
    byte[] image = Files.readAllBytes(demo);
    Path dir = Files.createTempDirectory("regshift-cds");
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new Snapshots(image)).addService(new Ranges(demo)).addService(new Members()).build().start();
    int db;
    int archive;
    try {
      String live = "etcd://127.0.0.1:" + server.getPort();
      db = Main.run(out, out, java.util.Map.of(), "backup", live, "-f", dir.resolve("demo.db").toString());
      archive = Main.run(out, out, java.util.Map.of(), "backup", live, "-f", dir.resolve("demo.tar.gz").toString());
    } finally {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      Files.deleteIfExists(dir.resolve("demo.db"));
      Files.deleteIfExists(dir.resolve("demo.tar.gz"));
      Files.deleteIfExists(dir);
    }
    out.flush();
    return stats == 0 && db == 0 && archive == 0;
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

  /** The one member an archive's manifest names. */
  private static final class Members extends ClusterGrpc.ClusterImplBase {
    @Override
    public void memberList(MemberListRequest q, StreamObserver<MemberListResponse> out) {
      out.onNext(MemberListResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setClusterId(1).setMemberId(1))
          .addMembers(Member.newBuilder().setID(1).setName("demo").addClientURLs("http://127.0.0.1:2379")).build());
      out.onCompleted();
    }
  }

  /**
   * etcd's Range over the demo's keys at its head revision: enough for jetcd's client to read
   * them as an archive backup does (pages with a limit, keys only, counts).
   */
  private static final class Ranges extends KVGrpc.KVImplBase {
    private final List<MvccEntry> entries = new ArrayList<>();
    private final long revision;

    Ranges(Path demo) {
      try (EtcdDatabase db = EtcdDatabase.open(demo)) {
        revision = db.headRevision();
        EntryReader r = db.read(ReadView.latest(), KeyRange.all());
        try {
          for (MvccEntry e = r.next(); e != null; e = r.next()) {
            entries.add(e);
          }
        } finally {
          r.close();
        }
      }
    }

    @Override
    public void range(RangeRequest q, StreamObserver<RangeResponse> out) {
      byte[] from = q.getKey().toByteArray();
      byte[] to = q.getRangeEnd().toByteArray();
      RangeResponse.Builder a = RangeResponse.newBuilder()
          .setHeader(ResponseHeader.newBuilder().setRevision(revision).setClusterId(1).setMemberId(1).setRaftTerm(2));
      long count = 0;
      for (MvccEntry e : entries) {
        boolean in = to.length == 0 ? Arrays.equals(e.key(), from) : Arrays.compareUnsigned(e.key(), from) >= 0
            && ((to.length == 1 && to[0] == 0) || Arrays.compareUnsigned(e.key(), to) < 0);
        if (!in) {
          continue;
        }
        count++;
        if (q.getCountOnly() || (q.getLimit() > 0 && a.getKvsCount() >= q.getLimit())) {
          a.setMore(!q.getCountOnly());
          continue;
        }
        a.addKvs(KeyValue.newBuilder().setKey(ByteString.copyFrom(e.key())).setCreateRevision(e.createRevision())
            .setModRevision(e.modRevision()).setVersion(e.version()).setLease(e.lease())
            .setValue(q.getKeysOnly() ? ByteString.EMPTY : ByteString.copyFrom(e.value())));
      }
      out.onNext(a.setCount(count).build());
      out.onCompleted();
    }
  }
}
