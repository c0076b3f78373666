package io.regshift.kube;

/**
 * CBOR as Kubernetes stores custom resources when the CBORServingAndStorage feature gate is
 * on (1.32+): values that start with the self-described CBOR tag, bytes d9 d9 f7.
 *
 * <p>Decoding gives the JSON tree (LinkedHashMap, ArrayList, String, Long or BigInteger,
 * Double, Boolean, null) that the JSON form of the same object gives, and refuses what
 * Kubernetes' decoder refuses; see {@link CborDecoder} for the few deliberate differences.
 */
public final class Cbor {
    /** The self-described CBOR tag head Kubernetes writes before every object. */
    public static final byte[] SELF_DESCRIBED_PREFIX = {(byte) 0xd9, (byte) 0xd9, (byte) 0xf7};

    private Cbor() {
    }

    /** True if the value carries the prefix Kubernetes uses to recognise CBOR. */
    public static boolean isCbor(byte[] value) {
        return value.length >= 3 && value[0] == SELF_DESCRIBED_PREFIX[0]
                && value[1] == SELF_DESCRIBED_PREFIX[1] && value[2] == SELF_DESCRIBED_PREFIX[2];
    }

    /** Decodes exactly one data item filling the whole array. */
    public static Object decode(byte[] data) {
        return decode(data, 0, data.length);
    }

    /**
     * Decodes exactly one data item filling {@code data[offset, offset+length)}. Error offsets
     * count from the start of {@code data}.
     *
     * @throws CborException if the bytes are not one well-formed item Kubernetes would accept
     */
    public static Object decode(byte[] data, int offset, int length) {
        return new CborDecoder(data, offset, length).decodeSingleItem();
    }

    /**
     * Encodes a JSON tree as Kubernetes writes it, self-described prefix included.
     *
     * @throws IllegalArgumentException for values outside the tree, NaN or infinities
     */
    public static byte[] encode(Object tree) {
        return new CborEncoder().encodeSelfDescribed(tree);
    }
}
