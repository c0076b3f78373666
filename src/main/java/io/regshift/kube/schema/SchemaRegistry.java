package io.regshift.kube.schema;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Maps apiVersion + kind to the protobuf message Kubernetes stores it as, for every API
 * version the harvested schemas cover (see {@link SchemaHarvester}).
 */
public final class SchemaRegistry {
  static final String RESOURCE = "k8s-schemas.pb";
  private static final String META_V1 = "k8s.io.apimachinery.pkg.apis.meta.v1";
  private static volatile SchemaRegistry builtin;

  private final Map<String, Descriptor> messages = new HashMap<>();
  private final List<String> sources;

  private SchemaRegistry(FileDescriptorSet set, List<String> sources) {
    this.sources = sources;
    Map<String, FileDescriptorProto> protos = new HashMap<>();
    set.getFileList().forEach(f -> protos.put(f.getName(), f));
    Map<String, FileDescriptor> built = new HashMap<>();
    for (FileDescriptorProto f : set.getFileList()) {
      build(f.getName(), protos, built);
    }
    built.values().forEach(fd -> fd.getMessageTypes().forEach(this::index));
  }

  /** The schemas harvested at build time. */
  public static SchemaRegistry builtin() {
    SchemaRegistry r = builtin;
    if (r == null) {
      synchronized (SchemaRegistry.class) {
        if (builtin == null) {
          builtin = load();
        }
        r = builtin;
      }
    }
    return r;
  }

  private static SchemaRegistry load() {
    try (InputStream in = SchemaRegistry.class.getResourceAsStream(RESOURCE);
        InputStream src = SchemaRegistry.class.getResourceAsStream(RESOURCE + ".sources")) {
      if (in == null) {
        throw new IllegalStateException("schema resource " + RESOURCE + " missing: the build did not harvest schemas");
      }
      List<String> sources = src == null ? List.of()
          : new String(src.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("#")).toList();
      return new SchemaRegistry(FileDescriptorSet.parseFrom(in), sources);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static FileDescriptor build(String name, Map<String, FileDescriptorProto> protos, Map<String, FileDescriptor> built) {
    FileDescriptor done = built.get(name);
    if (done != null || !protos.containsKey(name)) {
      return done;
    }
    FileDescriptorProto proto = protos.get(name);
    List<FileDescriptor> deps = new ArrayList<>();
    for (String d : proto.getDependencyList()) {
      FileDescriptor dep = build(d, protos, built);
      if (dep != null) {
        deps.add(dep);
      }
    }
    try {
      FileDescriptor fd = FileDescriptor.buildFrom(proto, deps.toArray(new FileDescriptor[0]), true);
      built.put(name, fd);
      return fd;
    } catch (DescriptorValidationException e) {
      throw new IllegalStateException("harvested schema " + name + " does not link: " + e.getMessage(), e);
    }
  }

  private void index(Descriptor d) {
    messages.put(d.getFullName(), d);
    d.getNestedTypes().forEach(this::index);
  }

  /** The message for a full protobuf name such as {@code k8s.io.api.core.v1.Pod}. */
  public Optional<Descriptor> message(String fullName) {
    return Optional.ofNullable(messages.get(fullName));
  }

  /** The message kube-apiserver encodes {@code apiVersion}/{@code kind} as, if any schema has it. */
  public Optional<Descriptor> forKind(String apiVersion, String kind) {
    if (kind == null || kind.isEmpty() || apiVersion == null || apiVersion.isEmpty()) {
      return Optional.empty();
    }
    String pkg = protoPackage(apiVersion);
    Descriptor d = pkg == null ? null : messages.get(pkg + "." + kind);
    if (d == null) {
      // Status, DeleteOptions, WatchEvent... are meta/v1 types served in every group.
      d = messages.get(META_V1 + "." + kind);
    }
    return Optional.ofNullable(d);
  }

  /** The protobuf package Kubernetes generates for an API group version. */
  static String protoPackage(String apiVersion) {
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = apiVersion.substring(slash + 1);
    if (group.isEmpty()) {
      return "k8s.io.api.core." + version;
    }
    return switch (group) {
      case "apiextensions.k8s.io" -> "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions." + version;
      case "apiregistration.k8s.io" -> "k8s.io.kube_aggregator.pkg.apis.apiregistration." + version;
      case "internal.apiserver.k8s.io" -> "k8s.io.api.apiserverinternal." + version;
      case "metrics.k8s.io" -> "k8s.io.metrics.pkg.apis.metrics." + version;
      case "meta.k8s.io" -> "k8s.io.apimachinery.pkg.apis.meta." + version;
      default -> group.endsWith(".k8s.io") || !group.contains(".")
          ? "k8s.io.api." + group.substring(0, group.contains(".") ? group.indexOf('.') : group.length()) + "." + version
          : null;
    };
  }

  /** Every top-level object message (field 1 is ObjectMeta), keyed by its full name. */
  public Map<String, Descriptor> objectMessages() {
    Map<String, Descriptor> out = new TreeMap<>();
    for (Descriptor d : messages.values()) {
      FieldDescriptor f = d.findFieldByNumber(1);
      if (d.getContainingType() == null && f != null && f.getType() == FieldDescriptor.Type.MESSAGE
          && f.getMessageType().getFullName().equals(META_V1 + ".ObjectMeta")) {
        out.put(d.getFullName(), d);
      }
    }
    return out;
  }

  /** Where the schemas came from (one line per source: file, Kubernetes minor, proto files). */
  public List<String> sources() {
    return Collections.unmodifiableList(sources);
  }
}
