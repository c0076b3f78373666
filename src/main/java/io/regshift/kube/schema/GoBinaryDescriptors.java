package io.regshift.kube.schema;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Finds the protobuf descriptors that gogo-generated Go code embeds in a binary: each
 * generated.proto is registered as a gzip stream of its FileDescriptorProto, written by Go's
 * gzip with best compression and no header fields, so the stream starts with a fixed 10 bytes.
 */
final class GoBinaryDescriptors {
  private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 2, (byte) 0xff};
  private static final int MAX_DESCRIPTOR = 8 << 20;
  private static final String VENDOR = "k8s.io/kubernetes/vendor/";

  static List<FileDescriptorProto> read(Path binary) throws IOException {
    Map<String, FileDescriptorProto> found = new LinkedHashMap<>();
    try (FileChannel ch = FileChannel.open(binary, StandardOpenOption.READ)) {
      if (ch.size() > Integer.MAX_VALUE) {
        return List.of();
      }
      MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
      int limit = buf.limit() - GZIP_HEADER.length;
      for (int i = 0; i < limit; i++) {
        if (buf.get(i) != GZIP_HEADER[0] || !headerAt(buf, i)) {
          continue;
        }
        FileDescriptorProto file = inflate(buf, i + GZIP_HEADER.length);
        if (file != null && file.getName().startsWith("k8s.io/")) {
          file = unvendored(file);
          found.putIfAbsent(file.getName(), file);
        }
      }
    }
    return new ArrayList<>(found.values());
  }

  /** Binaries built inside the kubernetes repo name files by their vendor path: use the plain one. */
  private static FileDescriptorProto unvendored(FileDescriptorProto file) {
    if (!file.getName().startsWith(VENDOR)) {
      return file;
    }
    FileDescriptorProto.Builder b = file.toBuilder().setName(file.getName().substring(VENDOR.length()));
    b.clearDependency();
    file.getDependencyList().forEach(d -> b.addDependency(d.startsWith(VENDOR) ? d.substring(VENDOR.length()) : d));
    return b.build();
  }

  private static boolean headerAt(MappedByteBuffer buf, int at) {
    for (int j = 1; j < GZIP_HEADER.length; j++) {
      if (buf.get(at + j) != GZIP_HEADER[j]) {
        return false;
      }
    }
    return true;
  }

  /** The descriptor deflated at {@code start}, or null when the bytes there are something else. */
  private static FileDescriptorProto inflate(MappedByteBuffer buf, int start) {
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(buf.slice(start, Math.min(buf.limit() - start, MAX_DESCRIPTOR)));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] chunk = new byte[64 << 10];
      while (!inflater.finished() && out.size() < MAX_DESCRIPTOR) {
        int n = inflater.inflate(chunk);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          return null;
        }
        out.write(chunk, 0, n);
      }
      byte[] bytes = out.toByteArray();
      if (bytes.length == 0 || bytes[0] != 0x0a) {
        return null;
      }
      return FileDescriptorProto.parseFrom(bytes);
    } catch (DataFormatException | InvalidProtocolBufferException e) {
      return null;
    } finally {
      inflater.end();
    }
  }

  private GoBinaryDescriptors() {}
}
