package io.regshift.kube.proto;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shows a message without its schema: keys are field numbers; a length-delimited value is shown
 * as a nested message when it parses as one, as text when it is printable UTF-8, else base64.
 * A field that occurs more than once becomes an array. This is a best guess, and says so.
 */
final class SchemalessDecoder {
  private static final int MAX_DEPTH = 32;
  private final ProtoDecoder metaDecoder;
  private final MessageLayout objectMeta;

  SchemalessDecoder(ProtoDecoder metaDecoder, MessageLayout objectMeta) {
    this.metaDecoder = metaDecoder;
    this.objectMeta = objectMeta;
  }

  Map<String, Object> message(byte[] buf, int off, int end) {
    Map<String, Object> out = fields(buf, off, end, 0, true);
    if (out == null) {
      throw new ProtoException("not a protobuf message");
    }
    return out;
  }

  /** The fields, or null when the bytes are not a well-formed message. */
  private Map<String, Object> fields(byte[] buf, int off, int end, int depth, boolean top) {
    Map<String, Object> out = new LinkedHashMap<>();
    WireReader r = new WireReader(buf, off, end);
    try {
      while (!r.atEnd()) {
        long tag = r.varint();
        int number = (int) (tag >>> 3);
        int wt = (int) (tag & 7);
        if (number <= 0 || number > 536_870_911) {
          return null;
        }
        Object v;
        switch (wt) {
          case 0 -> v = r.varint();
          case 1 -> v = r.fixed64();
          case 5 -> v = (long) r.fixed32();
          case 2 -> {
            int e = r.delimitedEnd();
            Object meta = top && number == 1 ? objectMeta(buf, r.pos, e) : null;
            if (meta != null) {
              v = meta;
            } else {
              v = delimited(buf, r.pos, e, depth);
            }
            r.pos = e;
          }
          default -> {
            return null;
          }
        }
        String key = top && number == 1 && v instanceof Map<?, ?> m && !m.isEmpty() && !isNumbered(m) ? "metadata" : Integer.toString(number);
        Object prev = out.get(key);
        if (prev == null && !out.containsKey(key)) {
          out.put(key, v);
        } else if (prev instanceof Repeated list) {
          list.add(v);
        } else {
          Repeated list = new Repeated();
          list.add(prev);
          list.add(v);
          out.put(key, list);
        }
      }
    } catch (ProtoException e) {
      return null;
    }
    return out;
  }

  /** Field 1 of a Kubernetes object is its ObjectMeta; null when these bytes are not one. */
  private Object objectMeta(byte[] buf, int off, int end) {
    try {
      return metaDecoder.message(objectMeta, buf, off, end);
    } catch (ProtoException notMeta) {
      return null;
    }
  }

  private static boolean isNumbered(Map<?, ?> m) {
    return m.keySet().stream().allMatch(k -> k instanceof String s && !s.isEmpty() && Character.isDigit(s.charAt(0)));
  }

  private Object delimited(byte[] buf, int off, int end, int depth) {
    if (off == end) {
      return "";
    }
    String text = printable(buf, off, end);
    if (text != null) {
      return text;
    }
    if (depth < MAX_DEPTH) {
      Map<String, Object> nested = fields(buf, off, end, depth + 1, false);
      if (nested != null && !nested.isEmpty()) {
        return nested;
      }
    }
    return Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(buf, off, end));
  }

  private static String printable(byte[] buf, int off, int end) {
    try {
      String s = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(buf, off, end - off)).toString();
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
          return null;
        }
      }
      return s;
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** Marks a field seen more than once (a plain List would be mistaken for a value). */
  private static final class Repeated extends ArrayList<Object> {}

}
