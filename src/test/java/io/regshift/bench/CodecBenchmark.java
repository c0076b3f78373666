package io.regshift.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Parser;
import io.regshift.kube.Envelope;
import io.regshift.kube.StoredValue;
import io.regshift.kube.ValueCodec;
import java.io.File;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * scripts/bench-codec: decodes Kubernetes' fixtures, repeated to a target size, to JSON trees with
 * regshift's codec, and parses the same bytes into client-java-proto's generated classes with
 * protobuf-java; prints both rates and their ratio. One thread, one process.
 */
public final class CodecBenchmark {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "../shared/test-data/k8s-api-fixtures/HEAD");
    long targetBytes = (args.length > 1 ? Long.parseLong(args[1]) : 200) << 20;
    Map<String, Parser<?>> parsers = generatedParsers();
    List<byte[]> values = new ArrayList<>();
    List<Parser<?>> valueParsers = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".pb")).sorted().toList()) {
        byte[] v = Files.readAllBytes(p);
        Envelope env = Envelope.parse(v);
        Descriptor d = ValueCodec.builtin().proto().schemaFor(env.apiVersion(), env.kind()).orElse(null);
        Parser<?> parser = d == null ? null : parsers.get(d.getFullName());
        if (parser != null) { // the same set for both sides: kinds the generated classes have
          values.add(v);
          valueParsers.add(parser);
        }
      }
    }
    long setBytes = values.stream().mapToLong(b -> b.length).sum();
    int rounds = (int) Math.max(1, (targetBytes + setBytes - 1) / setBytes);
    System.out.printf("data: %d fixture values (%.1f KiB) x %d rounds = %.1f MB%n",
        values.size(), setBytes / 1024.0, rounds, setBytes * (double) rounds / 1e6);

    for (int warm = 0; warm < 3; warm++) { // let the JIT compile both paths
      baseline(values, valueParsers, Math.max(1, rounds / 20));
      regshift(values, Math.max(1, rounds / 20));
    }
    long t0 = System.nanoTime();
    long sinkA = baseline(values, valueParsers, rounds);
    long t1 = System.nanoTime();
    long sinkB = regshift(values, rounds);
    long t2 = System.nanoTime();
    double mb = setBytes * (double) rounds / 1e6;
    long objects = (long) values.size() * rounds;
    double base = (t1 - t0) / 1e9;
    double ours = (t2 - t1) / 1e9;
    System.out.printf("protobuf-java generated parse : %8.1f MB/s %10.0f objects/s (%.2f s)%n", mb / base, objects / base, base);
    System.out.printf("regshift decode to JSON tree  : %8.1f MB/s %10.0f objects/s (%.2f s)%n", mb / ours, objects / ours, ours);
    System.out.printf("ratio regshift/baseline time  : %.2fx (goal <= 3x, and >= 50 MB/s)%n", ours / base);
    if (sinkA == 42 && sinkB == 42) {
      System.out.println(); // keeps the results alive
    }
  }

  private static long baseline(List<byte[]> values, List<Parser<?>> parsers, int rounds) throws Exception {
    long sink = 0;
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < values.size(); i++) {
        byte[] v = values.get(i);
        // the envelope, then the object, as a client using the generated classes would
        io.kubernetes.client.proto.Runtime.Unknown u =
            io.kubernetes.client.proto.Runtime.Unknown.parseFrom(ByteString.copyFrom(v, 4, v.length - 4));
        Object o = parsers.get(i).parseFrom(u.getRaw());
        sink += o == null ? 0 : 1; // no hashCode(): it would walk the whole message and skew the baseline
      }
    }
    return sink;
  }

  private static long regshift(List<byte[]> values, int rounds) {
    long sink = 0;
    ValueCodec codec = ValueCodec.builtin();
    for (int r = 0; r < rounds; r++) {
      for (byte[] v : values) {
        StoredValue sv = codec.decode(v);
        sink += sv.object().size();
      }
    }
    return sink;
  }

  /** Every message of client-java-proto's generated classes, by full protobuf name. */
  private static Map<String, Parser<?>> generatedParsers() throws Exception {
    Map<String, Parser<?>> out = new HashMap<>();
    File jar = new File(io.kubernetes.client.proto.V1.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (JarFile jf = new JarFile(jar)) {
      for (var e : (Iterable<java.util.jar.JarEntry>) jf.stream()::iterator) {
        String n = e.getName();
        if (!n.startsWith("io/kubernetes/client/proto/") || !n.endsWith(".class") || n.contains("$")) {
          continue;
        }
        String outer = n.substring(0, n.length() - 6).replace('/', '.');
        Class<?> c = Class.forName(outer);
        Method gd;
        try {
          gd = c.getMethod("getDescriptor");
        } catch (NoSuchMethodException notOuter) {
          continue;
        }
        FileDescriptor fd = (FileDescriptor) gd.invoke(null);
        for (Descriptor d : fd.getMessageTypes()) {
          try {
            Class<?> m = Class.forName(outer + "$" + d.getName());
            out.put(d.getFullName(), (Parser<?>) m.getMethod("parser").invoke(null));
          } catch (ReflectiveOperationException ignored) {
            // not every descriptor has a class of that name
          }
        }
      }
    }
    return out;
  }

  private CodecBenchmark() {}
}
