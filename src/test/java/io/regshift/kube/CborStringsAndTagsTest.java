package io.regshift.kube;

import static io.regshift.kube.JsonTrees.hex;
import static io.regshift.kube.JsonTrees.list;
import static io.regshift.kube.JsonTrees.map;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Byte strings and tags, decoded as apimachinery's decode mode turns them into unstructured. */
class CborStringsAndTagsTest {

    @Test
    void byteStringMapKeysAreStringsBecauseKubernetesWritesKeysThatWay() {
        assertEquals(map("a", 1L), Cbor.decode(hex("a1416101")));
    }

    @Test
    void byteStringsThatAreNotUtf8ShowEachBadByteAsReplacementLikeGoJson() {
        // c3 starts a 2-byte sequence that 28 '(' does not continue; e6 b0 is a cut 3-byte one
        assertEquals("\ufffd(", Cbor.decode(hex("42c328")));
        assertEquals("\ufffd\ufffdA", Cbor.decode(hex("43e6b041")));
    }

    @Test
    void tag21GivesUnpaddedBase64Url() {
        assertEquals("-_8A", Cbor.decode(hex("d543fbff00")));
        assertEquals("_w", Cbor.decode(hex("d541ff")));
    }

    @Test
    void tag22GivesPaddedBase64AsJsonCarriesGoByteSlices() {
        assertEquals("+/8A", Cbor.decode(hex("d643fbff00")));
        assertEquals("/w==", Cbor.decode(hex("d641ff")));
    }

    @Test
    void tag23GivesLowercaseHex() {
        assertEquals("fbff00", Cbor.decode(hex("d743fbff00")));
    }

    @Test
    void theInnermostEncodingTagAppliesToEachNestedByteString() {
        // 23([h'ab', 22(h'ff')])
        assertEquals(list("ab", "/w=="), Cbor.decode(hex("d78241abd641ff")));
        // 22({"data": h'ff'}): keys are byte strings too, so they are encoded as well
        assertEquals(map("ZGF0YQ==", "/w=="), Cbor.decode(hex("d6a14464617461" + "41ff")));
    }

    @Test
    void encodingTagsLeaveTextStringsAlone() {
        assertEquals("a", Cbor.decode(hex("d66161")));
    }

    @Test
    void rfc3339TimeTagKeepsItsOffsetAndDropsTrailingZeros() {
        // 0("2013-03-21T20:04:00.500+01:00")
        assertEquals("2013-03-21T20:04:00.5+01:00",
                Cbor.decode(hex("c0781d" + hexOf("2013-03-21T20:04:00.500+01:00"))));
    }

    @Test
    void negativeEpochTimeIsBefore1970InUtc() {
        assertEquals("1969-12-31T23:59:59Z", Cbor.decode(hex("c120")));
    }

    @Test
    void selfDescribedTagMayAppearAnywhere() {
        assertEquals(list(1L), Cbor.decode(hex("81d9d9f701")));
    }

    @Test
    void bignumsThatFitALongBecomeLongs() {
        assertEquals(1L, Cbor.decode(hex("c24101")));
        assertEquals(-2L, Cbor.decode(hex("c34101")));
    }

    private static String hexOf(String text) {
        return java.util.HexFormat.of().formatHex(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
