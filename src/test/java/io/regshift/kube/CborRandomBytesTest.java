package io.regshift.kube;

import static io.regshift.kube.JsonTrees.hex;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Whatever etcd holds, decoding either yields a tree or a CborException: never another
 * exception, a hang, or an out-of-memory from a forged length.
 */
class CborRandomBytesTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void randomBytesDecodeOrFailWithCborException() {
        Random random = new Random(55799);
        for (int i = 0; i < 200_000; i++) {
            byte[] input = new byte[random.nextInt(48)];
            random.nextBytes(input);
            decodeOrReject(input);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void mutatedCustomResourcesDecodeOrFailWithCborException() {
        byte[] original = hex(CborCustomResourceTest.CRON_TAB_HEX);
        Random random = new Random(8949);
        for (int i = 0; i < 100_000; i++) {
            byte[] input = java.util.Arrays.copyOf(original, original.length - random.nextInt(4));
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                input[random.nextInt(input.length)] = (byte) random.nextInt(256);
            }
            decodeOrReject(input);
        }
    }

    /** Any exception but CborException escapes and fails the test. */
    private static void decodeOrReject(byte[] input) {
        try {
            Cbor.decode(input);
        } catch (CborException expected) {
            // rejected cleanly
        }
    }
}
