package io.regshift.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading an EncryptionConfiguration as kube-apiserver does, and refusing a bad one in one line. */
class EncryptionConfigTest {
  static final String K16 = b64(16);
  static final String K32 = b64(32);

  static final String FULL = """
      apiVersion: apiserver.config.k8s.io/v1
      kind: EncryptionConfiguration
      resources:
      - resources:
        - secrets
        - configmaps
        providers:
        - aesgcm:
            keys:
            - name: key2
              secret: %2$s
            - name: key1
              secret: %1$s
        - aescbc:
            keys:
            - name: old
              secret: %2$s
        - identity: {}
      - resources: ["*.apps"]
        providers:
        - secretbox:
            keys:
            - name: box
              secret: %2$s
      - resources: ["*.*"]
        providers:
        - kms:
            apiVersion: v2
            name: vault
            endpoint: unix:///var/run/kms/vault.sock
            timeout: 1m30s
        - identity: {}
      """.formatted(K16, K32);

  @Test
  void resourcesPickTheirRuleThenTheirGroupsWildcardThenEverything() {
    EncryptionConfig c = EncryptionConfig.parse(FULL, "enc.yaml");
    assertEquals(3, c.providersFor(GroupResource.parse("secrets")).size());
    assertInstanceOf(ProviderConfig.Keyed.class, c.providersFor(GroupResource.parse("deployments.apps")).get(0));
    ProviderConfig.Kms kms = (ProviderConfig.Kms) c.providersFor(GroupResource.parse("pods")).get(0);
    assertEquals(Duration.ofSeconds(90), kms.timeout());
    assertEquals("v2", kms.apiVersion());
    assertEquals(kms, c.providersFor(GroupResource.parse("crontabs.stable.example.com")).get(0));
    assertEquals(List.of(kms), c.kmsProviders());
  }

  @Test
  void resourcesNoRuleNamesAreStoredAsPlaintext() {
    EncryptionConfig c = EncryptionConfig.parse("""
        kind: EncryptionConfig
        apiVersion: v1
        resources:
        - resources: [secrets]
          providers:
          - aescbc: {keys: [{name: k, secret: %s}]}
        """.formatted(K32), "legacy.yaml");
    assertEquals(List.of(new ProviderConfig.Identity()), c.providersFor(GroupResource.parse("configmaps")));
    assertEquals(KeyUse.CURRENT, c.use(GroupResource.parse("configmaps"), null));
    assertEquals(KeyUse.MISSING, c.use(GroupResource.parse("secrets"), null), "plaintext secrets: the config has no identity for them");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      secrets          | k8s:enc:aesgcm:v1:key2: | CURRENT
      secrets          | k8s:enc:aesgcm:v1:key1: | STALE
      secrets          | k8s:enc:aescbc:v1:old:  | STALE
      secrets          | -                       | STALE
      secrets          | k8s:enc:aesgcm:v1:key3: | MISSING
      secrets          | k8s:enc:secretbox:v1:box: | MISSING
      deployments.apps | k8s:enc:secretbox:v1:box: | CURRENT
      deployments.apps | -                       | MISSING
      pods             | k8s:enc:kms:v2:vault:   | CURRENT
      pods             | k8s:enc:kms:v1:vault:   | MISSING
      pods             | -                       | STALE
      """)
  void valuesAreCurrentStaleOrMissingAsKubeApiserverWouldReadThem(String resource, String prefix, KeyUse expected) {
    EncryptionConfig c = EncryptionConfig.parse(FULL, "enc.yaml");
    EncryptedValue p = prefix == null ? null : EncryptedValue.parse((prefix + "x").getBytes(StandardCharsets.UTF_8)).orElseThrow();
    assertEquals(expected, c.use(GroupResource.parse(resource), p));
  }

  @Test
  void theSameResourceInTwoRulesGetsBothProviderLists() {
    EncryptionConfig c = EncryptionConfig.parse("""
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers: [{aesgcm: {keys: [{name: a, secret: %1$s}]}}]
        - resources: [secrets]
          providers: [{aescbc: {keys: [{name: b, secret: %1$s}]}}]
        """.formatted(K32), "two.yaml");
    assertEquals(2, c.providersFor(GroupResource.parse("secrets")).size());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      key of the wrong length   | resources: [{resources: [secrets], providers: [{aesgcm: {keys: [{name: k1, secret: c2hvcnQ=}]}}]}] | c.yaml: resources[0].providers[0].aesgcm.keys[0].secret: key "k1": the secret is 5 bytes, but aesgcm keys are 16, 24 or 32 bytes
      secretbox key of 16 bytes | resources: [{resources: [secrets], providers: [{secretbox: {keys: [{name: k1, secret: AAAAAAAAAAAAAAAAAAAAAA==}]}}]}] | c.yaml: resources[0].providers[0].secretbox.keys[0].secret: key "k1": the secret is 16 bytes, but secretbox keys are 32 bytes
      bad base64                | resources: [{resources: [secrets], providers: [{identity: {}}, {aescbc: {keys: [{name: k1, secret: 'not base64!'}]}}]}] | c.yaml: resources[0].providers[1].aescbc.keys[0].secret: key "k1": the secret is not valid base64
      unknown provider          | resources: [{resources: [secrets], providers: [{rot13: {}}]}] | c.yaml: resources[0].providers[0]: unknown provider "rot13" (kube-apiserver knows aescbc, aesgcm, secretbox, kms, identity)
      two providers in one      | resources: [{resources: [secrets], providers: [{identity: {}, aesgcm: {}}]}] | c.yaml: resources[0].providers[0]: more than one provider in one element (identity, aesgcm): split them into list elements
      no keys                   | resources: [{resources: [secrets], providers: [{aesgcm: {keys: []}}]}] | c.yaml: resources[0].providers[0].aesgcm.keys: at least one key is required
      no key name               | resources: [{resources: [secrets], providers: [{aesgcm: {keys: [{secret: AAAAAAAAAAAAAAAAAAAAAA==}]}}]}] | c.yaml: resources[0].providers[0].aesgcm.keys[0].name: a key name is required
      no providers              | resources: [{resources: [secrets]}] | c.yaml: resources[0].providers: at least one provider is required
      no resources              | resources: [] | c.yaml: resources: at least one rule is required
      masked by a wildcard      | resources: [{resources: ['*.*'], providers: [{identity: {}}]}, {resources: [secrets], providers: [{identity: {}}]}] | c.yaml: resources[1].resources[0]: "secrets" is masked by the earlier rule "*.*"
      masked by a group rule    | resources: [{resources: ['*.'], providers: [{identity: {}}]}, {resources: [secrets], providers: [{identity: {}}]}] | c.yaml: resources[1].resources[0]: "secrets" is masked by the earlier rule "*."
      overlap in one list       | resources: [{resources: [deployments.apps, '*.apps'], providers: [{identity: {}}]}] | c.yaml: resources[0].resources: "deployments.apps" and "*.apps" overlap in one list
      twice in one list         | resources: [{resources: [secrets, secrets.], providers: [{identity: {}}]}] | c.yaml: resources[0].resources: "secrets." is listed twice
      across groups             | resources: [{resources: [foos.*], providers: [{identity: {}}]}] | c.yaml: resources[0].resources[0]: "foos.*": a resource across every group is not allowed (use *.* or name the group)
      kms over tcp              | resources: [{resources: [secrets], providers: [{kms: {apiVersion: v2, name: k, endpoint: 'tcp://10.0.0.1:9000'}}]}] | c.yaml: resources[0].providers[0].kms.endpoint: "tcp://10.0.0.1:9000": only unix:// endpoints are supported
      kms bad version           | resources: [{resources: [secrets], providers: [{kms: {apiVersion: v3, name: k, endpoint: 'unix:///k.sock'}}]}] | c.yaml: resources[0].providers[0].kms.apiVersion: "v3": KMS providers are v1 or v2
      kms bad timeout           | resources: [{resources: [secrets], providers: [{kms: {apiVersion: v2, name: k, endpoint: 'unix:///k.sock', timeout: soon}}]}] | c.yaml: resources[0].providers[0].kms.timeout: "soon": a positive duration such as 3s is required
      kms duplicate name        | resources: [{resources: [secrets], providers: [{kms: {apiVersion: v2, name: k, endpoint: 'unix:///k.sock'}}, {kms: {apiVersion: v2, name: k, endpoint: 'unix:///k.sock'}}]}] | c.yaml: resources[0].providers[1].kms.name: duplicate KMS provider name "k"
      """)
  void aBadConfigIsOneLineNamingTheFileAndTheField(String what, String resources, String message) {
    String text = "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\n" + resources + "\n";
    EncryptionConfigException e = assertThrows(EncryptionConfigException.class, () -> EncryptionConfig.parse(text, "c.yaml"));
    assertEquals(message, e.getMessage(), what);
  }

  @Test
  void notAnEncryptionConfigurationAtAll() {
    assertEquals("c.yaml: the file is empty",
        assertThrows(EncryptionConfigException.class, () -> EncryptionConfig.parse("\n", "c.yaml")).getMessage());
    assertEquals("c.yaml: kind \"Secret\" of apiVersion \"v1\" is not an EncryptionConfiguration (apiserver.config.k8s.io/v1)",
        assertThrows(EncryptionConfigException.class, () -> EncryptionConfig.parse("apiVersion: v1\nkind: Secret\n", "c.yaml")).getMessage());
    assertEquals("c.yaml: not YAML or JSON: line 1, column 9: found unexpected end of stream",
        assertThrows(EncryptionConfigException.class, () -> EncryptionConfig.parse("kind: \"x", "c.yaml")).getMessage());
    assertEquals("/nonexistent/enc.yaml: no such file",
        assertThrows(EncryptionConfigException.class, () -> EncryptionConfig.read(java.nio.file.Path.of("/nonexistent/enc.yaml"))).getMessage());
  }

  @Test
  void secretsNeverAppearInMessages() {
    String secret = Base64.getEncoder().encodeToString("seventeen bytes!!".getBytes(StandardCharsets.UTF_8));
    String text = "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources: [{resources: [secrets], providers: [{aesgcm: {keys: [{name: k, secret: "
        + secret + "}]}}]}]\n";
    String m = assertThrows(EncryptionConfigException.class, () -> EncryptionConfig.parse(text, "c.yaml")).getMessage();
    assertEquals(false, m.contains(secret) || m.contains("seventeen"), m);
  }

  static String b64(int n) {
    return Base64.getEncoder().encodeToString(AtRestEncryptor.random(n));
  }
}
