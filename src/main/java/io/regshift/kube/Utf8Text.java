package io.regshift.kube;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** UTF-8 decoding in the two flavours the Kubernetes CBOR decoder needs. */
final class Utf8Text {
    private Utf8Text() {
    }

    /** Strict decoding for CBOR text strings, which must be valid UTF-8; null if they are not. */
    static String strict(byte[] data, int offset, int length) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return decoder.decode(ByteBuffer.wrap(data, offset, length)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    /**
     * Byte strings become Go strings, which may hold any bytes; Go's JSON encoder then writes
     * each byte that is not part of valid UTF-8 as U+FFFD. Doing the same here gives the tree
     * the JSON form of the object would give.
     */
    static String lenient(byte[] data, int offset, int length) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(data, offset, length);
        CharBuffer out = CharBuffer.allocate(length);
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isUnderflow()) {
                break;
            }
            // Output never overflows: each byte yields at most one char, a 4-byte sequence two.
            for (int i = 0; i < result.length(); i++) {
                out.put('\uFFFD');
            }
            in.position(in.position() + result.length());
        }
        decoder.flush(out);
        return out.flip().toString();
    }
}
