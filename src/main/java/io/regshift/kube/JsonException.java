package io.regshift.kube;

/** Malformed JSON text, or a tree that cannot be written as JSON; the message is one line. */
public class JsonException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public JsonException(String message) {
        super(message);
    }
}
