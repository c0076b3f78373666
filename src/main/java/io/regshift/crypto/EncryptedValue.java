package io.regshift.crypto;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The envelope of a value encrypted at rest: {@code k8s:enc:<provider>:<version>:<keyName>:}
 * followed by ciphertext. Providers are aescbc, aesgcm and secretbox (v1) and kms (v1, v2),
 * where kms' key name is the name of the KMS provider in the EncryptionConfiguration.
 *
 * <p>A value that starts with {@code k8s:enc:} is encrypted even when the rest of its prefix
 * makes no sense, so it is still returned, with {@link #problem()} set and the fields that
 * could not be read left null; {@link #payloadOffset()} is -1 when the key name has no end.
 *
 * @param provider      provider word, e.g. "aesgcm"; null if unreadable
 * @param version       version word, e.g. "v1"; null if unreadable
 * @param keyName       key (or KMS provider) name, any characters but ':'; null if unreadable
 * @param payloadOffset index of the first ciphertext byte, or -1
 * @param problem       why the prefix is malformed, or null when it is well formed
 */
public record EncryptedValue(String provider, String version, String keyName, int payloadOffset,
        String problem) {

    private static final byte[] MAGIC = "k8s:enc:".getBytes(StandardCharsets.US_ASCII);
    private static final Map<String, List<String>> VERSIONS_BY_PROVIDER = Map.of(
            "aescbc", List.of("v1"),
            "aesgcm", List.of("v1"),
            "secretbox", List.of("v1"),
            "kms", List.of("v1", "v2"));
    /** Provider and version are short words; a longer run without ':' is not one of them. */
    private static final int MAX_WORD = 16;

    /** Empty for values that are not encrypted (protobuf {@code k8s\0}, JSON, CBOR, ...). */
    public static Optional<EncryptedValue> parse(byte[] value) {
        if (!startsWithMagic(value)) {
            return Optional.empty();
        }
        int providerEnd = colonAfter(value, MAGIC.length, MAX_WORD);
        if (providerEnd < 0) {
            return Optional.of(malformed(null, null, "no provider name ending in ':'"));
        }
        String provider = text(value, MAGIC.length, providerEnd);
        int versionEnd = colonAfter(value, providerEnd + 1, MAX_WORD);
        if (versionEnd < 0) {
            return Optional.of(malformed(provider, null, "no version ending in ':' after provider"));
        }
        String version = text(value, providerEnd + 1, versionEnd);
        int keyEnd = colonAfter(value, versionEnd + 1, Integer.MAX_VALUE);
        if (keyEnd < 0) {
            return Optional.of(malformed(provider, version, "no key name ending in ':'"));
        }
        String keyName = text(value, versionEnd + 1, keyEnd);
        return Optional.of(new EncryptedValue(provider, version, keyName, keyEnd + 1,
                problemWith(provider, version, keyName)));
    }

    /** {@code k8s:enc:<provider>:<version>:<keyName>:}, what a writer puts before the payload. */
    public static byte[] prefix(String provider, String version, String keyName) {
        return ("k8s:enc:" + provider + ":" + version + ":" + keyName + ":").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * True when the payload is bound to the etcd key it is stored under (aesgcm and KMS use the
     * key as additional data): copied under another key, it no longer opens. aescbc and
     * secretbox payloads can move; a malformed prefix is treated as bound (nothing is known).
     */
    public boolean bindsKey() {
        return isMalformed() || !(provider.equals("aescbc") || provider.equals("secretbox"));
    }

    public boolean isMalformed() {
        return problem != null;
    }

    /**
     * The prefix's words without {@code k8s:enc:}, e.g. {@code aesgcm:v1:key1} or
     * {@code kms:v2:my-kms}: what ls and stats show as the stored form; null when malformed.
     */
    public String label() {
        return isMalformed() ? null : provider + ":" + version + ":" + keyName;
    }

    /** One phrase for reports: {@code encrypted with aesgcm key "key2"}. */
    public String describe() {
        if (isMalformed()) {
            return "malformed encryption prefix: " + problem;
        }
        if (provider.equals("kms")) {
            return "encrypted with kms " + version + " provider \"" + keyName + "\"";
        }
        return "encrypted with " + provider + " key \"" + keyName + "\"";
    }

    private static String problemWith(String provider, String version, String keyName) {
        List<String> versions = VERSIONS_BY_PROVIDER.get(provider);
        if (versions == null) {
            return "unknown provider \"" + provider + "\"";
        }
        if (!versions.contains(version)) {
            return "unknown version \"" + version + "\" for provider " + provider;
        }
        if (keyName.isEmpty()) {
            return "empty key name";
        }
        return null;
    }

    private static EncryptedValue malformed(String provider, String version, String problem) {
        return new EncryptedValue(provider, version, null, -1, problem);
    }

    private static boolean startsWithMagic(byte[] value) {
        if (value.length < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (value[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** Index of the first ':' at or after {@code from} within {@code maxLength} bytes, or -1. */
    private static int colonAfter(byte[] value, int from, int maxLength) {
        long limit = Math.min(value.length, (long) from + maxLength + 1);
        for (int i = from; i < limit; i++) {
            if (value[i] == ':') {
                return i;
            }
        }
        return -1;
    }

    private static String text(byte[] value, int from, int to) {
        return new String(value, from, to - from, StandardCharsets.UTF_8);
    }
}
