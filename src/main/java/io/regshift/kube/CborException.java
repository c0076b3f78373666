package io.regshift.kube;

/**
 * A value that is not CBOR, or is CBOR that Kubernetes itself would refuse to decode.
 * The message is one line and names the byte offset, so it can go straight into a report.
 */
public final class CborException extends IllegalArgumentException {
    private final int offset;

    CborException(int offset, String cause) {
        super("CBOR error at byte offset " + offset + ": " + cause);
        this.offset = offset;
    }

    /** Index into the array handed to {@link Cbor#decode} where the offending item starts. */
    public int offset() {
        return offset;
    }
}
