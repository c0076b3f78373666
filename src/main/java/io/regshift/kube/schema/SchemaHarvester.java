package io.regshift.kube.schema;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Build-time tool: collects Kubernetes' protobuf descriptors from every source the build has
 * and merges them into one FileDescriptorSet, so that API versions Kubernetes has removed
 * since (extensions/v1beta1, policy/v1beta1 PodSecurityPolicy, ...) still decode.
 *
 * <p>Sources: every client-java-proto release (each loaded in its own class loader next to a
 * protobuf runtime that can run its generated code; nothing of it reaches the runtime class
 * path), and kubectl binaries, whose gogo-generated code (Kubernetes up to 1.34) embeds each
 * generated.proto as a gzipped FileDescriptorProto; client-java-proto only ever generated a
 * subset of the API groups. Merging is per message, oldest source first: the newest definition
 * wins, and fields or messages that only older sources have are kept.
 *
 * <p>Usage: {@code SchemaHarvester OUT_FILE JAR_DIR [BINARY_DIR_OR_FILE...]}. JAR_DIR holds
 * {@code client-java-proto-<version>.jar} files and {@code protobuf-java-<version>.jar} runtimes
 * (the newest runtime that loads a release is used). Binary directories are searched for files
 * named {@code kubectl*}; missing ones are skipped, and what was used is written beside OUT_FILE.
 */
public final class SchemaHarvester {
  private static final Pattern RELEASE = Pattern.compile("client-java-proto-(\\d+)\\.(\\d+)\\.(\\d+)\\.jar");
  private static final Pattern RUNTIME = Pattern.compile("protobuf-java-(\\d+)\\.(\\d+)\\.(\\d+)\\.jar");

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: SchemaHarvester OUT_FILE JAR_DIR [BINARY_DIR_OR_FILE...]");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    Path dir = Path.of(args[1]);
    List<Path> runtimes = matching(dir, RUNTIME);
    List<Source> sources = new ArrayList<>();
    for (Path release : matching(dir, RELEASE)) {
      sources.add(new Source(release, kubernetesMinorOfRelease(release), () -> harvest(release, runtimes)));
    }
    for (int i = 2; i < args.length; i++) {
      for (Path binary : kubectlBinaries(Path.of(args[i]))) {
        sources.add(new Source(binary, kubernetesMinorOfBinary(binary), () -> GoBinaryDescriptors.read(binary)));
      }
    }
    if (sources.isEmpty() || runtimes.isEmpty()) {
      throw new IllegalStateException("no client-java-proto releases or protobuf runtimes in " + dir);
    }
    sources.sort(Comparator.comparingInt(Source::minor)); // oldest first, so newer definitions win
    Map<String, FileDescriptorProto> merged = new LinkedHashMap<>();
    StringBuilder manifest = new StringBuilder("# sources of the Kubernetes schemas, oldest first: path, Kubernetes minor, proto files\n");
    for (Source source : sources) {
      List<FileDescriptorProto> files = source.reader().read();
      for (FileDescriptorProto file : files) {
        merged.merge(file.getName(), file, (older, newer) -> mergeFile(older, newer));
      }
      manifest.append(source.path().getFileName()).append('\t').append(source.minor()).append('\t').append(files.size()).append('\n');
    }
    FileDescriptorSet.Builder set = FileDescriptorSet.newBuilder();
    merged.values().forEach(set::addFile);
    Files.createDirectories(out.getParent());
    try (OutputStream os = Files.newOutputStream(out)) {
      set.build().writeTo(os);
    }
    Files.writeString(out.resolveSibling(out.getFileName() + ".sources"), manifest);
    System.out.printf("harvested %d proto files from %d sources into %s%n", merged.size(), sources.size(), out);
  }

  private interface DescriptorReader {
    List<FileDescriptorProto> read() throws Exception;
  }

  private record Source(Path path, int minor, DescriptorReader reader) {}

  /** client-java-proto N.x carries the API of Kubernetes 1.(N+8): 6.0 is 1.14, 27.0 is 1.35. */
  private static int kubernetesMinorOfRelease(Path release) {
    Matcher m = RELEASE.matcher(release.getFileName().toString());
    m.matches();
    return Integer.parseInt(m.group(1)) + 8;
  }

  /** kubectl.1.NN carries 1.NN; an unversioned kubectl is taken as the oldest. */
  private static int kubernetesMinorOfBinary(Path binary) {
    Matcher m = Pattern.compile("kubectl\\.1\\.(\\d+)").matcher(binary.getFileName().toString());
    return m.matches() ? Integer.parseInt(m.group(1)) : 0;
  }

  private static List<Path> kubectlBinaries(Path p) throws IOException {
    if (Files.isRegularFile(p)) {
      return List.of(p);
    }
    if (!Files.isDirectory(p)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(p)) {
      return s.filter(f -> f.getFileName().toString().matches("kubectl(\\.1\\.\\d+)?"))
          .filter(Files::isRegularFile)
          .map(f -> {
            try {
              return f.toRealPath();
            } catch (IOException e) {
              return f;
            }
          })
          .distinct()
          .sorted()
          .toList();
    }
  }

  /** Jars whose names match, sorted by version (oldest first). */
  static List<Path> matching(Path dir, Pattern p) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(f -> p.matcher(f.getFileName().toString()).matches())
          .sorted(Comparator.comparing(f -> version(p, f)))
          .toList();
    }
  }

  private static String version(Pattern p, Path f) {
    Matcher m = p.matcher(f.getFileName().toString());
    m.matches();
    return String.format("%05d.%05d.%05d", Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
  }

  /** Descriptors of one release, trying runtimes newest first until its generated code loads. */
  static List<FileDescriptorProto> harvest(Path release, List<Path> runtimes) throws Exception {
    Exception last = null;
    for (int i = runtimes.size() - 1; i >= 0; i--) {
      try {
        return harvestWith(release, runtimes.get(i));
      } catch (Exception | LinkageError e) {
        last = e instanceof Exception ex ? ex : new RuntimeException(e);
      }
    }
    throw new IllegalStateException("cannot load " + release.getFileName(), last);
  }

  private static List<FileDescriptorProto> harvestWith(Path release, Path runtime) throws Exception {
    System.setProperty("com.google.protobuf.use_unsafe_pre22_gencode", "true");
    List<FileDescriptorProto> files = new ArrayList<>();
    try (URLClassLoader loader = new URLClassLoader(
            new URL[] {release.toUri().toURL(), runtime.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        JarFile jar = new JarFile(release.toFile())) {
      for (JarEntry e : (Iterable<JarEntry>) jar.stream()::iterator) {
        String n = e.getName();
        if (!n.startsWith("io/kubernetes/client/proto/") || !n.endsWith(".class") || n.contains("$")) {
          continue;
        }
        Class<?> outer = Class.forName(n.substring(0, n.length() - 6).replace('/', '.'), true, loader);
        Method getDescriptor;
        try {
          getDescriptor = outer.getMethod("getDescriptor");
        } catch (NoSuchMethodException notOuter) {
          continue;
        }
        Object fd = getDescriptor.invoke(null);
        Object proto = fd.getClass().getMethod("toProto").invoke(fd);
        byte[] bytes = (byte[]) proto.getClass().getMethod("toByteArray").invoke(proto);
        files.add(FileDescriptorProto.parseFrom(bytes));
      }
    }
    return files;
  }

  static FileDescriptorProto mergeFile(FileDescriptorProto older, FileDescriptorProto newer) {
    FileDescriptorProto.Builder b = newer.toBuilder();
    b.clearMessageType().addAllMessageType(mergeMessages(older.getMessageTypeList(), newer.getMessageTypeList()));
    b.clearEnumType().addAllEnumType(mergeEnums(older.getEnumTypeList(), newer.getEnumTypeList()));
    for (String dep : older.getDependencyList()) {
      if (!b.getDependencyList().contains(dep)) {
        b.addDependency(dep);
      }
    }
    return b.build();
  }

  private static List<DescriptorProto> mergeMessages(List<DescriptorProto> older, List<DescriptorProto> newer) {
    Map<String, DescriptorProto> byName = new LinkedHashMap<>();
    newer.forEach(m -> byName.put(m.getName(), m));
    for (DescriptorProto old : older) {
      byName.merge(old.getName(), old, (n, o) -> mergeMessage(o, n));
    }
    return new ArrayList<>(byName.values());
  }

  private static DescriptorProto mergeMessage(DescriptorProto older, DescriptorProto newer) {
    DescriptorProto.Builder b = newer.toBuilder();
    for (FieldDescriptorProto f : older.getFieldList()) {
      boolean known = newer.getFieldList().stream()
          .anyMatch(n -> n.getNumber() == f.getNumber() || n.getName().equals(f.getName()));
      if (!known) {
        b.addField(f); // a field an older release had: keep it so old data stays readable
      }
    }
    b.clearNestedType().addAllNestedType(mergeMessages(older.getNestedTypeList(), newer.getNestedTypeList()));
    b.clearEnumType().addAllEnumType(mergeEnums(older.getEnumTypeList(), newer.getEnumTypeList()));
    return b.build();
  }

  private static List<EnumDescriptorProto> mergeEnums(List<EnumDescriptorProto> older, List<EnumDescriptorProto> newer) {
    Map<String, EnumDescriptorProto> byName = new LinkedHashMap<>();
    newer.forEach(e -> byName.put(e.getName(), e));
    for (EnumDescriptorProto old : older) {
      byName.merge(old.getName(), old, (n, o) -> {
        EnumDescriptorProto.Builder b = n.toBuilder();
        for (EnumValueDescriptorProto v : o.getValueList()) {
          if (n.getValueList().stream().noneMatch(x -> x.getNumber() == v.getNumber() || x.getName().equals(v.getName()))) {
            b.addValue(v);
          }
        }
        return b.build();
      });
    }
    return new ArrayList<>(byName.values());
  }

  private SchemaHarvester() {}
}
