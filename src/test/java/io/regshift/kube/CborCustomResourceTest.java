package io.regshift.kube;

import static io.regshift.kube.JsonTrees.hex;
import static io.regshift.kube.JsonTrees.list;
import static io.regshift.kube.JsonTrees.map;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A custom resource as the API server stores it with CBORServingAndStorage on. */
class CborCustomResourceTest {

    /**
     * Written by hand the way apimachinery's encoder lays it out: every string a byte string
     * (major type 2, heads 0x40+length), map keys ordered by their encoded bytes, which for
     * byte strings means shorter keys first.
     */
    static final String CRON_TAB_HEX = ""
            + "d9d9f7" // self-described CBOR, tag 55799
            + "a4" // map, 4 pairs
            + "446b696e64" // "kind"
            + "4743726f6e546162" // "CronTab"
            + "4473706563" // "spec"
            + "a2" // map, 2 pairs
            + "4863726f6e53706563" // "cronSpec"
            + "4b2a202a202a202a202a2f35" // "* * * * */5"
            + "487265706c69636173" // "replicas"
            + "03" // 3
            + "486d65746164617461" // "metadata"
            + "a3" // map, 3 pairs
            + "43756964" // "uid"
            + "5824" // byte string, 36 bytes (0x58 = length in next byte)
            + "30633465356230612d356337642d346238612d396633652d326131623363346435653666"
            + "446e616d65" // "name"
            + "4178" // "x"
            + "496e616d657370616365" // "namespace"
            + "4764656661756c74" // "default"
            + "4a61706956657273696f6e" // "apiVersion"
            + "55737461626c652e6578616d706c652e636f6d2f7631"; // "stable.example.com/v1"

    static Map<String, Object> cronTab() {
        return map(
                "apiVersion", "stable.example.com/v1",
                "kind", "CronTab",
                "metadata", map("name", "x", "namespace", "default",
                        "uid", "0c4e5b0a-5c7d-4b8a-9f3e-2a1b3c4d5e6f"),
                "spec", map("cronSpec", "* * * * */5", "replicas", 3L));
    }

    @Test
    void decodesTheStoredCustomResourceToItsJsonTree() {
        assertEquals(cronTab(), Cbor.decode(hex(CRON_TAB_HEX)));
    }

    @Test
    void keepsKeysInStoredOrder() {
        @SuppressWarnings("unchecked")
        Map<String, Object> decoded = (Map<String, Object>) Cbor.decode(hex(CRON_TAB_HEX));
        assertEquals(list("kind", "spec", "metadata", "apiVersion"), new ArrayList<>(decoded.keySet()));
    }

    @Test
    void encodesTheTreeToTheBytesKubernetesStores() {
        assertArrayEquals(hex(CRON_TAB_HEX), Cbor.encode(cronTab()));
    }

    @Test
    void recognisesTheSelfDescribedPrefix() {
        assertTrue(Cbor.isCbor(hex(CRON_TAB_HEX)));
        assertFalse(Cbor.isCbor("{\"kind\":\"CronTab\"}".getBytes()));
        assertFalse(Cbor.isCbor(hex("d9d9")));
    }

    @Test
    void decodesAValueInsideALargerBuffer() {
        byte[] buffer = hex("ffff" + CRON_TAB_HEX + "ff");
        assertEquals(cronTab(), Cbor.decode(buffer, 2, buffer.length - 3));
    }
}
