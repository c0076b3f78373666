package io.regshift.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Recognising values encrypted at rest by the envelope the API server writes before the ciphertext. */
class EncryptedValueTest {
    /** Ciphertext bytes, including a ':' that must not be taken for the end of the key name. */
    private static final byte[] CIPHERTEXT = {(byte) 0x9a, ':', 0x00, (byte) 0xff};

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            k8s:enc:aescbc:v1:key1:          | aescbc    | v1 | key1             | encrypted with aescbc key "key1"
            k8s:enc:aesgcm:v1:key2:          | aesgcm    | v1 | key2             | encrypted with aesgcm key "key2"
            k8s:enc:secretbox:v1:key-1:      | secretbox | v1 | key-1            | encrypted with secretbox key "key-1"
            k8s:enc:kms:v1:vault:            | kms       | v1 | vault            | encrypted with kms v1 provider "vault"
            k8s:enc:kms:v2:aws-kms.eu-west1: | kms       | v2 | aws-kms.eu-west1 | encrypted with kms v2 provider "aws-kms.eu-west1"
            k8s:enc:aesgcm:v1:key.2024-01_a: | aesgcm    | v1 | key.2024-01_a    | encrypted with aesgcm key "key.2024-01_a"
            """)
    void readsProviderVersionKeyAndWhereTheCiphertextStarts(String prefix, String provider, String version,
            String keyName, String description) {
        EncryptedValue value = EncryptedValue.parse(withCiphertext(prefix)).orElseThrow();
        assertEquals(provider, value.provider());
        assertEquals(version, value.version());
        assertEquals(keyName, value.keyName());
        assertEquals(prefix.length(), value.payloadOffset());
        assertFalse(value.isMalformed());
        assertEquals(description, value.describe());
        assertEquals(prefix.substring("k8s:enc:".length(), prefix.length() - 1), value.label());
    }

    @Test
    void keyNamesMayHoldAnyCharacterButColon() {
        EncryptedValue value = EncryptedValue.parse(withCiphertext("k8s:enc:aescbc:v1:clé secrète/β:")).orElseThrow();
        assertEquals("clé secrète/β", value.keyName());
        assertFalse(value.isMalformed());
    }

    @Test
    void plaintextValuesAreNotEncrypted() {
        assertEquals(Optional.empty(), EncryptedValue.parse(bytes("k8s\0\n\u0009\n\u0002v1\u0012\u0003Pod")));
        assertEquals(Optional.empty(), EncryptedValue.parse(bytes("{\"kind\":\"Secret\"}")));
        assertEquals(Optional.empty(), EncryptedValue.parse(java.util.HexFormat.of().parseHex("d9d9f7a0")));
        assertEquals(Optional.empty(), EncryptedValue.parse(new byte[0]));
        assertEquals(Optional.empty(), EncryptedValue.parse(bytes("k8s:enc")));
        assertEquals(Optional.empty(), EncryptedValue.parse(bytes("K8S:ENC:aescbc:v1:k:")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            k8s:enc:rot13:v1:key1:                  | rot13  | v1 | key1 | 22 | unknown provider "rot13"
            k8s:enc:aesgcm:v2:key1:                 | aesgcm | v2 | key1 | 23 | unknown version "v2" for provider aesgcm
            k8s:enc:kms:v3:vault:                   | kms    | v3 | vault| 21 | unknown version "v3" for provider kms
            k8s:enc:aesgcm:v1::                     | aesgcm | v1 | ''   | 19 | empty key name
            k8s:enc:aesgcm:v1:key1                  | aesgcm | v1 | -    | -1 | no key name ending in ':'
            k8s:enc:aesgcm                          | -      | -  | -    | -1 | no provider name ending in ':'
            k8s:enc:                                | -      | -  | -    | -1 | no provider name ending in ':'
            k8s:enc:aesgcm:v1                       | aesgcm | -  | -    | -1 | no version ending in ':' after provider
            k8s:enc:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: | -      | -  | -    | -1 | no provider name ending in ':'
            """)
    void malformedPrefixesAreStillReportedAsEncrypted(String value, String provider, String version,
            String keyName, int payloadOffset, String problem) {
        EncryptedValue parsed = EncryptedValue.parse(bytes(value)).orElseThrow();
        assertTrue(parsed.isMalformed());
        assertEquals(provider, parsed.provider());
        assertEquals(version, parsed.version());
        assertEquals(keyName, parsed.keyName());
        assertEquals(payloadOffset, parsed.payloadOffset());
        assertEquals("malformed encryption prefix: " + problem, parsed.describe());
        assertEquals(null, parsed.label());
    }

    private static byte[] withCiphertext(String prefix) {
        byte[] head = bytes(prefix);
        byte[] value = java.util.Arrays.copyOf(head, head.length + CIPHERTEXT.length);
        System.arraycopy(CIPHERTEXT, 0, value, head.length, CIPHERTEXT.length);
        return value;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
