package io.regshift.cli;

import io.regshift.kube.ManifestReader;
import io.regshift.kube.ValueCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code regshift encode}: a Kubernetes object (YAML or JSON) to the bytes kube-apiserver stores. */
@Command(name = "encode", description = {
    "Encode one YAML or JSON object into its stored form: the protobuf envelope for built-in kinds,",
    "JSON for CRDs, APIServices and custom resources."})
final class EncodeCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "YAML or JSON file holding one object; - or none reads stdin.")
  List<String> files = new ArrayList<>();

  @Option(names = "--api-version", paramLabel = "V", description = "apiVersion for an object that has none.")
  String apiVersion;

  @Option(names = "--format", paramLabel = "F", defaultValue = "stored",
      description = "stored (default: as kube-apiserver would store it), protobuf, or json.")
  String format;

  @Option(names = {"-f", "--file"}, paramLabel = "OUT", description = "Write to OUT (via a temp file, renamed when complete) instead of stdout.")
  Path outFile;

  @Override
  public Integer call() throws IOException {
    List<Map<String, Object>> objects = new ArrayList<>();
    for (String arg : files.isEmpty() ? List.of("-") : files) {
      String name = arg.equals("-") ? "<stdin>" : arg;
      String text;
      try {
        text = arg.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : Files.readString(Path.of(arg));
      } catch (NoSuchFileException e) {
        throw new UsageException(name + ": no such file");
      }
      try {
        objects.addAll(ManifestReader.read(text));
      } catch (IllegalArgumentException e) {
        throw new UsageException(name + ": " + e.getMessage());
      }
    }
    if (objects.size() != 1) {
      throw new UsageException("encode takes exactly one object, got " + objects.size());
    }
    Map<String, Object> obj = objects.get(0);
    if (apiVersion != null) {
      Object have = obj.get("apiVersion");
      if (have != null && !apiVersion.equals(have)) {
        throw new UsageException("the object is " + have + ", not " + apiVersion + " (encode does not convert between versions)");
      }
      obj.put("apiVersion", apiVersion);
    }
    byte[] bytes;
    try {
      bytes = switch (format) {
        case "stored" -> ValueCodec.builtin().encode(obj);
        case "protobuf" -> ValueCodec.builtin().encodeProtobuf(obj);
        case "json" -> (io.regshift.kube.Json.write(obj) + "\n").getBytes(StandardCharsets.UTF_8);
        default -> throw new UsageException("--format must be stored, protobuf or json, not " + format);
      };
    } catch (IllegalArgumentException e) {
      throw new UsageException(describe(obj) + ": " + e.getMessage());
    }
    if (outFile == null) {
      OutputStream out = System.out;
      out.write(bytes);
      out.flush();
    } else {
      Path tmp = Files.createTempFile(outFile.toAbsolutePath().getParent(), "." + outFile.getFileName(), ".tmp");
      try {
        Files.write(tmp, bytes);
        Files.move(tmp, outFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    return Main.OK;
  }

  private static String describe(Map<String, Object> obj) {
    Object meta = obj.get("metadata");
    Object name = meta instanceof Map<?, ?> m ? m.get("name") : null;
    return obj.get("kind") + (name == null ? "" : " " + name);
  }
}
