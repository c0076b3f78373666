package io.regshift.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Statistics put each key in the row a full parse of the key names, however its resource
 * segments were cached: keys decided by one segment, by two (services/specs, ranges, custom
 * resources' group/plural), and keys outside the prefix, in any order.
 */
class RegistryStatsRowsTest {

    private static final ResourceCatalog CATALOG = ResourceCatalog.builtin();

    private static final List<String> KEYS = List.of(
            "/registry/pods/default/web-0",
            "/registry/pods/kube-system/dns-1",
            "/registry/services/specs/default/kubernetes",
            "/registry/services/endpoints/default/kubernetes",
            "/registry/services/specs/shop/front",
            "/registry/ranges/serviceips",
            "/registry/ranges/servicenodeports",
            "/registry/minions/node-1",
            "/registry/stable.example.com/crontabs/default/my-cron",
            "/registry/stable.example.com/widgets/default/w",
            "/registry/custom.fancy.com/pants/cr2pant",
            "/registry/apiextensions.k8s.io/customresourcedefinitions/crontabs.stable.example.com",
            "/registry/deployments/default/web",
            "/registry/masterleases/10.0.0.1",
            "/registry/nosuchthing",
            "/registry/",
            "/registryx/pods/default/a",
            "compact_rev_key",
            "/other/pods/default/a");

    private static Map<String, Long> expected(List<String> keys, String prefix) {
        return keys.stream().collect(Collectors.groupingBy(k -> {
            RegistryKey parsed = RegistryKeys.parse(k, prefix, CATALOG);
            return parsed.inRegistry() ? parsed.groupResource() : RegistryStats.OUTSIDE;
        }, TreeMap::new, Collectors.counting()));
    }

    private static Map<String, Long> counted(List<String> keys, String prefix) {
        RegistryStats stats = new RegistryStats(prefix, CATALOG);
        for (String k : keys) {
            stats.liveEntry(k.getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8), 1);
        }
        Map<String, Long> rows = new TreeMap<>();
        stats.resources().forEach(r -> rows.merge(r.resource(), r.objects(), Long::sum));
        return rows;
    }

    @Test
    void everyKeyLandsInTheRowItsFullParseNames() {
        Random random = new Random(7);
        for (int round = 0; round < 20; round++) {
            List<String> keys = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                keys.add(KEYS.get(random.nextInt(KEYS.size())));
            }
            assertEquals(expected(keys, "/registry"), counted(keys, "/registry"));
        }
        assertEquals(expected(KEYS, "/registry"), counted(KEYS, "/registry"));
        // a different prefix: /registry keys are then outside it
        List<String> other = KEYS.stream().map(k -> k.replace("/registry/", "/kube/")).toList();
        assertEquals(expected(other, "/kube"), counted(other, "/kube"));
        assertEquals(expected(KEYS, "/kube"), counted(KEYS, "/kube"));
    }

    @Test
    void encodingsOfValuesAreCountedPerForm() {
        RegistryStats stats = new RegistryStats("/registry", CATALOG);
        byte[] key = "/registry/configmaps/a/b".getBytes(StandardCharsets.UTF_8);
        stats.liveEntry(key, new byte[] {'k', '8', 's', 0, 1}, 1);
        stats.liveEntry(key, "  {\"a\":1}".getBytes(StandardCharsets.UTF_8), 1);
        stats.liveEntry(key, " ".repeat(300).concat("{}").getBytes(StandardCharsets.UTF_8), 1); // judged on 256 bytes
        stats.liveEntry(key, new byte[] {(byte) 0xd9, (byte) 0xd9, (byte) 0xf7, 1}, 1);
        stats.liveEntry(key, "k8s:enc:aesgcm:v1:key1:xxxxxxxx".getBytes(StandardCharsets.UTF_8), 1);
        stats.liveEntry(key, new byte[0], 1);
        assertEquals(Map.of("protobuf", 1L, "json", 1L, "raw", 2L, "cbor", 1L, "encrypted:aesgcm:v1:key1", 1L),
                stats.encodings());
    }
}
