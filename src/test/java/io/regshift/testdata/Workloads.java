package io.regshift.testdata;

import static io.regshift.testdata.Trees.NULL;
import static io.regshift.testdata.Trees.list;
import static io.regshift.testdata.Trees.map;
import static io.regshift.testdata.Trees.strings;

import io.regshift.kube.Json;
import io.regshift.testdata.Registry.Obj;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Workload objects as kube-apiserver stores them once its defaulting, admission and the
 * controllers have had their say: user manifests (what {@code kubectl apply} sends) go through
 * the same defaults the API applies, then controllers add the objects they own (ReplicaSets,
 * Pods, Endpoints, EndpointSlices, Events) with real owner uids.
 */
final class Workloads {
  static final String KCM = "kube-controller-manager";
  static final String KUBECTL_APPLY = "kubectl-client-side-apply";
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  /** A node pods run on; pod IPs come from its podCIDR in order, as host-local IPAM hands them. */
  static final class Node {
    final String name;
    final String ip;
    final String podCidr;
    private final String podNet; // "10.244.1."
    private int nextPodIp = 2;
    private int pods;
    Obj obj;

    /** The index-th node: its pod CIDR is the index-th /24 of the cluster CIDR 10.244.0.0/14. */
    Node(String name, String ip, int index) {
      this.name = name;
      this.ip = ip;
      this.podNet = "10." + (244 + index / 256) + "." + (index % 256) + ".";
      this.podCidr = podNet + "0/24";
    }

    String nextPodIp() {
      pods++;
      if (nextPodIp > 254) {
        nextPodIp = 2; // long-gone pods' addresses are reused
      }
      return podNet + nextPodIp++;
    }

    int podCount() {
      return pods;
    }
  }

  /** One container of an app, as its user wrote it. */
  record ContainerSpec(String name, String image, int port, String portName, int envVars,
      boolean probes, String cpuRequest, String memoryRequest, String memoryLimit,
      List<String[]> mounts) {}

  /** What a user deploys: a Deployment (and usually a Service) of these containers. */
  record AppSpec(String name, int replicas, List<ContainerSpec> containers,
      List<Map<String, Object>> volumes, String serviceAccount, String serviceType,
      int servicePort, Map<String, String> extraLabels) {

    ContainerSpec main() {
      return containers.get(0);
    }
  }

  /** A deployed app and the objects kube made for it. */
  static final class App {
    final String namespace;
    final AppSpec spec;
    Obj deployment;
    Obj replicaSet;
    String podTemplateHash;
    final List<Obj> pods = new ArrayList<>();
    final Map<String, Node> podNodes = new LinkedHashMap<>();
    Obj service;
    Obj endpoints;
    Obj endpointSlice;

    App(String namespace, AppSpec spec) {
      this.namespace = namespace;
      this.spec = spec;
    }

    String name() {
      return spec.name();
    }
  }

  private final Registry reg;
  private final Seeded random;
  private final Clock clock;
  private final boolean lifecycle;

  /**
   * @param lifecycle write each object's life as kube does (create, then the scheduler's,
   *     kubelet's and controllers' updates, each its own revision); false writes each object once
   *     in its final state, for big generated clusters
   */
  Workloads(Registry reg, boolean lifecycle) {
    this.reg = reg;
    this.random = reg.random();
    this.clock = reg.clock();
    this.lifecycle = lifecycle;
  }

  boolean lifecycle() {
    return lifecycle;
  }

  /**
   * Writes an object through its life: created as {@code initial}, then changed by each stage
   * (a controller's or kubelet's update), a second apart; or, without lifecycle, created once
   * with every stage applied.
   */
  @SafeVarargs
  final Obj write(Map<String, Object> initial, Consumer<Map<String, Object>>... stages) {
    if (!lifecycle) {
      Map<String, Object> tree = Trees.copy(initial);
      for (Consumer<Map<String, Object>> stage : stages) {
        stage.accept(tree);
      }
      return reg.create(tree);
    }
    Obj obj = reg.create(initial);
    for (Consumer<Map<String, Object>> stage : stages) {
      clock.advanceMillis(900 + random.nextInt(400));
      obj = reg.update(obj, stage);
    }
    return obj;
  }

  // ---------------------------------------------------------------- user manifests + defaults

  /** The Deployment a user applies: the manifest kubectl sends, before the API's defaults. */
  Map<String, Object> deploymentManifest(String namespace, AppSpec app) {
    Map<String, Object> labels = appLabels(app);
    List<Object> containers = new ArrayList<>();
    for (ContainerSpec c : app.containers()) {
      containers.add(containerManifest(c, app));
    }
    Map<String, Object> podSpec = map("containers", containers);
    if (app.serviceAccount() != null) {
      podSpec.put("serviceAccountName", app.serviceAccount());
    }
    if (!app.volumes().isEmpty()) {
      podSpec.put("volumes", Trees.listOf(app.volumes()));
    }
    return map(
        "apiVersion", "apps/v1",
        "kind", "Deployment",
        "metadata", map("labels", labels, "name", app.name(), "namespace", namespace),
        "spec", map(
            "replicas", app.replicas(),
            "selector", map("matchLabels", strings("app", app.name())),
            "template", map(
                "metadata", map("labels", Trees.copy(labels)),
                "spec", podSpec)));
  }

  private Map<String, Object> containerManifest(ContainerSpec c, AppSpec app) {
    Map<String, Object> m = map("name", c.name(), "image", c.image());
    if (c.port() > 0) {
      m.put("ports", list(map("containerPort", c.port(), "name", c.portName())));
    }
    if (c.envVars() > 0) {
      m.put("env", env(c, app));
    }
    Map<String, Object> requests = map("cpu", c.cpuRequest(), "memory", c.memoryRequest());
    m.put("resources", map("limits", map("memory", c.memoryLimit()), "requests", requests));
    if (c.probes() && c.port() > 0) {
      m.put("readinessProbe", map(
          "httpGet", map("path", "/healthz", "port", c.portName()),
          "initialDelaySeconds", 5, "periodSeconds", 10));
      m.put("livenessProbe", map(
          "httpGet", map("path", "/livez", "port", c.portName()),
          "initialDelaySeconds", 15, "periodSeconds", 20, "failureThreshold", 5));
    }
    if (!c.mounts().isEmpty()) {
      List<Object> mounts = new ArrayList<>();
      for (String[] mount : c.mounts()) {
        mounts.add(mount.length > 2
            ? map("mountPath", mount[1], "name", mount[0], "readOnly", true)
            : map("mountPath", mount[1], "name", mount[0]));
      }
      m.put("volumeMounts", mounts);
    }
    return m;
  }

  private static final String[] ENV_NAMES = {"LOG_LEVEL", "LOG_FORMAT", "HTTP_PORT",
      "METRICS_ENABLED", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME", "CACHE_TTL_SECONDS",
      "FEATURE_FLAGS", "DB_HOST", "DB_PORT", "DB_NAME", "DB_POOL_SIZE", "REDIS_URL", "QUEUE_URL",
      "REQUEST_TIMEOUT", "MAX_CONNECTIONS", "TZ", "LANG", "JAVA_TOOL_OPTIONS", "GOMAXPROCS",
      "UPSTREAM_URL", "RATE_LIMIT_RPS", "SENTRY_ENVIRONMENT", "BUILD_CHANNEL"};

  private List<Object> env(ContainerSpec c, AppSpec app) {
    List<Object> env = new ArrayList<>();
    env.add(map("name", "POD_NAME", "valueFrom", map("fieldRef", map("fieldPath", "metadata.name"))));
    env.add(map("name", "POD_NAMESPACE",
        "valueFrom", map("fieldRef", map("fieldPath", "metadata.namespace"))));
    for (int i = 0; i < c.envVars() - 2 && i < ENV_NAMES.length; i++) {
      String value = switch (ENV_NAMES[i]) {
        case "LOG_LEVEL" -> "info";
        case "LOG_FORMAT" -> "json";
        case "HTTP_PORT" -> Integer.toString(c.port());
        case "OTEL_EXPORTER_OTLP_ENDPOINT" -> "http://otel-collector.observability.svc:4317";
        case "OTEL_SERVICE_NAME", "DB_NAME" -> app.name();
        case "DB_HOST" -> app.name() + "-db." + "svc.cluster.local";
        case "DB_PORT" -> "5432";
        case "REDIS_URL" -> "redis://redis:6379/0";
        case "QUEUE_URL" -> "amqp://rabbitmq:5672/" + app.name();
        case "JAVA_TOOL_OPTIONS" -> "-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError";
        case "FEATURE_FLAGS" -> "checkout-v2,fast-search,new-header=" + random.nextInt(100);
        case "TZ" -> "UTC";
        case "LANG" -> "C.UTF-8";
        case "UPSTREAM_URL" -> "http://" + app.name() + "-upstream:8080";
        default -> Integer.toString(1 + random.nextInt(500));
      };
      env.add(map("name", ENV_NAMES[i], "value", value));
    }
    return env;
  }

  static Map<String, Object> appLabels(AppSpec app) {
    Map<String, Object> labels = strings("app", app.name());
    app.extraLabels().forEach(labels::put);
    return labels;
  }

  /** What the API's defaulting adds to a pod spec (in a template or a pod). */
  @SuppressWarnings("unchecked")
  static void defaultPodSpec(Map<String, Object> spec) {
    for (Object o : Trees.listAt(spec, "containers")) {
      Map<String, Object> c = (Map<String, Object>) o;
      String image = (String) c.get("image");
      c.putIfAbsent("imagePullPolicy", image.endsWith(":latest") || !image.contains(":")
          ? "Always" : "IfNotPresent");
      c.putIfAbsent("resources", map());
      c.putIfAbsent("terminationMessagePath", "/dev/termination-log");
      c.putIfAbsent("terminationMessagePolicy", "File");
      if (c.get("ports") instanceof List<?> ports) {
        for (Object p : ports) {
          ((Map<String, Object>) p).putIfAbsent("protocol", "TCP");
        }
      }
      if (c.get("env") instanceof List<?> env) {
        for (Object e : env) {
          Object fieldRef = Trees.at(e, "valueFrom", "fieldRef");
          if (fieldRef instanceof Map<?, ?> ref) {
            ((Map<String, Object>) ref).putIfAbsent("apiVersion", "v1");
          }
        }
      }
      for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
        if (c.get(probe) instanceof Map<?, ?> p) {
          Map<String, Object> pm = (Map<String, Object>) p;
          pm.putIfAbsent("failureThreshold", 3L);
          pm.putIfAbsent("periodSeconds", 10L);
          pm.putIfAbsent("successThreshold", 1L);
          pm.putIfAbsent("timeoutSeconds", 1L);
          if (pm.get("httpGet") instanceof Map<?, ?> h) {
            ((Map<String, Object>) h).putIfAbsent("scheme", "HTTP");
          }
        }
      }
    }
    spec.putIfAbsent("dnsPolicy", "ClusterFirst");
    spec.putIfAbsent("restartPolicy", "Always");
    spec.putIfAbsent("schedulerName", "default-scheduler");
    spec.putIfAbsent("securityContext", map());
    if (spec.containsKey("serviceAccountName")) {
      spec.put("serviceAccount", spec.get("serviceAccountName")); // the deprecated twin
    }
    spec.putIfAbsent("terminationGracePeriodSeconds", 30L);
    if (spec.get("volumes") instanceof List<?> volumes) {
      for (Object v : volumes) {
        for (String source : List.of("configMap", "secret")) {
          if (((Map<?, ?>) v).get(source) instanceof Map<?, ?> s) {
            ((Map<String, Object>) s).putIfAbsent("defaultMode", 420L);
          }
        }
      }
    }
  }

  /** The stored Deployment kubectl apply creates: defaults, last-applied annotation, managedFields. */
  Map<String, Object> deployment(Map<String, Object> manifest) {
    Map<String, Object> d = Trees.copy(manifest);
    annotateLastApplied(d, manifest);
    Map<String, Object> spec = Trees.mapAt(d, "spec");
    spec.putIfAbsent("progressDeadlineSeconds", 600L);
    spec.putIfAbsent("revisionHistoryLimit", 10L);
    spec.putIfAbsent("strategy", map(
        "rollingUpdate", map("maxSurge", "25%", "maxUnavailable", "25%"),
        "type", "RollingUpdate"));
    defaultPodSpec(Trees.mapAt(spec, "template", "spec"));
    reg.manage(d, KUBECTL_APPLY, "Update", userFields(d), null);
    return d;
  }

  /** Records what kubectl apply sent, in the annotation kubectl reads next time. */
  static void annotateLastApplied(Map<String, Object> obj, Map<String, Object> manifest) {
    Map<String, Object> sent = Trees.copy(manifest);
    Trees.ensure(sent, "metadata", "annotations");
    Map<String, Object> annotations = Trees.ensure(obj, "metadata", "annotations");
    annotations.put(LAST_APPLIED, Json.write(sent) + "\n");
  }

  /** The fields a user's request set: metadata labels/annotations and everything but status. */
  static Map<String, Object> userFields(Map<String, Object> obj) {
    Map<String, Object> partial = new LinkedHashMap<>();
    Map<String, Object> meta = new LinkedHashMap<>();
    for (String k : List.of("labels", "annotations")) {
      if (Trees.at(obj, "metadata", k) instanceof Map<?, ?> m && !m.isEmpty()) {
        Map<String, Object> owned = Trees.copy(Trees.mapAt(obj, "metadata", k));
        owned.remove("deployment.kubernetes.io/revision");
        if (!owned.isEmpty()) {
          meta.put(k, owned);
        }
      }
    }
    if (!meta.isEmpty()) {
      partial.put("metadata", meta);
    }
    for (Map.Entry<String, Object> e : obj.entrySet()) {
      if (!List.of("apiVersion", "kind", "metadata", "status").contains(e.getKey())) {
        partial.put(e.getKey(), e.getValue());
      }
    }
    return partial;
  }

  // ---------------------------------------------------------------- controllers' objects

  /**
   * The deployment controller's pod-template-hash: FNV-32a of the template, as decimal text
   * encoded with SafeEncodeString (so only the characters 4-9 and b, c, d, f appear).
   */
  static String podTemplateHash(Map<String, Object> template) {
    int hash = 0x811c9dc5;
    for (byte b : Json.write(template).getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x01000193;
    }
    String decimal = Long.toString(Integer.toUnsignedLong(hash));
    StringBuilder out = new StringBuilder();
    for (char ch : decimal.toCharArray()) {
      out.append(Seeded.KUBE_ALPHANUMS.charAt(ch % Seeded.KUBE_ALPHANUMS.length()));
    }
    return out.toString();
  }

  static Map<String, Object> ownerRef(Obj owner, boolean controller) {
    Map<String, Object> ref = map(
        "apiVersion", owner.apiVersion(),
        "kind", owner.kind(),
        "name", owner.name(),
        "uid", owner.uid());
    if (controller) {
      ref.put("controller", true);
      ref.put("blockOwnerDeletion", true);
    }
    return ref;
  }

  /** The ReplicaSet the deployment controller creates for the deployment's current template. */
  Map<String, Object> replicaSet(Obj deployment, String hash, int replicas) {
    Map<String, Object> dspec = Trees.mapAt(deployment.tree(), "spec");
    Map<String, Object> template = Trees.copy(Trees.mapAt(dspec, "template"));
    Trees.ensure(template, "metadata", "labels").put("pod-template-hash", hash);
    Map<String, Object> labels = Trees.copy(Trees.mapAt(template, "metadata", "labels"));
    Map<String, Object> selector = Trees.copy(Trees.mapAt(dspec, "selector"));
    Trees.ensure(selector, "matchLabels").put("pod-template-hash", hash);
    long max = replicas + surge(replicas);
    Map<String, Object> rs = map(
        "apiVersion", "apps/v1",
        "kind", "ReplicaSet",
        "metadata", map(
            "name", deployment.name() + "-" + hash,
            "namespace", deployment.namespace(),
            "labels", labels,
            "annotations", strings(
                "deployment.kubernetes.io/desired-replicas", Integer.toString(replicas),
                "deployment.kubernetes.io/max-replicas", Long.toString(max),
                "deployment.kubernetes.io/revision", "1"),
            "ownerReferences", list(ownerRef(deployment, true))),
        "spec", map("replicas", replicas, "selector", selector, "template", template));
    Map<String, Object> owned = new LinkedHashMap<>();
    owned.put("metadata", map(
        "annotations", Trees.copy(Trees.mapAt(rs, "metadata", "annotations")),
        "labels", Trees.copy(labels),
        "ownerReferences", Trees.copy(Trees.listAt(rs, "metadata", "ownerReferences"))));
    owned.put("spec", Trees.copy(Trees.mapAt(rs, "spec")));
    reg.manage(rs, KCM, "Update", owned, null);
    return rs;
  }

  private static long surge(int replicas) {
    return (long) Math.ceil(replicas * 0.25);
  }

  /** A pod the ReplicaSet (or DaemonSet) controller creates from its template: not yet scheduled. */
  Map<String, Object> pod(Obj owner, String name, String generateName, Map<String, Object> template,
      String kubeApiAccessSuffix) {
    Map<String, Object> spec = Trees.copy(Trees.mapAt(template, "spec"));
    Map<String, Object> labels = Trees.copy(Trees.mapAt(template, "metadata", "labels"));
    Map<String, Object> meta = map("name", name, "generateName", generateName,
        "namespace", owner.namespace(), "labels", labels,
        "ownerReferences", list(ownerRef(owner, true)));
    Map<String, Object> pod = map("apiVersion", "v1", "kind", "Pod", "metadata", meta, "spec", spec);
    reg.manage(pod, KCM, "Update", map(
        "metadata", map("generateName", generateName, "labels", Trees.copy(labels),
            "ownerReferences", Trees.copy(Trees.listAt(meta, "ownerReferences"))),
        "spec", Trees.copy(spec)), null);
    // Admission: service account, token volume, priority, default tolerations.
    String sa = spec.get("serviceAccountName") instanceof String s ? s : "default";
    spec.put("serviceAccountName", sa);
    spec.put("serviceAccount", sa);
    spec.putIfAbsent("enableServiceLinks", true);
    spec.putIfAbsent("preemptionPolicy", "PreemptLowerPriority");
    spec.putIfAbsent("priority", 0L);
    List<Object> tolerations = spec.get("tolerations") instanceof List<?> t
        ? Trees.listOf(t) : new ArrayList<>();
    for (String taint : List.of("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")) {
      tolerations.add(map("effect", "NoExecute", "key", taint, "operator", "Exists",
          "tolerationSeconds", 300));
    }
    spec.put("tolerations", tolerations);
    String volumeName = "kube-api-access-" + kubeApiAccessSuffix;
    List<Object> volumes = spec.get("volumes") instanceof List<?> v ? Trees.listOf(v) : new ArrayList<>();
    volumes.add(map("name", volumeName, "projected", map(
        "defaultMode", 420,
        "sources", list(
            map("serviceAccountToken", map("expirationSeconds", 3607, "path", "token")),
            map("configMap", map("items", list(map("key", "ca.crt", "path", "ca.crt")),
                "name", "kube-root-ca.crt")),
            map("downwardAPI", map("items", list(map(
                "fieldRef", map("apiVersion", "v1", "fieldPath", "metadata.namespace"),
                "path", "namespace"))))))));
    spec.put("volumes", volumes);
    for (Object c : Trees.listAt(spec, "containers")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> container = (Map<String, Object>) c;
      List<Object> mounts = container.get("volumeMounts") instanceof List<?> m
          ? Trees.listOf(m) : new ArrayList<>();
      mounts.add(map("mountPath", "/var/run/secrets/kubernetes.io/serviceaccount",
          "name", volumeName, "readOnly", true));
      container.put("volumeMounts", mounts);
    }
    return pod;
  }

  /** The scheduler's binding: nodeName and the PodScheduled condition. */
  Consumer<Map<String, Object>> bind(Node node) {
    return pod -> {
      Trees.mapAt(pod, "spec").put("nodeName", node.name);
      Map<String, Object> status = Trees.ensure(pod, "status");
      status.put("conditions", list(condition("PodScheduled", clock.time())));
      status.put("phase", "Pending");
      status.put("qosClass", qosClass(pod));
    };
  }

  /** The kubelet's status once every container runs and is ready. */
  Consumer<Map<String, Object>> running(Node node, boolean hostNetwork) {
    return pod -> {
      String podIp = hostNetwork ? node.ip : node.nextPodIp();
      String started = Clock.time(clock.now().minusSeconds(3));
      String now = clock.time();
      String scheduled = Trees.stringAt(Trees.listAt(pod, "status", "conditions").get(0),
          "lastTransitionTime");
      List<Object> statuses = new ArrayList<>();
      for (Object c : Trees.listAt(pod, "spec", "containers")) {
        String image = Trees.stringAt(c, "image");
        statuses.add(map(
            "containerID", "containerd://" + random.hex(64),
            "image", qualifiedImage(image),
            "imageID", imageId(image),
            "lastState", map(),
            "name", Trees.stringAt(c, "name"),
            "ready", true,
            "restartCount", 0,
            "started", true,
            "state", map("running", map("startedAt", started))));
      }
      Map<String, Object> status = map(
          "conditions", list(
              condition("PodReadyToStartContainers", started),
              condition("Initialized", scheduled),
              condition("Ready", now),
              condition("ContainersReady", now),
              condition("PodScheduled", scheduled)),
          "containerStatuses", statuses,
          "hostIP", node.ip,
          "hostIPs", list(map("ip", node.ip)),
          "phase", "Running",
          "podIP", podIp,
          "podIPs", list(map("ip", podIp)),
          "qosClass", qosClass(pod),
          "startTime", scheduled);
      pod.put("status", status);
      Map<String, Object> owned = Trees.copy(status);
      owned.remove("qosClass");
      reg.manage(pod, "kubelet", "Update", map("status", owned), "status");
    };
  }

  private static Map<String, Object> condition(String type, String time) {
    return map("lastProbeTime", NULL, "lastTransitionTime", time, "status", "True", "type", type);
  }

  private static String qosClass(Map<String, Object> pod) {
    boolean anyRequest = false;
    for (Object c : Trees.listAt(pod, "spec", "containers")) {
      if (Trees.at(c, "resources", "requests") != null || Trees.at(c, "resources", "limits") != null) {
        anyRequest = true;
      }
    }
    return anyRequest ? "Burstable" : "BestEffort";
  }

  static String qualifiedImage(String image) {
    String withTag = image.contains(":") ? image : image + ":latest";
    String first = withTag.substring(0, Math.max(withTag.indexOf('/'), 0));
    if (first.contains(".")) {
      return withTag;
    }
    return "docker.io/" + (withTag.contains("/") ? "" : "library/") + withTag;
  }

  static String imageId(String image) {
    String repo = qualifiedImage(image);
    repo = repo.substring(0, repo.lastIndexOf(':'));
    return repo + "@sha256:" + sha256(image);
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Deployment status as the deployment controller reports a complete rollout. */
  Consumer<Map<String, Object>> deploymentAvailable(String rsName, int replicas, boolean scaled) {
    return d -> {
      String now = clock.time();
      Map<String, Object> annotations = Trees.ensure(d, "metadata", "annotations");
      annotations.put("deployment.kubernetes.io/revision", "1");
      String created = Trees.stringAt(d, "metadata", "creationTimestamp");
      Map<String, Object> status = map(
          "availableReplicas", replicas,
          "conditions", list(
              map("lastTransitionTime", scaled ? now : created, "lastUpdateTime", scaled ? now : created,
                  "message", "Deployment has minimum availability.",
                  "reason", "MinimumReplicasAvailable", "status", "True", "type", "Available"),
              map("lastTransitionTime", created, "lastUpdateTime", now,
                  "message", "ReplicaSet \"" + rsName + "\" has successfully progressed.",
                  "reason", "NewReplicaSetAvailable", "status", "True", "type", "Progressing")),
          "observedGeneration", Trees.at(d, "metadata", "generation") instanceof Long g ? g : 1L,
          "readyReplicas", replicas,
          "replicas", replicas,
          "updatedReplicas", replicas);
      d.put("status", status);
      reg.manage(d, KCM, "Update", map(
          "metadata", map("annotations", strings("deployment.kubernetes.io/revision", "1")),
          "status", Trees.copy(status)), "status");
    };
  }

  /** ReplicaSet status as the replicaset controller reports it. */
  Consumer<Map<String, Object>> replicaSetStatus(int replicas, int ready) {
    return rs -> {
      Map<String, Object> status = map(
          "availableReplicas", ready,
          "fullyLabeledReplicas", replicas,
          "observedGeneration", Trees.at(rs, "metadata", "generation") instanceof Long g ? g : 1L,
          "readyReplicas", ready,
          "replicas", replicas);
      rs.put("status", status);
      reg.manage(rs, KCM, "Update", map("status", Trees.copy(status)), "status");
    };
  }

  // ---------------------------------------------------------------- services

  /** A Service as kubectl apply creates it, with the cluster IP (and node ports) allocated. */
  Map<String, Object> service(Map<String, Object> manifest, String clusterIp, List<Long> nodePorts) {
    Map<String, Object> svc = Trees.copy(manifest);
    annotateLastApplied(svc, manifest);
    Map<String, Object> spec = Trees.mapAt(svc, "spec");
    String type = spec.get("type") instanceof String t ? t : "ClusterIP";
    int i = 0;
    for (Object p : Trees.listAt(spec, "ports")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> port = (Map<String, Object>) p;
      port.putIfAbsent("protocol", "TCP");
      port.putIfAbsent("targetPort", port.get("port"));
      if (!type.equals("ClusterIP")) {
        port.put("nodePort", nodePorts.get(i++));
      }
    }
    spec.put("clusterIP", clusterIp);
    spec.put("clusterIPs", list(clusterIp));
    if (!type.equals("ClusterIP")) {
      spec.put("externalTrafficPolicy", "Cluster");
    }
    spec.put("internalTrafficPolicy", "Cluster");
    spec.put("ipFamilies", list("IPv4"));
    spec.put("ipFamilyPolicy", "SingleStack");
    spec.putIfAbsent("sessionAffinity", "None");
    spec.put("type", type);
    svc.put("status", map("loadBalancer", map()));
    reg.manage(svc, KUBECTL_APPLY, "Update", userFields(svc), null);
    return svc;
  }

  /** Endpoints as the endpoints controller writes them for ready pods. */
  Map<String, Object> endpoints(Obj service, List<Obj> pods, String triggerTime) {
    Map<String, Object> meta = map("name", service.name(), "namespace", service.namespace());
    if (Trees.at(service.tree(), "metadata", "labels") instanceof Map<?, ?> l) {
      meta.put("labels", Trees.copy(l));
    }
    meta.put("annotations", strings("endpoints.kubernetes.io/last-change-trigger-time", triggerTime));
    List<Object> addresses = new ArrayList<>();
    for (Obj pod : sortedByIp(pods)) {
      addresses.add(map(
          "ip", Trees.stringAt(pod.tree(), "status", "podIP"),
          "nodeName", Trees.stringAt(pod.tree(), "spec", "nodeName"),
          "targetRef", map("kind", "Pod", "name", pod.name(), "namespace", pod.namespace(),
              "uid", pod.uid())));
    }
    List<Object> ports = new ArrayList<>();
    for (Object p : Trees.listAt(service.tree(), "spec", "ports")) {
      ports.add(map("name", Trees.at(p, "name"), "port", resolveTargetPort(p, pods),
          "protocol", Trees.at(p, "protocol")));
    }
    Map<String, Object> ep = map("apiVersion", "v1", "kind", "Endpoints", "metadata", meta);
    if (!addresses.isEmpty()) {
      ep.put("subsets", list(map("addresses", addresses, "ports", ports)));
    }
    Map<String, Object> owned = map("metadata", map(
        "annotations", Trees.copy(Trees.mapAt(meta, "annotations")),
        "labels", meta.get("labels")));
    if (ep.containsKey("subsets")) {
      owned.put("subsets", Trees.copy(ep.get("subsets")));
    }
    reg.manage(ep, KCM, "Update", owned, null);
    return ep;
  }

  /** The EndpointSlice the endpointslice controller keeps for a service. */
  Map<String, Object> endpointSlice(Obj service, String name, List<Obj> pods, String triggerTime) {
    Map<String, Object> labels = strings(
        "endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io",
        "kubernetes.io/service-name", service.name());
    if (Trees.at(service.tree(), "metadata", "labels") instanceof Map<?, ?> l) {
      l.forEach((k, v) -> labels.put((String) k, v));
    }
    Map<String, Object> meta = map(
        "name", name,
        "generateName", service.name() + "-",
        "namespace", service.namespace(),
        "labels", labels,
        "annotations", strings("endpoints.kubernetes.io/last-change-trigger-time", triggerTime),
        "ownerReferences", list(ownerRef(service, true)));
    List<Object> endpoints = new ArrayList<>();
    for (Obj pod : sortedByIp(pods)) {
      endpoints.add(map(
          "addresses", list(Trees.stringAt(pod.tree(), "status", "podIP")),
          "conditions", map("ready", true, "serving", true, "terminating", false),
          "nodeName", Trees.stringAt(pod.tree(), "spec", "nodeName"),
          "targetRef", map("kind", "Pod", "name", pod.name(), "namespace", pod.namespace(),
              "uid", pod.uid())));
    }
    List<Object> ports = new ArrayList<>();
    for (Object p : Trees.listAt(service.tree(), "spec", "ports")) {
      ports.add(map("name", Trees.at(p, "name"), "port", resolveTargetPort(p, pods),
          "protocol", Trees.at(p, "protocol")));
    }
    Map<String, Object> slice = map(
        "apiVersion", "discovery.k8s.io/v1",
        "kind", "EndpointSlice",
        "metadata", meta,
        "addressType", "IPv4",
        "endpoints", endpoints,
        "ports", ports);
    reg.manage(slice, "kube-controller-manager", "Update", map(
        "addressType", "IPv4",
        "endpoints", Trees.copy(endpoints),
        "metadata", map(
            "annotations", Trees.copy(Trees.mapAt(meta, "annotations")),
            "generateName", service.name() + "-",
            "labels", Trees.copy(labels),
            "ownerReferences", Trees.copy(Trees.listAt(meta, "ownerReferences"))),
        "ports", Trees.copy(ports)), null);
    return slice;
  }

  private static List<Obj> sortedByIp(List<Obj> pods) {
    List<Obj> sorted = new ArrayList<>(pods);
    sorted.sort(java.util.Comparator.comparingLong(
        p -> RangeAllocator.ipToLong(Trees.stringAt(p.tree(), "status", "podIP"))));
    return sorted;
  }

  /** A named targetPort resolves to the pod's container port of that name. */
  private static Object resolveTargetPort(Object servicePort, List<Obj> pods) {
    Object target = Trees.at(servicePort, "targetPort");
    if (!(target instanceof String name) || pods.isEmpty()) {
      return target;
    }
    for (Object c : Trees.listAt(pods.get(0).tree(), "spec", "containers")) {
      if (Trees.at(c, "ports") instanceof List<?> ports) {
        for (Object p : ports) {
          if (name.equals(Trees.at(p, "name"))) {
            return Trees.at(p, "containerPort");
          }
        }
      }
    }
    return target;
  }

  // ---------------------------------------------------------------- events

  /** An event as client-go's legacy recorder writes it (kubelet, controllers): core/v1 fields. */
  Obj event(Obj about, String fieldPath, String reason, String message, String component,
      String host, String type) {
    String name = about.name() + "." + Long.toHexString(clock.unixNanos() + random.nextInt(1_000_000));
    String now = clock.time();
    Map<String, Object> involved = map(
        "kind", about.kind(),
        "namespace", about.namespace(),
        "name", about.name(),
        "uid", about.uid(),
        "apiVersion", about.apiVersion(),
        "resourceVersion", about.resourceVersion(),
        "fieldPath", fieldPath);
    Map<String, Object> source = host == null ? map("component", component)
        : map("component", component, "host", host);
    Map<String, Object> e = map(
        "apiVersion", "v1",
        "kind", "Event",
        "metadata", map("name", name, "namespace", namespaceOf(about)),
        "involvedObject", involved,
        "reason", reason,
        "message", message,
        "source", source,
        "firstTimestamp", now,
        "lastTimestamp", now,
        "count", 1,
        "type", type,
        "eventTime", NULL,
        "reportingComponent", component,
        "reportingInstance", host == null ? "" : host);
    Map<String, Object> owned = Trees.copy(e);
    owned.remove("apiVersion");
    owned.remove("kind");
    owned.remove("metadata");
    owned.remove("eventTime");
    reg.manage(e, component.equals("kubelet") ? "kubelet" : KCM, "Update", owned, null);
    return reg.createWithEventTtl(e);
  }

  /** An event written through events.k8s.io/v1 (the scheduler), stored as a core/v1 Event. */
  Obj schedulerEvent(Obj pod, Node node) {
    String name = pod.name() + "." + Long.toHexString(clock.unixNanos() + random.nextInt(1_000_000));
    String message = "Successfully assigned " + pod.namespace() + "/" + pod.name() + " to " + node.name;
    Map<String, Object> e = map(
        "apiVersion", "v1",
        "kind", "Event",
        "metadata", map("name", name, "namespace", pod.namespace()),
        "involvedObject", map("kind", "Pod", "namespace", pod.namespace(), "name", pod.name(),
            "uid", pod.uid(), "apiVersion", "v1", "resourceVersion", pod.resourceVersion()),
        "reason", "Scheduled",
        "message", message,
        "source", map(),
        "firstTimestamp", NULL,
        "lastTimestamp", NULL,
        "type", "Normal",
        "eventTime", clock.microTime(),
        "action", "Binding",
        "reportingComponent", "default-scheduler",
        "reportingInstance", "default-scheduler-cp-1");
    Map<String, Object> meta = Trees.metadata(e);
    meta.put("managedFields", list(map(
        "manager", "kube-scheduler",
        "operation", "Update",
        "apiVersion", "events.k8s.io/v1",
        "time", clock.time(),
        "fieldsType", "FieldsV1",
        "fieldsV1", FieldsV1.of(map("action", "Binding", "eventTime", "", "note", "",
            "reason", "", "regarding", map("apiVersion", "", "kind", "", "name", "",
                "namespace", "", "resourceVersion", "", "uid", ""),
            "reportingController", "", "reportingInstance", "", "type", "")))));
    return reg.createWithEventTtl(e);
  }

  private static String namespaceOf(Obj about) {
    return about.namespace() != null ? about.namespace() : "default";
  }
}
