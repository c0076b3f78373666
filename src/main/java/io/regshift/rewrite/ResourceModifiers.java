package io.regshift.rewrite;

import io.regshift.kube.Json;
import io.regshift.kube.ManifestReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Velero's resource modifiers file (version v1), read and checked completely before anything is
 * written: {@code resourceModifierRules}, each with {@code conditions} (groupResource glob,
 * resourceNameRegex, namespaces, labelSelector, matches) and either JSON {@code patches} or
 * {@code mergePatches}. The file may also be the ConfigMap Velero reads it from.
 *
 * <p>Values of patches and matches are strings, read as Velero reads them: {@code "true"},
 * {@code "false"}, {@code "null"}, numbers and text starting with '{' or '[' are JSON; a value in
 * double quotes inside the string ({@code '"80"'}) is the string without them; the rest are
 * strings. A YAML mapping or list as value (which Velero refuses) is taken as that JSON value.
 */
public final class ResourceModifiers {

  /** The conditions of a rule; all must hold, on the object as it was before any rule. */
  public record Conditions(Glob groupResource, Pattern resourceNameRegex, List<Glob> namespaces,
      LabelSelector labelSelector, JsonPatch matches) {}

  /**
   * One rule.
   *
   * @param index        its place in resourceModifierRules, from 0
   * @param line         its line in the file, from 1
   * @param patches      the JSON patch, or null
   * @param mergePatches the merge patches (empty when the rule has a JSON patch)
   */
  public record Rule(int index, int line, Conditions conditions, JsonPatch patches, List<MergePatch> mergePatches) {
    /** The rule as reports name it: {@code modifiers[0]}, its index in the file. */
    public String name() {
      return "modifiers[" + index + "]";
    }
  }

  private final String source;
  private final List<Rule> rules;

  private ResourceModifiers(String source, List<Rule> rules) {
    this.source = source;
    this.rules = List.copyOf(rules);
  }

  public String source() {
    return source;
  }

  public List<Rule> rules() {
    return rules;
  }

  /** @throws ModifiersFileException naming the file, line and cause */
  public static ResourceModifiers read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ModifiersFileException(file + ": no such file");
    } catch (java.nio.charset.MalformedInputException e) {
      throw new ModifiersFileException(file + ": not UTF-8 text");
    } catch (IOException e) {
      throw new ModifiersFileException(file + ": " + e.getMessage());
    }
    return parse(text, file.toString());
  }

  /** @throws ModifiersFileException naming {@code source}, the line and the cause */
  public static ResourceModifiers parse(String text, String source) {
    Node root = compose(text, source, 0);
    if (root instanceof MappingNode m && isConfigMap(m)) {
      root = configMapData(m, source);
    }
    return new Reader(source).file(root);
  }

  private static Node compose(String text, String source, int lineOffset) {
    LoadSettings settings = LoadSettings.builder().setAllowDuplicateKeys(false).build();
    try {
      Node root = new Compose(settings).composeString(text).orElse(null);
      if (root == null) {
        throw new ModifiersFileException(source + ": empty (expected version: v1 and resourceModifierRules)");
      }
      return root;
    } catch (MarkedYamlEngineException e) {
      String where = e.getProblemMark().map(m -> ", line " + (m.getLine() + 1 + lineOffset)).orElse("");
      throw new ModifiersFileException(source + where + ": not valid YAML: " + e.getProblem());
    } catch (YamlEngineException e) {
      throw new ModifiersFileException(source + ": not valid YAML: " + e.getMessage());
    }
  }

  private static boolean isConfigMap(MappingNode m) {
    for (NodeTuple t : m.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("kind")
          && t.getValueNode() instanceof ScalarNode v && v.getValue().equals("ConfigMap")) {
        return true;
      }
    }
    return false;
  }

  /** Velero's ConfigMap holds the file as its one data entry. */
  private static Node configMapData(MappingNode cm, String source) {
    for (NodeTuple t : cm.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("data") && t.getValueNode() instanceof MappingNode data) {
        if (data.getValue().size() != 1 || !(data.getValue().get(0).getValueNode() instanceof ScalarNode text)) {
          throw new ModifiersFileException(source + ", line " + line(data) + ": a resource modifiers ConfigMap holds exactly one"
              + " data entry (the rules file), this one has " + data.getValue().size());
        }
        // a block scalar's text starts on the line after its indicator
        int offset = line(text) - (text.getScalarStyle() == org.snakeyaml.engine.v2.common.ScalarStyle.LITERAL
            || text.getScalarStyle() == org.snakeyaml.engine.v2.common.ScalarStyle.FOLDED ? 0 : 1);
        Node inner = compose(text.getValue(), source, offset);
        shift(inner, offset);
        return inner;
      }
    }
    throw new ModifiersFileException(source + ": a ConfigMap without data (expected the rules file as its one data entry)");
  }

  private static final String LINE_OFFSET = "regshift.lineOffset";

  private static void shift(Node n, int offset) {
    n.setProperty(LINE_OFFSET, offset);
    if (n instanceof MappingNode m) {
      m.getValue().forEach(t -> {
        shift(t.getKeyNode(), offset);
        shift(t.getValueNode(), offset);
      });
    } else if (n instanceof SequenceNode s) {
      s.getValue().forEach(c -> shift(c, offset));
    }
  }

  static int line(Node n) {
    Object offset = n.getProperty(LINE_OFFSET);
    return n.getStartMark().map(m -> m.getLine() + 1).orElse(0) + (offset == null ? 0 : (Integer) offset);
  }

  /** Walks the composed YAML, naming the field and line of every problem. */
  private static final class Reader {
    private final String source;

    Reader(String source) {
      this.source = source;
    }

    private ModifiersFileException error(Node at, String field, String cause) {
      return new ModifiersFileException(source + ", line " + line(at) + (field.isEmpty() ? "" : " (" + field + ")") + ": " + cause);
    }

    ResourceModifiers file(Node root) {
      Map<String, NodeTuple> top = fields(root, "", List.of("version", "resourceModifierRules"));
      NodeTuple version = top.get("version");
      if (version == null) {
        throw error(root, "", "no version (expected version: v1)");
      }
      String v = scalar(version.getValueNode(), "version");
      if (!v.equalsIgnoreCase("v1")) {
        throw error(version.getValueNode(), "version", "unsupported version \"" + v + "\" (this is Velero's version v1 format)");
      }
      NodeTuple list = top.get("resourceModifierRules");
      if (list == null || !(list.getValueNode() instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
        throw error(list == null ? root : list.getValueNode(), "resourceModifierRules", "resource modifier rules cannot be empty");
      }
      List<Rule> rules = new ArrayList<>();
      for (Node n : seq.getValue()) {
        rules.add(rule(n, rules.size()));
      }
      return new ResourceModifiers(source, rules);
    }

    private Rule rule(Node n, int index) {
      String at = "resourceModifierRules[" + index + "]";
      Map<String, NodeTuple> f = fields(n, at, List.of("conditions", "patches", "mergePatches", "strategicPatches"));
      if (f.containsKey("strategicPatches")) {
        throw error(f.get("strategicPatches").getKeyNode(), at + ".strategicPatches", "strategic merge patches are not"
            + " supported (they need each type's merge keys); use mergePatches, or patches (JSON Patch) for lists");
      }
      if (!f.containsKey("conditions")) {
        throw error(n, at, "no conditions (groupResource at least)");
      }
      Conditions conditions = conditions(f.get("conditions").getValueNode(), at + ".conditions");
      List<Node> patches = sequence(f.get("patches"), at + ".patches");
      List<Node> merges = sequence(f.get("mergePatches"), at + ".mergePatches");
      if (patches.isEmpty() && merges.isEmpty()) {
        throw error(n, at, "no patches and no mergePatches: the rule would change nothing");
      }
      if (!patches.isEmpty() && !merges.isEmpty()) {
        throw error(n, at, "both patches and mergePatches: Velero applies only the patches then; put them in two rules");
      }
      JsonPatch json = null;
      if (!patches.isEmpty()) {
        List<JsonPatch.Operation> ops = new ArrayList<>();
        for (Node p : patches) {
          ops.add(operation(p, at + ".patches[" + ops.size() + "]"));
        }
        json = new JsonPatch(ops);
      }
      List<MergePatch> mergePatches = new ArrayList<>();
      for (Node m : merges) {
        mergePatches.add(mergePatch(m, at + ".mergePatches[" + mergePatches.size() + "]"));
      }
      return new Rule(index, line(n), conditions, json, mergePatches);
    }

    private Conditions conditions(Node n, String at) {
      Map<String, NodeTuple> f = fields(n, at, List.of("groupResource", "resourceNameRegex", "namespaces", "labelSelector", "matches"));
      NodeTuple gr = f.get("groupResource");
      if (gr == null) {
        throw error(n, at + ".groupResource", "groupResource cannot be empty (e.g. persistentvolumeclaims, deployments.apps, *.apps)");
      }
      String grText = scalar(gr.getValueNode(), at + ".groupResource");
      if (grText.isEmpty()) {
        throw error(gr.getValueNode(), at + ".groupResource", "groupResource cannot be empty");
      }
      Glob groupResource = glob(gr.getValueNode(), grText, at + ".groupResource");
      Pattern regex = null;
      if (f.containsKey("resourceNameRegex")) {
        Node r = f.get("resourceNameRegex").getValueNode();
        String text = scalar(r, at + ".resourceNameRegex");
        if (!text.isEmpty()) {
          try {
            regex = Pattern.compile(text);
          } catch (PatternSyntaxException e) {
            throw error(r, at + ".resourceNameRegex", "not a regular expression: " + e.getDescription() + " near index " + e.getIndex());
          }
        }
      }
      List<Glob> namespaces = new ArrayList<>();
      List<Node> ns = sequence(f.get("namespaces"), at + ".namespaces");
      for (Node x : ns) {
        namespaces.add(glob(x, scalar(x, at + ".namespaces[" + namespaces.size() + "]"), at + ".namespaces[" + namespaces.size() + "]"));
      }
      LabelSelector selector = f.containsKey("labelSelector") ? labelSelector(f.get("labelSelector").getValueNode(), at + ".labelSelector") : null;
      List<JsonPatch.Operation> tests = new ArrayList<>();
      List<Node> matches = sequence(f.get("matches"), at + ".matches");
      for (Node m : matches) {
        String mat = at + ".matches[" + tests.size() + "]";
        Map<String, NodeTuple> mf = fields(m, mat, List.of("path", "value"));
        JsonPointer path = pointer(mf.get("path"), m, mat + ".path");
        Object value = value(mf.get("value"), m, mat + ".value");
        tests.add(new JsonPatch.Operation(JsonPatch.Op.TEST, path, null, value));
      }
      return new Conditions(groupResource, regex, namespaces, selector, tests.isEmpty() ? null : new JsonPatch(tests));
    }

    private LabelSelector labelSelector(Node n, String at) {
      Map<String, NodeTuple> f = fields(n, at, List.of("matchLabels", "matchExpressions"));
      Map<String, String> labels = new LinkedHashMap<>();
      if (f.containsKey("matchLabels")) {
        Node ml = f.get("matchLabels").getValueNode();
        if (!(ml instanceof MappingNode m)) {
          throw error(ml, at + ".matchLabels", "expected a mapping of label names to values");
        }
        for (NodeTuple t : m.getValue()) {
          String k = scalar(t.getKeyNode(), at + ".matchLabels");
          labels.put(k, scalar(t.getValueNode(), at + ".matchLabels." + k));
        }
      }
      List<LabelSelector.Requirement> reqs = new ArrayList<>();
      for (Node e : sequence(f.get("matchExpressions"), at + ".matchExpressions")) {
        String eat = at + ".matchExpressions[" + reqs.size() + "]";
        Map<String, NodeTuple> ef = fields(e, eat, List.of("key", "operator", "values"));
        if (!ef.containsKey("key") || !ef.containsKey("operator")) {
          throw error(e, eat, "needs key and operator");
        }
        String key = scalar(ef.get("key").getValueNode(), eat + ".key");
        String op = scalar(ef.get("operator").getValueNode(), eat + ".operator");
        LabelSelector.Operator operator;
        try {
          operator = LabelSelector.Operator.valueOf(op);
        } catch (IllegalArgumentException x) {
          throw error(ef.get("operator").getValueNode(), eat + ".operator", "unknown operator \"" + op + "\" (In, NotIn, Exists, DoesNotExist)");
        }
        Set<String> values = new LinkedHashSet<>();
        for (Node v : sequence(ef.get("values"), eat + ".values")) {
          values.add(scalar(v, eat + ".values"));
        }
        try {
          reqs.add(new LabelSelector.Requirement(key, operator, values));
        } catch (IllegalArgumentException x) {
          throw error(e, eat, x.getMessage());
        }
      }
      return new LabelSelector(labels, reqs);
    }

    private JsonPatch.Operation operation(Node n, String at) {
      Map<String, NodeTuple> f = fields(n, at, List.of("operation", "path", "from", "value"));
      if (!f.containsKey("operation")) {
        throw error(n, at + ".operation", "operation cannot be empty (add, remove, replace, move, copy or test)");
      }
      Node opNode = f.get("operation").getValueNode();
      String opText = scalar(opNode, at + ".operation");
      JsonPatch.Op op;
      try {
        op = JsonPatch.Op.valueOf(opText.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw error(opNode, at + ".operation", "unsupported operation \"" + opText + "\" (add, remove, replace, move, copy or test)");
      }
      JsonPointer path = pointer(f.get("path"), n, at + ".path");
      JsonPointer from = null;
      if (op == JsonPatch.Op.MOVE || op == JsonPatch.Op.COPY) {
        if (!f.containsKey("from")) {
          throw error(n, at + ".from", op.jsonName() + " needs from: the JSON pointer of the value to " + op.jsonName());
        }
        from = pointer(f.get("from"), n, at + ".from");
      } else if (f.containsKey("from")) {
        throw error(f.get("from").getKeyNode(), at + ".from", op.jsonName() + " takes no from");
      }
      Object value = null;
      if (op == JsonPatch.Op.ADD || op == JsonPatch.Op.REPLACE || op == JsonPatch.Op.TEST) {
        value = value(f.get("value"), n, at + ".value");
      } else if (f.containsKey("value")) {
        throw error(f.get("value").getKeyNode(), at + ".value", op.jsonName() + " takes no value");
      }
      return new JsonPatch.Operation(op, path, from, value);
    }

    private MergePatch mergePatch(Node n, String at) {
      Map<String, NodeTuple> f = fields(n, at, List.of("patchData"));
      if (!f.containsKey("patchData")) {
        throw error(n, at + ".patchData", "no patchData (the merge patch, as YAML or JSON text)");
      }
      Node data = f.get("patchData").getValueNode();
      Object patch;
      if (data instanceof MappingNode) {
        patch = tree(data); // written as YAML directly rather than as text: the same patch
      } else {
        String text = scalar(data, at + ".patchData");
        List<Map<String, Object>> docs;
        try {
          docs = ManifestReader.read(text);
        } catch (IllegalArgumentException e) {
          throw error(data, at + ".patchData", "not valid YAML or JSON: " + e.getMessage());
        }
        if (docs.size() != 1) {
          throw error(data, at + ".patchData", "expected one object, found " + docs.size());
        }
        patch = docs.get(0);
      }
      return new MergePatch(patch);
    }

    private JsonPointer pointer(NodeTuple t, Node owner, String at) {
      if (t == null) {
        throw error(owner, at, "path cannot be empty");
      }
      String text = scalar(t.getValueNode(), at);
      if (text.isEmpty()) {
        throw error(t.getValueNode(), at, "path cannot be empty");
      }
      try {
        return JsonPointer.parse(text);
      } catch (IllegalArgumentException e) {
        throw error(t.getValueNode(), at, e.getMessage());
      }
    }

    /** A patch or match value, read as Velero reads its string (see the class comment). */
    private Object value(NodeTuple t, Node owner, String at) {
      if (t == null) {
        throw error(owner, at, "no value (write value: \"\" for an empty string)");
      }
      Node n = t.getValueNode();
      if (n instanceof MappingNode || n instanceof SequenceNode) {
        return tree(n);
      }
      ScalarNode s = (ScalarNode) n;
      if (s.getTag().equals(Tag.NULL)) {
        throw error(n, at, "the value is YAML null, which Velero reads as \"\"; write value: \"\" for an empty string, or"
            + " value: \"null\" for JSON null");
      }
      String text = s.getValue();
      if (text.isEmpty()) {
        return "";
      }
      if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
        return text.substring(1, text.length() - 1);
      }
      if (text.equals("null")) {
        return null;
      }
      if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
        return Boolean.parseBoolean(text.toLowerCase(Locale.ROOT));
      }
      if (text.startsWith("{") || text.startsWith("[") || GO_FLOAT.matcher(text).matches()) {
        try {
          return Json.parse(text);
        } catch (RuntimeException e) {
          throw error(n, at, (text.startsWith("{") || text.startsWith("[") ? "the value starts like JSON but is not: "
              + e.getMessage() : "the value " + text + " reads as a number but is not a JSON one")
              + " (a string in quotes, '\"" + text + "\"', is taken as that string)");
        }
      }
      return text;
    }

    /** What Go's strconv.ParseFloat takes (Velero then writes the text as a JSON number). */
    private static final Pattern GO_FLOAT = Pattern.compile(
        "[+-]?(?:(?:\\d[\\d_]*(?:\\.[\\d_]*)?|\\.\\d[\\d_]*)(?:[eE][+-]?\\d+)?|0[xX][\\p{XDigit}_.]+(?:[pP][+-]?\\d+)?|(?i:inf|infinity|nan))");

    private Glob glob(Node n, String text, String at) {
      try {
        return Glob.compile(text, '.');
      } catch (IllegalArgumentException e) {
        throw error(n, at, e.getMessage());
      }
    }

    private Map<String, NodeTuple> fields(Node n, String at, List<String> known) {
      if (!(n instanceof MappingNode m)) {
        throw error(n, at, "expected a mapping with " + String.join(", ", known));
      }
      Map<String, NodeTuple> out = new LinkedHashMap<>();
      for (NodeTuple t : m.getValue()) {
        String k = scalar(t.getKeyNode(), at);
        if (!known.contains(k)) {
          String hint = k.equals("groupKind") ? " (Velero's early docs said groupKind; the field is groupResource)"
              : " (known: " + String.join(", ", known) + ")";
          throw error(t.getKeyNode(), at.isEmpty() ? k : at + "." + k, "unknown field \"" + k + "\"" + hint);
        }
        out.put(k, t);
      }
      return out;
    }

    private List<Node> sequence(NodeTuple t, String at) {
      if (t == null || t.getValueNode() instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) {
        return List.of();
      }
      if (!(t.getValueNode() instanceof SequenceNode s)) {
        throw error(t.getValueNode(), at, "expected a list");
      }
      return s.getValue();
    }

    private String scalar(Node n, String at) {
      if (!(n instanceof ScalarNode s)) {
        throw error(n, at, "expected a single value, not a " + (n instanceof MappingNode ? "mapping" : "list"));
      }
      return s.getTag().equals(Tag.NULL) ? "" : s.getValue();
    }

    /** A YAML node as a JSON tree (values that Velero would refuse, taken for what they say). */
    private Object tree(Node n) {
      if (n instanceof MappingNode m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
          out.put(scalar(t.getKeyNode(), ""), tree(t.getValueNode()));
        }
        return out;
      }
      if (n instanceof SequenceNode s) {
        List<Object> out = new ArrayList<>();
        s.getValue().forEach(c -> out.add(tree(c)));
        return out;
      }
      ScalarNode s = (ScalarNode) n;
      Tag tag = s.getTag();
      if (tag.equals(Tag.NULL)) {
        return null;
      }
      if (tag.equals(Tag.BOOL)) {
        return Boolean.parseBoolean(s.getValue());
      }
      if (tag.equals(Tag.INT) || tag.equals(Tag.FLOAT)) {
        try {
          return Json.parse(s.getValue());
        } catch (RuntimeException e) {
          return s.getValue();
        }
      }
      return s.getValue();
    }
  }
}
