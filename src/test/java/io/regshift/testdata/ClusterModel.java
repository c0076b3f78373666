package io.regshift.testdata;

import static io.regshift.testdata.Trees.list;
import static io.regshift.testdata.Trees.map;
import static io.regshift.testdata.Trees.strings;

import io.regshift.kube.Json;
import io.regshift.testdata.Registry.Obj;
import io.regshift.testdata.Workloads.App;
import io.regshift.testdata.Workloads.AppSpec;
import io.regshift.testdata.Workloads.ContainerSpec;
import io.regshift.testdata.Workloads.Node;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A Kubernetes 1.30 cluster's etcd content as kube-apiserver, the controllers, the scheduler and
 * the kubelets would have written it, as a sequence of {@link Step}s: a kubeadm-style control
 * plane (kube-system with CoreDNS and kube-proxy, RBAC, the service IP and node port bitmaps,
 * APIServices), two nodes with their leases, and app namespaces with Deployments, ReplicaSets,
 * Pods, Services, Endpoints, EndpointSlices, ConfigMaps, Secrets, ServiceAccounts, RBAC, a CRD
 * with custom resources, and Events on TTL leases.
 *
 * <p>{@link #demo} then makes history (a scale-up, config edits, a pod replaced, a configmap
 * deleted, node leases renewed) around a compaction, so old revisions and tombstones exist.
 * {@link #scaled} adds generated app namespaces until a requested object count is reached,
 * each object written once in its final state. Everything comes from the seed and a fixed clock.
 */
final class ClusterModel {
  static final Instant START = Instant.parse("2026-01-12T09:00:00Z");
  static final String SERVICE_CIDR = "10.96.0.0/12";
  static final String KUBE_VERSION = "v1.30.6";
  static final String CRD_GROUP = "stable.example.com";

  private final Seeded random;
  private final Clock clock;
  private final Registry reg;
  private final Workloads w;
  private final RangeAllocator serviceIps = RangeAllocator.serviceIps(SERVICE_CIDR);
  private final RangeAllocator nodePorts = RangeAllocator.nodePorts(30000, 32767);
  private Obj serviceIpsObj;
  private Obj nodePortsObj;
  private final Pki.Cert ca;
  private final Pki.Key serviceAccountKey;
  private final String caBundle;
  private final List<Node> nodes = new ArrayList<>();
  private final Map<String, Obj> namespaces = new LinkedHashMap<>();
  private final Map<String, Obj> serviceAccounts = new LinkedHashMap<>();
  private final Map<String, Obj> nodeLeases = new LinkedHashMap<>();

  private ClusterModel(long seed, Consumer<Step> sink, boolean lifecycle) {
    this.random = new Seeded(seed);
    this.clock = new Clock(START);
    this.reg = new Registry(random.fork(), clock, sink);
    this.w = new Workloads(reg, lifecycle);
    Seeded pki = random.fork();
    this.ca = Pki.selfSignedCa(pki, "kubernetes", START.minusSeconds(600), 3650);
    this.serviceAccountKey = Pki.Key.generate(pki);
    this.caBundle = ca.pem();
  }

  /**
   * The demo cluster: a small cluster with history and a compaction; a few hundred objects.
   *
   * @return the etcd revision the steps end at when written one txn each into a fresh etcd
   */
  static long demo(long seed, Consumer<Step> sink) {
    ClusterModel m = new ClusterModel(seed, sink, true);
    m.bootstrap();
    DemoApps apps = m.demoApps();
    m.demoHistory(apps);
    return m.reg.revision();
  }

  /**
   * A big cluster: the same control plane, then generated app namespaces until at least
   * {@code objects} objects exist, each written once in its final state. The range bitmaps are
   * written once more at the end with every allocation.
   */
  static void scaled(long seed, long objects, Consumer<Step> sink) {
    long[] created = {0};
    ClusterModel m = new ClusterModel(seed, step -> {
      if (step instanceof Step.Create) {
        created[0]++;
      }
      sink.accept(step);
    }, false);
    m.bootstrap();
    m.crd();
    int n = 0;
    while (created[0] < objects) {
      m.generatedNamespace(++n, objects - created[0]);
    }
    m.serviceIpsObj = m.reg.storeRaw(m.serviceIpsObj.key(), m.serviceIps.rangeAllocation(), true);
    m.nodePortsObj = m.reg.storeRaw(m.nodePortsObj.key(), m.nodePorts.rangeAllocation(), true);
  }

  // ================================================================ control plane

  private void bootstrap() {
    // The bootstrap controller's first act: the allocators' (empty) bitmaps.
    serviceIpsObj = reg.storeRaw("/registry/ranges/serviceips", serviceIps.rangeAllocation(), false);
    nodePortsObj = reg.storeRaw("/registry/ranges/servicenodeports", nodePorts.rangeAllocation(), false);
    for (String ns : List.of("default", "kube-system", "kube-public", "kube-node-lease")) {
      namespace(ns, "kube-apiserver");
    }
    priorityClasses();
    systemRbac();
    apiServices();
    Obj kubernetes = systemService("default", "kubernetes", "10.96.0.1",
        list(map("name", "https", "port", 443, "protocol", "TCP", "targetPort", 6443)),
        strings("component", "apiserver", "provider", "kubernetes"), null);
    clock.advanceSeconds(2);
    apiserverEndpoints(kubernetes);
    apiserverLease();

    Node cp = new Node("cp-1", "172.18.0.2", 0);
    registerNode(cp, true);
    clock.advanceSeconds(5);
    kubeSystem();
    clock.advanceSeconds(20);
    Node worker = new Node("worker-1", "172.18.0.3", 1);
    registerNode(worker, false);
    kubeProxy();
    clock.advanceSeconds(30);
    coreDns(cp);
    clock.advanceSeconds(40);
  }

  private Obj namespace(String name, String manager) {
    Map<String, Object> ns = map(
        "apiVersion", "v1",
        "kind", "Namespace",
        "metadata", map("name", name, "labels", strings("kubernetes.io/metadata.name", name)),
        "spec", map("finalizers", list("kubernetes")),
        "status", map("phase", "Active"));
    reg.manage(ns, manager, "Update", map("metadata", map("labels",
        strings("kubernetes.io/metadata.name", name))), null);
    Obj obj = reg.create(ns);
    namespaces.put(name, obj);
    // The serviceaccount and root-ca-cert-publisher controllers follow at once.
    clock.advanceMillis(300);
    serviceAccounts.put(name + "/default", reg.create(serviceAccount(name, "default")));
    rootCaConfigMap(name);
    return obj;
  }

  private Map<String, Object> serviceAccount(String namespace, String name) {
    return map("apiVersion", "v1", "kind", "ServiceAccount",
        "metadata", map("name", name, "namespace", namespace));
  }

  private void rootCaConfigMap(String namespace) {
    Map<String, Object> cm = map(
        "apiVersion", "v1",
        "kind", "ConfigMap",
        "metadata", map("name", "kube-root-ca.crt", "namespace", namespace,
            "annotations", strings("kubernetes.io/description",
                "Contains a CA bundle that can be used to verify the kube-apiserver when using "
                    + "internal endpoints such as the internal service IP or "
                    + "kubernetes.default.svc. No other usage is guaranteed across distributions "
                    + "of Kubernetes clusters.")),
        "data", strings("ca.crt", caBundle));
    reg.manage(cm, Workloads.KCM, "Update", map(
        "data", strings("ca.crt", ""),
        "metadata", map("annotations", Trees.copy(Trees.mapAt(cm, "metadata", "annotations")))), null);
    reg.create(cm);
  }

  private void priorityClasses() {
    for (Object[] pc : new Object[][] {
        {"system-node-critical", 2000001000L, "Used for system critical pods that must not be moved from their current node."},
        {"system-cluster-critical", 2000000000L, "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."}}) {
      Map<String, Object> obj = map(
          "apiVersion", "scheduling.k8s.io/v1",
          "kind", "PriorityClass",
          "metadata", map("name", pc[0]),
          "value", pc[1],
          "description", pc[2],
          "preemptionPolicy", "PreemptLowerPriority");
      reg.manage(obj, "kube-apiserver", "Update", map("description", "", "preemptionPolicy", "",
          "value", ""), null);
      reg.create(obj);
    }
  }

  private void systemRbac() {
    Map<String, Object> bootstrapLabels = strings("kubernetes.io/bootstrapping", "rbac-defaults");
    Map<String, Object> autoupdate = strings("rbac.authorization.kubernetes.io/autoupdate", "true");
    clusterRole("cluster-admin", bootstrapLabels, autoupdate, list(
        map("apiGroups", list("*"), "resources", list("*"), "verbs", list("*")),
        map("nonResourceURLs", list("*"), "verbs", list("*"))), "kube-apiserver");
    clusterRole("view", merged(bootstrapLabels, strings(
            "rbac.authorization.k8s.io/aggregate-to-edit", "true")), autoupdate, list(
        map("apiGroups", list(""), "resources", list("configmaps", "endpoints",
            "persistentvolumeclaims", "pods", "replicationcontrollers", "serviceaccounts",
            "services"), "verbs", list("get", "list", "watch")),
        map("apiGroups", list("apps"), "resources", list("daemonsets", "deployments",
            "replicasets", "statefulsets"), "verbs", list("get", "list", "watch")),
        map("apiGroups", list("discovery.k8s.io"), "resources", list("endpointslices"),
            "verbs", list("get", "list", "watch"))), "kube-apiserver");
    clusterRole("system:coredns", null, null, list(
        map("apiGroups", list(""), "resources", list("endpoints", "services", "pods", "namespaces"),
            "verbs", list("list", "watch")),
        map("apiGroups", list("discovery.k8s.io"), "resources", list("endpointslices"),
            "verbs", list("list", "watch"))), "kubeadm");
    clusterRoleBinding("cluster-admin", bootstrapLabels, autoupdate, "cluster-admin",
        list(map("apiGroup", "rbac.authorization.k8s.io", "kind", "Group", "name", "system:masters")),
        "kube-apiserver");
    clusterRoleBinding("system:coredns", null, null, "system:coredns",
        list(map("kind", "ServiceAccount", "name", "coredns", "namespace", "kube-system")), "kubeadm");
  }

  private static Map<String, Object> merged(Map<String, Object> a, Map<String, Object> b) {
    Map<String, Object> m = Trees.copy(a);
    m.putAll(b);
    return m;
  }

  private Obj clusterRole(String name, Map<String, Object> labels, Map<String, Object> annotations,
      List<Object> rules, String manager) {
    Map<String, Object> meta = map("name", name, "labels", labels == null ? null : Trees.copy(labels),
        "annotations", annotations == null ? null : Trees.copy(annotations));
    Map<String, Object> role = map("apiVersion", "rbac.authorization.k8s.io/v1",
        "kind", "ClusterRole", "metadata", meta, "rules", rules);
    reg.manage(role, manager, "Update", Workloads.userFields(role), null);
    return reg.create(role);
  }

  private Obj clusterRoleBinding(String name, Map<String, Object> labels,
      Map<String, Object> annotations, String role, List<Object> subjects, String manager) {
    Map<String, Object> binding = map("apiVersion", "rbac.authorization.k8s.io/v1",
        "kind", "ClusterRoleBinding",
        "metadata", map("name", name, "labels", labels == null ? null : Trees.copy(labels),
            "annotations", annotations == null ? null : Trees.copy(annotations)),
        "roleRef", map("apiGroup", "rbac.authorization.k8s.io", "kind", "ClusterRole", "name", role),
        "subjects", subjects);
    reg.manage(binding, manager, "Update", Workloads.userFields(binding), null);
    return reg.create(binding);
  }

  /** The aggregator's local APIServices (a few of the ~40 a real cluster has), stored as JSON. */
  private void apiServices() {
    Object[][] local = {
        {"", "v1", 18000, 1},
        {"apps", "v1", 17800, 15},
        {"rbac.authorization.k8s.io", "v1", 17000, 15},
        {"coordination.k8s.io", "v1", 16500, 15},
        {"discovery.k8s.io", "v1", 16200, 15},
        {"apiextensions.k8s.io", "v1", 16700, 15}};
    for (Object[] s : local) {
      apiService((String) s[0], (String) s[1], (Integer) s[2], (Integer) s[3], "onstart");
    }
  }

  private void apiService(String group, String version, int groupPriority, int versionPriority,
      String automanaged) {
    String name = group.isEmpty() ? version : version + "." + group;
    Map<String, Object> spec = map("group", group.isEmpty() ? null : group, "version", version,
        "groupPriorityMinimum", groupPriority, "versionPriority", versionPriority);
    Map<String, Object> svc = map(
        "apiVersion", "apiregistration.k8s.io/v1",
        "kind", "APIService",
        "metadata", map("name", name,
            "labels", strings("kube-aggregator.kubernetes.io/automanaged", automanaged)),
        "spec", spec,
        "status", map("conditions", list(map(
            "lastTransitionTime", clock.time(),
            "message", "Local APIServices are always available",
            "reason", "Local",
            "status", "True",
            "type", "Available"))));
    reg.manage(svc, "kube-apiserver", "Update", map(
        "metadata", map("labels", Trees.copy(Trees.mapAt(svc, "metadata", "labels"))),
        "spec", Trees.copy(spec)), null);
    reg.manage(svc, "kube-apiserver", "Update", map("status", Trees.copy(svc.get("status"))), "status");
    reg.create(svc);
  }

  /** A Service with a fixed cluster IP (the apiserver's own, kubeadm's kube-dns). */
  private Obj systemService(String namespace, String name, String ip, List<Object> ports,
      Map<String, Object> labels, Map<String, Object> selector) {
    serviceIps.allocateIp(ip);
    serviceIpsObj = reg.storeRaw(serviceIpsObj.key(), serviceIps.rangeAllocation(), true);
    Map<String, Object> spec = map("ports", ports, "selector", selector);
    Map<String, Object> manifest = map("apiVersion", "v1", "kind", "Service",
        "metadata", map("labels", labels, "name", name, "namespace", namespace), "spec", spec);
    Map<String, Object> svc = Trees.copy(manifest);
    Map<String, Object> s = Trees.mapAt(svc, "spec");
    s.put("clusterIP", ip);
    s.put("clusterIPs", list(ip));
    s.put("internalTrafficPolicy", "Cluster");
    s.put("ipFamilies", list("IPv4"));
    s.put("ipFamilyPolicy", "SingleStack");
    s.put("sessionAffinity", "None");
    s.put("type", "ClusterIP");
    svc.put("status", map("loadBalancer", map()));
    reg.manage(svc, name.equals("kubernetes") ? "kube-apiserver" : "kubeadm", "Update",
        Workloads.userFields(svc), null);
    return reg.create(svc);
  }

  /** The endpoint reconciler's Endpoints and EndpointSlice for the kubernetes service. */
  private void apiserverEndpoints(Obj kubernetes) {
    Map<String, Object> ep = map("apiVersion", "v1", "kind", "Endpoints",
        "metadata", map("name", "kubernetes", "namespace", "default",
            "labels", strings("endpointslice.kubernetes.io/skip-mirror", "true")),
        "subsets", list(map("addresses", list(map("ip", "172.18.0.2")),
            "ports", list(map("name", "https", "port", 6443, "protocol", "TCP")))));
    reg.manage(ep, "kube-apiserver", "Update", map("metadata", map("labels",
        strings("endpointslice.kubernetes.io/skip-mirror", "true")),
        "subsets", Trees.copy(ep.get("subsets"))), null);
    reg.create(ep);
    Map<String, Object> slice = map("apiVersion", "discovery.k8s.io/v1", "kind", "EndpointSlice",
        "metadata", map("name", "kubernetes", "namespace", "default",
            "labels", strings("kubernetes.io/service-name", "kubernetes")),
        "addressType", "IPv4",
        "endpoints", list(map("addresses", list("172.18.0.2"),
            "conditions", map("ready", true))),
        "ports", list(map("name", "https", "port", 6443, "protocol", "TCP")));
    reg.manage(slice, "kube-apiserver", "Update", map("addressType", "",
        "endpoints", Trees.copy(slice.get("endpoints")),
        "metadata", map("labels", strings("kubernetes.io/service-name", "kubernetes")),
        "ports", Trees.copy(slice.get("ports"))), null);
    reg.create(slice);
  }

  private void apiserverLease() {
    String id = "kube-apiserver-" + random.hex(26);
    lease("kube-system", id, "kube-apiserver-" + random.uuid() + "_" + random.uuid(), 3600,
        strings("apiserver.kubernetes.io/identity", "kube-apiserver",
            "kubernetes.io/hostname", "cp-1"), null, "kube-apiserver");
  }

  private Obj lease(String namespace, String name, String holder, int duration,
      Map<String, Object> labels, Obj owner, String manager) {
    Map<String, Object> spec = map("holderIdentity", holder, "leaseDurationSeconds", duration,
        "acquireTime", owner == null ? clock.microTime() : null,
        "renewTime", clock.microTime(), "leaseTransitions", owner == null ? 0 : null);
    Map<String, Object> meta = map("name", name, "namespace", namespace, "labels", labels,
        "ownerReferences", owner == null ? null : list(Workloads.ownerRef(owner, false)));
    Map<String, Object> l = map("apiVersion", "coordination.k8s.io/v1", "kind", "Lease",
        "metadata", meta, "spec", spec);
    reg.manage(l, manager, "Update", Workloads.userFields(l), null);
    return reg.create(l);
  }

  private Obj renewLease(Obj lease) {
    return reg.update(lease, l -> {
      Trees.mapAt(l, "spec").put("renewTime", clock.microTime());
      String manager = Trees.stringAt(Trees.listAt(l, "metadata", "managedFields").get(0), "manager");
      reg.manage(l, manager, "Update", Workloads.userFields(l), null);
    });
  }

  // ================================================================ nodes

  private void registerNode(Node n, boolean controlPlane) {
    Map<String, Object> labels = strings(
        "beta.kubernetes.io/arch", "amd64",
        "beta.kubernetes.io/os", "linux",
        "kubernetes.io/arch", "amd64",
        "kubernetes.io/hostname", n.name,
        "kubernetes.io/os", "linux");
    if (controlPlane) {
      labels.put("node-role.kubernetes.io/control-plane", "");
      labels.put("node.kubernetes.io/exclude-from-external-load-balancers", "");
    }
    Map<String, Object> annotations = strings(
        "kubeadm.alpha.kubernetes.io/cri-socket", "unix:///run/containerd/containerd.sock",
        "node.alpha.kubernetes.io/ttl", "0",
        "volumes.kubernetes.io/controller-managed-attach-detach", "true");
    Map<String, Object> spec = map("podCIDR", n.podCidr, "podCIDRs", list(n.podCidr),
        "providerID", "kind://docker/demo/" + n.name,
        "taints", controlPlane ? list(map("effect", "NoSchedule",
            "key", "node-role.kubernetes.io/control-plane")) : null);
    String now = clock.time();
    Map<String, Object> resources = strings("cpu", "8", "ephemeral-storage", "102626232Ki",
        "hugepages-1Gi", "0", "hugepages-2Mi", "0", "memory", "32813004Ki", "pods", "110");
    List<Object> images = new ArrayList<>();
    for (String image : List.of("registry.k8s.io/etcd:3.5.15-0", "registry.k8s.io/kube-apiserver:" + KUBE_VERSION,
        "registry.k8s.io/kube-controller-manager:" + KUBE_VERSION, "registry.k8s.io/kube-proxy:" + KUBE_VERSION,
        "registry.k8s.io/kube-scheduler:" + KUBE_VERSION, "registry.k8s.io/coredns/coredns:v1.11.1",
        "registry.k8s.io/pause:3.9")) {
      images.add(map("names", list(Workloads.imageId(image), image),
          "sizeBytes", 700_000L + (Workloads.sha256(image).hashCode() & 0x3FFFFFF)));
    }
    Map<String, Object> status = map(
        "addresses", list(map("address", n.ip, "type", "InternalIP"),
            map("address", n.name, "type", "Hostname")),
        "allocatable", Trees.copy(resources),
        "capacity", resources,
        "conditions", list(
            nodeCondition("MemoryPressure", "False", "KubeletHasSufficientMemory",
                "kubelet has sufficient memory available", now),
            nodeCondition("DiskPressure", "False", "KubeletHasNoDiskPressure",
                "kubelet has no disk pressure", now),
            nodeCondition("PIDPressure", "False", "KubeletHasSufficientPID",
                "kubelet has sufficient PID available", now),
            nodeCondition("Ready", "True", "KubeletReady", "kubelet is posting ready status", now)),
        "daemonEndpoints", map("kubeletEndpoint", map("Port", 10250)),
        "images", images,
        "nodeInfo", map(
            "architecture", "amd64",
            "bootID", random.uuid(),
            "containerRuntimeVersion", "containerd://1.7.18",
            "kernelVersion", "6.1.0-28-amd64",
            "kubeProxyVersion", KUBE_VERSION,
            "kubeletVersion", KUBE_VERSION,
            "machineID", random.hex(32),
            "operatingSystem", "linux",
            "osImage", "Debian GNU/Linux 12 (bookworm)",
            "systemUUID", random.uuid()));
    Map<String, Object> node = map("apiVersion", "v1", "kind", "Node",
        "metadata", map("name", n.name, "labels", labels, "annotations", annotations),
        "spec", spec, "status", status);
    reg.manage(node, "kubelet", "Update", map("metadata", map(
        "annotations", strings("kubeadm.alpha.kubernetes.io/cri-socket", "",
            "volumes.kubernetes.io/controller-managed-attach-detach", ""),
        "labels", Trees.copy(labels))), null);
    reg.manage(node, Workloads.KCM, "Update", map(
        "metadata", map("annotations", strings("node.alpha.kubernetes.io/ttl", "")),
        "spec", map("podCIDR", "", "podCIDRs", list(n.podCidr))), null);
    reg.manage(node, "kubelet", "Update", map("status", Trees.copy(status)), "status");
    n.obj = reg.create(node);
    nodes.add(n);
    clock.advanceSeconds(1);
    nodeLeases.put(n.name, lease("kube-node-lease", n.name, n.name, 40, null, n.obj, "kubelet"));
    w.event(n.obj, null, "Starting", "Starting kubelet.", "kubelet", n.name, "Normal");
    w.event(n.obj, null, "NodeReady", "Node " + n.name + " status is now: NodeReady",
        "kubelet", n.name, "Normal");
    w.event(n.obj, null, "RegisteredNode", "Node " + n.name
        + " event: Registered Node " + n.name + " in Controller", "node-controller", null, "Normal");
  }

  private static Map<String, Object> nodeCondition(String type, String status, String reason,
      String message, String time) {
    return map("lastHeartbeatTime", time, "lastTransitionTime", time, "message", message,
        "reason", reason, "status", status, "type", type);
  }

  // ================================================================ kube-system

  private void kubeSystem() {
    configMap("kube-system", "kubeadm-config", strings("ClusterConfiguration", String.join("\n",
        "apiServer: {}", "apiVersion: kubeadm.k8s.io/v1beta3",
        "certificatesDir: /etc/kubernetes/pki", "clusterName: demo",
        "controlPlaneEndpoint: cp-1:6443", "controllerManager: {}",
        "dns: {}", "etcd:", "  local:", "    dataDir: /var/lib/etcd",
        "imageRepository: registry.k8s.io", "kind: ClusterConfiguration",
        "kubernetesVersion: " + KUBE_VERSION, "networking:", "  dnsDomain: cluster.local",
        "  podSubnet: 10.244.0.0/14", "  serviceSubnet: " + SERVICE_CIDR, "scheduler: {}", "")),
        null, "kubeadm");
    configMap("kube-system", "kubelet-config", strings("kubelet", String.join("\n",
        "apiVersion: kubelet.config.k8s.io/v1beta1", "authentication:", "  anonymous:",
        "    enabled: false", "  webhook:", "    cacheTTL: 0s", "    enabled: true",
        "  x509:", "    clientCAFile: /etc/kubernetes/pki/ca.crt", "authorization:",
        "  mode: Webhook", "cgroupDriver: systemd", "clusterDNS:", "- 10.96.0.10",
        "clusterDomain: cluster.local", "kind: KubeletConfiguration",
        "rotateCertificates: true", "staticPodPath: /etc/kubernetes/manifests", "")),
        null, "kubeadm");
    for (String component : List.of("kube-controller-manager", "kube-scheduler")) {
      lease("kube-system", component, "cp-1_" + random.uuid(), 15, null, null, component);
    }
    for (String sa : List.of("coredns", "kube-proxy")) {
      serviceAccounts.put("kube-system/" + sa, reg.create(serviceAccount("kube-system", sa)));
    }
  }

  private Obj configMap(String namespace, String name, Map<String, Object> data,
      Map<String, Object> labels, String manager) {
    Map<String, Object> manifest = map("apiVersion", "v1", "kind", "ConfigMap",
        "metadata", map("labels", labels, "name", name, "namespace", namespace), "data", data);
    Map<String, Object> cm = Trees.copy(manifest);
    if (manager.equals(Workloads.KUBECTL_APPLY)) {
      Workloads.annotateLastApplied(cm, manifest);
    }
    reg.manage(cm, manager, "Update", Workloads.userFields(cm), null);
    return reg.create(cm);
  }

  private void kubeProxy() {
    configMap("kube-system", "kube-proxy", strings("config.conf", String.join("\n",
        "apiVersion: kubeproxy.config.k8s.io/v1alpha1", "bindAddress: 0.0.0.0",
        "clientConnection:", "  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf",
        "clusterCIDR: 10.244.0.0/14", "kind: KubeProxyConfiguration", "mode: iptables", ""),
        "kubeconfig.conf", String.join("\n", "apiVersion: v1", "kind: Config", "clusters:",
            "- cluster:", "    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
            "    server: https://cp-1:6443", "  name: default", "")),
        strings("app", "kube-proxy"), "kubeadm");
    Map<String, Object> labels = strings("k8s-app", "kube-proxy");
    Map<String, Object> podSpec = map(
        "containers", list(map(
            "command", list("/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf",
                "--hostname-override=$(NODE_NAME)"),
            "env", list(map("name", "NODE_NAME", "valueFrom", map("fieldRef",
                map("fieldPath", "spec.nodeName")))),
            "image", "registry.k8s.io/kube-proxy:" + KUBE_VERSION,
            "name", "kube-proxy",
            "securityContext", map("privileged", true),
            "volumeMounts", list(map("mountPath", "/var/lib/kube-proxy", "name", "kube-proxy"),
                map("mountPath", "/run/xtables.lock", "name", "xtables-lock"),
                map("mountPath", "/lib/modules", "name", "lib-modules", "readOnly", true)))),
        "hostNetwork", true,
        "nodeSelector", strings("kubernetes.io/os", "linux"),
        "priorityClassName", "system-node-critical",
        "serviceAccountName", "kube-proxy",
        "tolerations", list(map("operator", "Exists")),
        "volumes", list(
            map("configMap", map("name", "kube-proxy"), "name", "kube-proxy"),
            map("hostPath", map("path", "/run/xtables.lock", "type", "FileOrCreate"), "name", "xtables-lock"),
            map("hostPath", map("path", "/lib/modules", "type", ""), "name", "lib-modules")));
    Workloads.defaultPodSpec(podSpec);
    podSpec.put("dnsPolicy", "ClusterFirst");
    Map<String, Object> template = map("metadata", map("labels", Trees.copy(labels)), "spec", podSpec);
    Map<String, Object> ds = map("apiVersion", "apps/v1", "kind", "DaemonSet",
        "metadata", map("name", "kube-proxy", "namespace", "kube-system", "labels", Trees.copy(labels),
            "annotations", strings("deprecated.daemonset.template.generation", "1")),
        "spec", map("revisionHistoryLimit", 10, "selector", map("matchLabels", Trees.copy(labels)),
            "template", template,
            "updateStrategy", map("rollingUpdate", map("maxSurge", 0, "maxUnavailable", 1),
                "type", "RollingUpdate")));
    reg.manage(ds, "kubeadm", "Update", Workloads.userFields(ds), null);
    int nodeCount = nodes.size();
    Consumer<Map<String, Object>> dsStatus = t -> {
      Map<String, Object> status = map("currentNumberScheduled", nodeCount,
          "desiredNumberScheduled", nodeCount, "numberAvailable", nodeCount,
          "numberMisscheduled", 0, "numberReady", nodeCount, "observedGeneration", 1,
          "updatedNumberScheduled", nodeCount);
      t.put("status", status);
      reg.manage(t, Workloads.KCM, "Update", map("status", Trees.copy(status)), "status");
    };
    if (!w.lifecycle()) {
      dsStatus.accept(ds);
    }
    Obj daemonSet = reg.create(ds);
    String hash = Workloads.podTemplateHash(template);
    Map<String, Object> revLabels = merged(labels, strings("controller-revision-hash", hash));
    Map<String, Object> cr = map("apiVersion", "apps/v1", "kind", "ControllerRevision",
        "metadata", map("name", "kube-proxy-" + hash, "namespace", "kube-system",
            "labels", revLabels,
            "annotations", strings("deprecated.daemonset.template.generation", "1"),
            "ownerReferences", list(Workloads.ownerRef(daemonSet, true))),
        "data", map("spec", map("template", merged(Trees.copy(template), map("$patch", "replace")))),
        "revision", 1);
    reg.manage(cr, Workloads.KCM, "Update", Workloads.userFields(cr), null);
    reg.create(cr);
    for (Node n : nodes) {
      Map<String, Object> podTemplate = Trees.copy(template);
      Trees.ensure(podTemplate, "metadata", "labels").put("controller-revision-hash", hash);
      Trees.mapAt(podTemplate, "metadata", "labels").put("pod-template-generation", "1");
      Map<String, Object> podSpecForNode = Trees.mapAt(podTemplate, "spec");
      podSpecForNode.put("affinity", map("nodeAffinity", map(
          "requiredDuringSchedulingIgnoredDuringExecution", map("nodeSelectorTerms", list(map(
              "matchFields", list(map("key", "metadata.name", "operator", "In",
                  "values", list(n.name)))))))));
      String name = "kube-proxy-" + random.kubeSuffix(5);
      w.write(w.pod(daemonSet, name, "kube-proxy-", podTemplate, random.kubeSuffix(5)),
          w.bind(n), w.running(n, true));
      w.event(daemonSet, null, "SuccessfulCreate", "Created pod: " + name, "daemonset-controller",
          null, "Normal");
    }
    if (w.lifecycle()) {
      clock.advanceSeconds(3);
      reg.update(daemonSet, dsStatus);
    }
  }

  private void coreDns(Node cp) {
    configMap("kube-system", "coredns", strings("Corefile", String.join("\n",
        ".:53 {", "    errors", "    health {", "       lameduck 5s", "    }", "    ready",
        "    kubernetes cluster.local in-addr.arpa ip6.arpa {", "       pods insecure",
        "       fallthrough in-addr.arpa ip6.arpa", "       ttl 30", "    }",
        "    prometheus :9153", "    forward . /etc/resolv.conf {", "       max_concurrent 1000",
        "    }", "    cache 30", "    loop", "    reload", "    loadbalance", "}", "")),
        null, "kubeadm");
    AppSpec spec = new AppSpec("coredns", 2, List.of(new ContainerSpec("coredns",
        "registry.k8s.io/coredns/coredns:v1.11.1", 53, "dns", 0, false, "100m", "70Mi", "170Mi",
        List.<String[]>of(new String[] {"config-volume", "/etc/coredns", "ro"}))),
        List.of(map("configMap", map("items", list(map("key", "Corefile", "path", "Corefile")),
            "name", "coredns"), "name", "config-volume")),
        "coredns", null, 0, Map.of("k8s-app", "kube-dns"));
    App app = new App("kube-system", spec);
    deployApp(app, List.of(cp, cp), "kubeadm");
    Obj dns = systemService("kube-system", "kube-dns", "10.96.0.10", list(
            map("name", "dns", "port", 53, "protocol", "UDP", "targetPort", 53),
            map("name", "dns-tcp", "port", 53, "protocol", "TCP", "targetPort", 53),
            map("name", "metrics", "port", 9153, "protocol", "TCP", "targetPort", 9153)),
        strings("k8s-app", "kube-dns", "kubernetes.io/cluster-service", "true",
            "kubernetes.io/name", "CoreDNS"), strings("k8s-app", "kube-dns"));
    app.service = dns;
    publishEndpoints(app);
  }

  // ================================================================ apps

  /**
   * Deploys an app the way it happens in a cluster: the Deployment is applied, the deployment
   * controller makes a ReplicaSet, the replicaset controller its pods, the scheduler binds them,
   * the kubelets run them, and the controllers report status, with their events.
   */
  private void deployApp(App app, List<Node> placement, String manager) {
    Map<String, Object> d = appliedDeployment(app, manager);
    if (!w.lifecycle()) {
      deployAppFinal(app, d, placement);
      return;
    }
    app.deployment = reg.create(d);
    clock.advanceMillis(150);
    app.podTemplateHash = Workloads.podTemplateHash(Trees.mapAt(d, "spec", "template"));
    int replicas = app.spec.replicas();
    Obj rs = w.write(w.replicaSet(app.deployment, app.podTemplateHash, replicas));
    app.replicaSet = rs;
    w.event(app.deployment, null, "ScalingReplicaSet", "Scaled up replica set " + rs.name()
        + " to " + replicas, "deployment-controller", null, "Normal");
    for (int i = 0; i < replicas; i++) {
      addPod(app, placement.get(i % placement.size()));
    }
    clock.advanceSeconds(2);
    app.replicaSet = reg.update(app.replicaSet, w.replicaSetStatus(replicas, replicas));
    app.deployment = reg.update(app.deployment, w.deploymentAvailable(rs.name(), replicas, false));
  }

  /** The Deployment as its manager created it: kubectl apply, or kubeadm (no last-applied). */
  private Map<String, Object> appliedDeployment(App app, String manager) {
    Map<String, Object> d = w.deployment(w.deploymentManifest(app.namespace, app.spec));
    if (!manager.equals(Workloads.KUBECTL_APPLY)) {
      Trees.mapAt(d, "metadata", "annotations").remove(Workloads.LAST_APPLIED);
      Trees.metadata(d).remove("managedFields");
      reg.manage(d, manager, "Update", Workloads.userFields(d), null);
    }
    if (Trees.mapAt(d, "metadata", "annotations").isEmpty()) {
      Trees.mapAt(d, "metadata").remove("annotations");
    }
    return d;
  }

  /** deployApp for big clusters: every object written once, already in its final state. */
  private void deployAppFinal(App app, Map<String, Object> d, List<Node> placement) {
    app.podTemplateHash = Workloads.podTemplateHash(Trees.mapAt(d, "spec", "template"));
    int replicas = app.spec.replicas();
    Trees.metadata(d).put("creationTimestamp", clock.time()); // read by the status conditions
    w.deploymentAvailable(app.name() + "-" + app.podTemplateHash, replicas, false).accept(d);
    app.deployment = reg.create(d);
    Map<String, Object> rs = w.replicaSet(app.deployment, app.podTemplateHash, replicas);
    w.replicaSetStatus(replicas, replicas).accept(rs);
    app.replicaSet = reg.create(rs);
    w.event(app.deployment, null, "ScalingReplicaSet", "Scaled up replica set "
        + app.replicaSet.name() + " to " + replicas, "deployment-controller", null, "Normal");
    for (int i = 0; i < replicas; i++) {
      addPod(app, placement.get(i % placement.size()));
    }
  }

  private Obj addPod(App app, Node node) {
    Map<String, Object> template = Trees.mapAt(app.replicaSet.tree(), "spec", "template");
    String generateName = app.replicaSet.name() + "-";
    String name = generateName + random.kubeSuffix(5);
    Map<String, Object> initial = w.pod(app.replicaSet, name, generateName, template, random.kubeSuffix(5));
    Obj pod;
    if (w.lifecycle()) {
      pod = reg.create(initial);
      w.event(app.replicaSet, null, "SuccessfulCreate", "Created pod: " + name,
          "replicaset-controller", null, "Normal");
      clock.advanceMillis(40);
      pod = reg.update(pod, w.bind(node));
      w.schedulerEvent(pod, node);
      clock.advanceSeconds(1);
      for (Object c : Trees.listAt(pod.tree(), "spec", "containers")) {
        String container = Trees.stringAt(c, "name");
        String image = Trees.stringAt(c, "image");
        String fieldPath = "spec.containers{" + container + "}";
        w.event(pod, fieldPath, "Pulled", "Container image \"" + image
            + "\" already present on machine", "kubelet", node.name, "Normal");
        w.event(pod, fieldPath, "Created", "Created container " + container, "kubelet",
            node.name, "Normal");
        w.event(pod, fieldPath, "Started", "Started container " + container, "kubelet",
            node.name, "Normal");
      }
      clock.advanceSeconds(2);
      pod = reg.update(pod, w.running(node, false));
    } else {
      Map<String, Object> tree = Trees.copy(initial);
      w.bind(node).accept(tree);
      w.running(node, false).accept(tree);
      pod = reg.create(tree);
      w.event(pod, "spec.containers{" + Trees.stringAt(Trees.listAt(tree, "spec", "containers").get(0),
          "name") + "}", "Started", "Started container "
          + Trees.stringAt(Trees.listAt(tree, "spec", "containers").get(0), "name"), "kubelet",
          node.name, "Normal");
    }
    app.pods.add(pod);
    app.podNodes.put(pod.name(), node);
    return pod;
  }

  /** A user's Service for an app, with the allocator's bitmap updated first, as kube does. */
  private void exposeApp(App app, String portName, int port, boolean writeBitmap) {
    String type = app.spec.serviceType();
    String ip = serviceIps.allocateNextIp(random);
    if (writeBitmap) {
      serviceIpsObj = reg.storeRaw(serviceIpsObj.key(), serviceIps.rangeAllocation(), true);
    }
    List<Long> ports = new ArrayList<>();
    if ("NodePort".equals(type)) {
      ports.add(nodePorts.allocateNext(random));
      if (writeBitmap) {
        nodePortsObj = reg.storeRaw(nodePortsObj.key(), nodePorts.rangeAllocation(), true);
      }
    }
    Map<String, Object> spec = map(
        "ports", list(map("name", portName, "port", port, "targetPort", portName)),
        "selector", strings("app", app.name()),
        "type", "ClusterIP".equals(type) ? null : type);
    Map<String, Object> manifest = map("apiVersion", "v1", "kind", "Service",
        "metadata", map("labels", Workloads.appLabels(app.spec), "name", app.name(),
            "namespace", app.namespace),
        "spec", spec);
    app.service = reg.create(w.service(manifest, ip, ports));
  }

  private void publishEndpoints(App app) {
    clock.advanceMillis(500);
    String trigger = clock.time();
    app.endpoints = reg.create(w.endpoints(app.service, app.pods, trigger));
    app.endpointSlice = reg.create(w.endpointSlice(app.service,
        app.service.name() + "-" + random.kubeSuffix(5), app.pods, trigger));
  }

  private void republishEndpoints(App app) {
    clock.advanceMillis(500);
    String trigger = clock.time();
    Map<String, Object> ep = w.endpoints(app.service, app.pods, trigger);
    app.endpoints = reg.update(app.endpoints, t -> {
      t.clear();
      t.putAll(ep);
    });
    Map<String, Object> slice = w.endpointSlice(app.service, app.endpointSlice.name(), app.pods, trigger);
    app.endpointSlice = reg.update(app.endpointSlice, t -> {
      t.clear();
      t.putAll(slice);
    });
  }

  private record DemoApps(App frontend, App cart, App blog, App mysql, Obj frontendConfig,
      Obj legacySettings) {}

  private DemoApps demoApps() {
    clock.advanceSeconds(60);
    Node cp = nodes.get(0);
    Node worker = nodes.get(1);
    List<Node> workers = List.of(worker);

    // --- shop: a storefront and a cart service ---
    namespace("shop", "kubectl-create");
    Obj frontendConfig = configMap("shop", "frontend-config", strings(
        "nginx.conf", nginxConf("cart.shop.svc.cluster.local:8080"),
        "BACKEND_URL", "http://cart:8080"), strings("app", "frontend"), Workloads.KUBECTL_APPLY);
    configMap("shop", "cart-config", strings("application.yaml", String.join("\n",
        "server:", "  port: 8080", "cart:", "  session-ttl: 30m", "  max-items: 100",
        "datasource:", "  url: jdbc:postgresql://cart-db:5432/cart", "")), strings("app", "cart"),
        Workloads.KUBECTL_APPLY);
    Obj cartSa = reg.create(serviceAccount("shop", "cart"));
    serviceAccounts.put("shop/cart", cartSa);
    secret("shop", "cart-db", "Opaque", strings("username", "cart", "password", random.alnum(24)),
        null);
    Pki.Cert tls = Pki.serving(random, ca, "shop.example.com",
        List.of("shop.example.com", "www.shop.example.com"), clock.now(), 90);
    secret("shop", "shop-tls", "kubernetes.io/tls",
        strings("tls.crt", tls.pem(), "tls.key", tls.key().privateKeyPem()), null);
    serviceAccountTokenSecret("shop", "cart-token", cartSa);
    Obj role = role("shop", "cart-config-reader", list(
        map("apiGroups", list(""), "resources", list("configmaps"),
            "verbs", list("get", "list", "watch")),
        map("apiGroups", list(""), "resourceNames", list("cart-db"), "resources", list("secrets"),
            "verbs", list("get"))));
    roleBinding("shop", "cart-config-reader", role.name(),
        list(map("kind", "ServiceAccount", "name", "cart", "namespace", "shop")));

    App frontend = new App("shop", new AppSpec("frontend", 3, List.of(
        new ContainerSpec("nginx", "nginx:1.27.3", 80, "http", 4, true, "100m", "64Mi", "256Mi",
            List.<String[]>of(new String[] {"config", "/etc/nginx/conf.d"}))),
        List.of(map("configMap", map("name", "frontend-config"), "name", "config")),
        null, "NodePort", 80, Map.of("tier", "web")));
    deployApp(frontend, workers, Workloads.KUBECTL_APPLY);
    exposeApp(frontend, "http", 80, true);
    publishEndpoints(frontend);

    App cart = new App("shop", new AppSpec("cart", 2, List.of(
        new ContainerSpec("cart", "registry.example.com/shop/cart:2.4.1", 8080, "http", 8, true,
            "250m", "256Mi", "512Mi", List.<String[]>of(new String[] {"config", "/config", "ro"}))),
        List.of(map("configMap", map("name", "cart-config"), "name", "config")),
        "cart", "ClusterIP", 8080, Map.of("tier", "backend")));
    deployApp(cart, List.of(worker, cp), Workloads.KUBECTL_APPLY);
    exposeApp(cart, "http", 8080, true);
    publishEndpoints(cart);

    // --- the CronTab CRD, its APIService, and custom resources ---
    clock.advanceSeconds(20);
    crd();
    customResource("shop", "nightly-report", "0 3 * * *", "registry.example.com/shop/reports:1.8", 1);
    customResource("shop", "cache-warmup", "*/15 * * * *", "registry.example.com/shop/warmer:0.9", 2);

    // --- blog: wordpress and its database ---
    clock.advanceSeconds(45);
    namespace("blog", "kubectl-create");
    configMap("blog", "blog-settings", strings("WORDPRESS_DB_HOST", "blog-mysql:3306",
        "WORDPRESS_DB_NAME", "wordpress", "WORDPRESS_TABLE_PREFIX", "wp_"),
        strings("app", "blog"), Workloads.KUBECTL_APPLY);
    Obj legacy = configMap("blog", "blog-legacy-settings", strings("php.ini",
        "memory_limit = 256M\nupload_max_filesize = 64M\npost_max_size = 64M\n"),
        strings("app", "blog"), Workloads.KUBECTL_APPLY);
    secret("blog", "blog-mysql", "Opaque", strings("MYSQL_ROOT_PASSWORD", random.alnum(20),
        "MYSQL_PASSWORD", random.alnum(20), "MYSQL_USER", "wordpress"), null);
    serviceAccounts.put("blog/blog", reg.create(serviceAccount("blog", "blog")));
    Obj blogRole = role("blog", "blog-reader", list(map("apiGroups", list(""),
        "resources", list("configmaps", "services"), "verbs", list("get", "list"))));
    roleBinding("blog", "blog-reader", blogRole.name(),
        list(map("kind", "ServiceAccount", "name", "blog", "namespace", "blog")));
    clusterRole("crontab-editor", strings("rbac.authorization.k8s.io/aggregate-to-edit", "true"),
        null, list(map("apiGroups", list(CRD_GROUP), "resources", list("crontabs"),
            "verbs", list("get", "list", "watch", "create", "update", "patch", "delete"))),
        Workloads.KUBECTL_APPLY);
    clusterRoleBinding("blog-crontab-editor", null, null, "crontab-editor",
        list(map("kind", "ServiceAccount", "name", "blog", "namespace", "blog")),
        Workloads.KUBECTL_APPLY);

    App mysql = new App("blog", new AppSpec("blog-mysql", 1, List.of(
        new ContainerSpec("mysql", "mysql:8.4.3", 3306, "mysql", 2, false, "500m", "1Gi", "2Gi",
            List.of())), List.of(), null, "ClusterIP", 3306, Map.of("tier", "db")));
    deployApp(mysql, workers, Workloads.KUBECTL_APPLY);
    exposeApp(mysql, "mysql", 3306, true);
    publishEndpoints(mysql);

    App blog = new App("blog", new AppSpec("blog", 2, List.of(
        new ContainerSpec("wordpress", "wordpress:6.7-apache", 80, "http", 6, true, "200m",
            "256Mi", "512Mi", List.of())), List.of(), "blog", "ClusterIP", 80,
        Map.of("tier", "web")));
    deployApp(blog, workers, Workloads.KUBECTL_APPLY);
    exposeApp(blog, "http", 80, true);
    publishEndpoints(blog);
    customResource("blog", "backup", "30 2 * * 0", "registry.example.com/blog/backup:3.1", 1);
    return new DemoApps(frontend, cart, blog, mysql, frontendConfig, legacy);
  }

  /**
   * Five minutes after start the compactor first runs (it only bumps compact_rev_key); five
   * minutes later it compacts to the revision it saw then. Changes in between and after stay
   * in etcd's history: edited configmaps, a scaled deployment, a replaced pod, deletions.
   */
  private void demoHistory(DemoApps apps) {
    advanceTo(START.plusSeconds(300));
    reg.compactorRun();
    renewNodeLeases();

    // kubectl apply: the frontend's nginx.conf gets gzip, then a new backend timeout
    advanceTo(START.plusSeconds(330));
    Obj frontendConfig = editConfigMap(apps.frontendConfig(), "nginx.conf",
        nginxConf("cart.shop.svc.cluster.local:8080").replace("    # gzip", "    gzip on;"));

    // kubectl scale deployment frontend --replicas=4
    advanceTo(START.plusSeconds(360));
    scale(apps.frontend(), 4);

    // kubectl delete pod: a blog pod is deleted gracefully and the ReplicaSet replaces it
    advanceTo(START.plusSeconds(420));
    replacePod(apps.blog(), 0);

    // kubectl delete configmap blog-legacy-settings
    advanceTo(START.plusSeconds(480));
    reg.delete(apps.legacySettings());
    renewNodeLeases();

    // the compactor's second run: compact_rev_key, then etcd compacted to the first run's revision
    advanceTo(START.plusSeconds(600));
    reg.compactorRun();

    advanceTo(START.plusSeconds(630));
    editConfigMap(frontendConfig, "BACKEND_URL", "http://cart.shop.svc.cluster.local:8080");
    renewNodeLeases();
  }

  private void advanceTo(Instant t) {
    if (clock.now().isBefore(t)) {
      clock.advanceMillis(t.toEpochMilli() - clock.now().toEpochMilli());
    }
  }

  private void renewNodeLeases() {
    for (Map.Entry<String, Obj> e : nodeLeases.entrySet()) {
      e.setValue(renewLease(e.getValue()));
      clock.advanceMillis(120);
    }
  }

  /** kubectl apply of a changed ConfigMap: data and last-applied annotation change together. */
  private Obj editConfigMap(Obj cm, String key, String value) {
    return reg.update(cm, t -> {
      Trees.mapAt(t, "data").put(key, value);
      Map<String, Object> manifest = map("apiVersion", "v1", "kind", "ConfigMap",
          "metadata", map("labels", Trees.at(t, "metadata", "labels"), "name",
              Trees.at(t, "metadata", "name"), "namespace", Trees.at(t, "metadata", "namespace")),
          "data", Trees.copy(t.get("data")));
      Workloads.annotateLastApplied(t, manifest);
      reg.manage(t, Workloads.KUBECTL_APPLY, "Update", Workloads.userFields(t), null);
    });
  }

  private void scale(App app, int replicas) {
    int before = app.spec.replicas();
    app.deployment = reg.update(app.deployment, d -> {
      Trees.mapAt(d, "spec").put("replicas", (long) replicas);
      reg.manage(d, "kubectl", "Update", map("spec", map("replicas", "")), "scale");
    });
    clock.advanceMillis(100);
    app.replicaSet = reg.update(app.replicaSet, rs -> {
      Trees.mapAt(rs, "spec").put("replicas", (long) replicas);
      Map<String, Object> annotations = Trees.mapAt(rs, "metadata", "annotations");
      annotations.put("deployment.kubernetes.io/desired-replicas", Integer.toString(replicas));
      annotations.put("deployment.kubernetes.io/max-replicas",
          Long.toString(replicas + (long) Math.ceil(replicas * 0.25)));
      reg.manage(rs, Workloads.KCM, "Update", map(
          "metadata", map("annotations", Trees.copy(annotations)),
          "spec", map("replicas", "")), null);
    });
    w.event(app.deployment, null, "ScalingReplicaSet", "Scaled up replica set "
        + app.replicaSet.name() + " from " + before + " to " + replicas, "deployment-controller",
        null, "Normal");
    for (int i = before; i < replicas; i++) {
      addPod(app, nodes.get(1));
    }
    clock.advanceSeconds(1);
    app.replicaSet = reg.update(app.replicaSet, w.replicaSetStatus(replicas, replicas));
    republishEndpoints(app);
    app.deployment = reg.update(app.deployment,
        w.deploymentAvailable(app.replicaSet.name(), replicas, true));
  }

  /** A graceful pod delete (deletionTimestamp, then the kubelet's final delete) and its replacement. */
  private void replacePod(App app, int index) {
    Obj pod = app.pods.get(index);
    Node node = app.podNodes.get(pod.name());
    pod = reg.update(pod, p -> {
      Map<String, Object> meta = Trees.metadata(p);
      meta.put("deletionTimestamp", Clock.time(clock.now().plusSeconds(30)));
      meta.put("deletionGracePeriodSeconds", 30L);
    });
    w.event(pod, "spec.containers{wordpress}", "Killing", "Stopping container wordpress",
        "kubelet", node.name, "Normal");
    app.pods.remove(index);
    app.replicaSet = reg.update(app.replicaSet, w.replicaSetStatus(app.spec.replicas(),
        app.spec.replicas() - 1));
    addPod(app, node);
    clock.advanceSeconds(2);
    reg.delete(pod);
    republishEndpoints(app);
    app.replicaSet = reg.update(app.replicaSet, w.replicaSetStatus(app.spec.replicas(),
        app.spec.replicas()));
  }

  // ================================================================ secrets, RBAC

  private Obj secret(String namespace, String name, String type, Map<String, Object> data,
      Map<String, Object> annotations) {
    Map<String, Object> encoded = new LinkedHashMap<>();
    data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(
        ((String) v).getBytes(StandardCharsets.UTF_8))));
    Map<String, Object> s = map("apiVersion", "v1", "kind", "Secret",
        "metadata", map("name", name, "namespace", namespace, "annotations", annotations),
        "data", encoded, "type", type);
    reg.manage(s, "kubectl-create", "Update", map("data", Trees.copy(encoded),
        "metadata", annotations == null ? null : map("annotations", Trees.copy(annotations)),
        "type", ""), null);
    return reg.create(s);
  }

  /**
   * A legacy service account token secret: created with the service account's name, then the
   * token controller adds the uid annotation and fills ca.crt, namespace and a signed token.
   */
  private Obj serviceAccountTokenSecret(String namespace, String name, Obj sa) {
    Map<String, Object> s = map("apiVersion", "v1", "kind", "Secret",
        "metadata", map("name", name, "namespace", namespace,
            "annotations", strings("kubernetes.io/service-account.name", sa.name())),
        "type", "kubernetes.io/service-account-token");
    reg.manage(s, "kubectl-create", "Update", map("metadata", map("annotations",
        strings("kubernetes.io/service-account.name", ""))), null);
    Consumer<Map<String, Object>> tokenController = t -> {
      Trees.mapAt(t, "metadata", "annotations").put("kubernetes.io/service-account.uid", sa.uid());
      String claims = Json.write(map(
          "iss", "kubernetes/serviceaccount",
          "kubernetes.io/serviceaccount/namespace", namespace,
          "kubernetes.io/serviceaccount/secret.name", name,
          "kubernetes.io/serviceaccount/service-account.name", sa.name(),
          "kubernetes.io/serviceaccount/service-account.uid", sa.uid(),
          "sub", "system:serviceaccount:" + namespace + ":" + sa.name()));
      String token = Pki.jwt(serviceAccountKey, Pki.keyId(serviceAccountKey), claims);
      Base64.Encoder b64 = Base64.getEncoder();
      t.put("data", map(
          "ca.crt", b64.encodeToString(caBundle.getBytes(StandardCharsets.UTF_8)),
          "namespace", b64.encodeToString(namespace.getBytes(StandardCharsets.UTF_8)),
          "token", b64.encodeToString(token.getBytes(StandardCharsets.UTF_8))));
      reg.manage(t, Workloads.KCM, "Update", map(
          "data", map("ca.crt", "", "namespace", "", "token", ""),
          "metadata", map("annotations", strings("kubernetes.io/service-account.uid", ""))), null);
    };
    return w.write(s, tokenController);
  }

  private Obj role(String namespace, String name, List<Object> rules) {
    Map<String, Object> manifest = map("apiVersion", "rbac.authorization.k8s.io/v1", "kind", "Role",
        "metadata", map("name", name, "namespace", namespace), "rules", rules);
    Map<String, Object> r = Trees.copy(manifest);
    Workloads.annotateLastApplied(r, manifest);
    reg.manage(r, Workloads.KUBECTL_APPLY, "Update", Workloads.userFields(r), null);
    return reg.create(r);
  }

  private Obj roleBinding(String namespace, String name, String role, List<Object> subjects) {
    Map<String, Object> manifest = map("apiVersion", "rbac.authorization.k8s.io/v1",
        "kind", "RoleBinding", "metadata", map("name", name, "namespace", namespace),
        "roleRef", map("apiGroup", "rbac.authorization.k8s.io", "kind", "Role", "name", role),
        "subjects", subjects);
    Map<String, Object> b = Trees.copy(manifest);
    Workloads.annotateLastApplied(b, manifest);
    reg.manage(b, Workloads.KUBECTL_APPLY, "Update", Workloads.userFields(b), null);
    return reg.create(b);
  }

  // ================================================================ CRD and custom resources

  private static final String CRONTAB_SCHEMA = """
      {"type":"object","properties":{"spec":{"type":"object","properties":{
      "cronSpec":{"type":"string","pattern":"^(\\\\d+|\\\\*)(/\\\\d+)?(\\\\s+(\\\\d+|\\\\*)(/\\\\d+)?){4}$"},
      "image":{"type":"string"},"replicas":{"type":"integer","minimum":1,"maximum":10}}},
      "status":{"type":"object","properties":{"lastScheduleTime":{"type":"string","format":"date-time"}}}}}""";

  /**
   * The CronTab CRD, applied as apiextensions.k8s.io/v1 and stored the way the
   * apiextensions-apiserver stores CRDs: as v1beta1 JSON (its storage codec), where the
   * single version's schema and subresources are hoisted to spec.validation/spec.subresources.
   */
  private void crd() {
    Map<String, Object> names = map("plural", "crontabs", "singular", "crontab",
        "shortNames", list("ct"), "kind", "CronTab", "listKind", "CronTabList");
    @SuppressWarnings("unchecked")
    Map<String, Object> schema = (Map<String, Object>) Json.parse(CRONTAB_SCHEMA);
    Map<String, Object> v1Spec = map("group", CRD_GROUP, "names", Trees.copy(names),
        "scope", "Namespaced",
        "versions", list(map("name", "v1", "served", true, "storage", true,
            "schema", map("openAPIV3Schema", Trees.copy(schema)),
            "subresources", map("status", map()))),
        "conversion", map("strategy", "None"));
    Map<String, Object> manifest = map("apiVersion", "apiextensions.k8s.io/v1",
        "kind", "CustomResourceDefinition",
        "metadata", map("name", "crontabs." + CRD_GROUP), "spec", v1Spec);
    String now = clock.time();
    Map<String, Object> crd = map(
        "apiVersion", "apiextensions.k8s.io/v1beta1",
        "kind", "CustomResourceDefinition",
        "metadata", map("name", "crontabs." + CRD_GROUP),
        "spec", map(
            "group", CRD_GROUP,
            "version", "v1",
            "names", Trees.copy(names),
            "scope", "Namespaced",
            "validation", map("openAPIV3Schema", schema),
            "subresources", map("status", map()),
            "versions", list(map("name", "v1", "served", true, "storage", true)),
            "conversion", map("strategy", "None"),
            "preserveUnknownFields", false),
        "status", map(
            "conditions", list(
                map("type", "NamesAccepted", "status", "True", "lastTransitionTime", now,
                    "reason", "NoConflicts", "message", "no conflicts found"),
                map("type", "Established", "status", "True", "lastTransitionTime", now,
                    "reason", "InitialNamesAccepted", "message", "the initial names have been accepted")),
            "acceptedNames", Trees.copy(names),
            "storedVersions", list("v1")));
    Workloads.annotateLastApplied(crd, manifest);
    Map<String, Object> applied = Trees.copy(manifest);
    Workloads.annotateLastApplied(applied, manifest);
    applied.put("spec", Trees.copy(v1Spec));
    Trees.mapAt(applied, "spec").put("conversion", map("strategy", "None"));
    // managedFields record the version each manager used: v1
    Map<String, Object> meta = Trees.metadata(crd);
    meta.put("managedFields", list(
        FieldsV1.entry(Workloads.KUBECTL_APPLY, "Update", "apiextensions.k8s.io/v1", now,
            Workloads.userFields(applied), null),
        FieldsV1.entry("kube-apiserver", "Update", "apiextensions.k8s.io/v1", now,
            map("status", map("acceptedNames", Trees.copy(names),
                "conditions", Trees.copy(Trees.at(crd, "status", "conditions")))), "status")));
    reg.create(crd);
    reg.registerCustomResource(CRD_GROUP, "CronTab", "crontabs", true);
    apiService(CRD_GROUP, "v1", 1000, 100, "true");
  }

  private void customResource(String namespace, String name, String schedule, String image,
      int replicas) {
    Map<String, Object> manifest = map("apiVersion", CRD_GROUP + "/v1", "kind", "CronTab",
        "metadata", map("name", name, "namespace", namespace),
        "spec", map("cronSpec", schedule, "image", image, "replicas", replicas));
    Map<String, Object> cr = Trees.copy(manifest);
    Workloads.annotateLastApplied(cr, manifest);
    reg.manage(cr, Workloads.KUBECTL_APPLY, "Update", Workloads.userFields(cr), null);
    reg.create(cr);
  }

  private static String nginxConf(String upstream) {
    return String.join("\n",
        "upstream cart {", "    server " + upstream + ";", "}", "server {", "    listen 80;",
        "    server_name shop.example.com;", "    # gzip", "    location /api/cart/ {",
        "        proxy_pass http://cart/;", "        proxy_read_timeout 30s;", "    }",
        "    location / {", "        root /usr/share/nginx/html;", "        try_files $uri /index.html;",
        "    }", "}", "");
  }

  // ================================================================ generated namespaces

  private static final List<String> APP_NAMES = List.of("api", "web", "worker", "auth", "search",
      "payments", "orders", "catalog", "notifications", "gateway", "billing", "reports",
      "inventory", "profile", "media", "scheduler", "ingest", "export");
  private static final List<String> IMAGES = List.of("nginx:1.27.3", "node:22-alpine",
      "eclipse-temurin:21-jre", "python:3.12-slim", "golang:1.23", "redis:7.4", "envoyproxy/envoy:v1.32.1",
      "ghcr.io/example/service:4.2.0", "registry.example.com/platform/sidecar:1.9.3");

  /** One generated team namespace: a few apps with fat but realistic specs, configs, secrets. */
  private void generatedNamespace(int index, long remaining) {
    String ns = String.format("team-%05d", index);
    Seeded r = random.fork();
    clock.advanceSeconds(7);
    namespace(ns, "kubectl-create");
    Obj sa = reg.create(serviceAccount(ns, "app"));
    Obj role = role(ns, "app-config-reader", list(map("apiGroups", list(""),
        "resources", list("configmaps", "secrets"), "verbs", list("get", "list", "watch"))));
    roleBinding(ns, "app-config-reader", role.name(),
        list(map("kind", "ServiceAccount", "name", "app", "namespace", ns)));
    secret(ns, "app-credentials", "Opaque", strings("username", "svc-" + ns, "password",
        r.alnum(32), "api-key", r.alnum(48)), null);
    if (r.chance(0.5)) {
      Pki.Cert tls = Pki.serving(r, ca, ns + ".apps.example.com",
          List.of(ns + ".apps.example.com"), clock.now(), 90);
      secret(ns, ns + "-tls", "kubernetes.io/tls",
          strings("tls.crt", tls.pem(), "tls.key", tls.key().privateKeyPem()), null);
    }
    int apps = remaining < 60 ? 1 : r.between(3, 7);
    List<String> names = new ArrayList<>(APP_NAMES);
    for (int i = 0; i < apps; i++) {
      String name = names.remove(r.nextInt(names.size()));
      configMap(ns, name + "-config", generatedConfig(r, name), strings("app", name),
          Workloads.KUBECTL_APPLY);
      List<ContainerSpec> containers = new ArrayList<>();
      int port = r.pick(List.of(80, 8080, 8443, 9000, 3000));
      containers.add(new ContainerSpec(name, r.pick(IMAGES), port, "http", r.between(8, 22), true,
          r.pick(List.of("50m", "100m", "250m", "500m")), r.pick(List.of("64Mi", "128Mi", "256Mi", "512Mi")),
          r.pick(List.of("256Mi", "512Mi", "1Gi")),
          List.<String[]>of(new String[] {"config", "/etc/" + name, "ro"}, new String[] {"tmp", "/tmp"})));
      if (r.chance(0.6)) {
        containers.add(new ContainerSpec("log-shipper", "registry.example.com/platform/sidecar:1.9.3",
            9100, "metrics", 6, false, "10m", "32Mi", "64Mi",
            List.<String[]>of(new String[] {"tmp", "/var/log/app", "ro"})));
      }
      AppSpec spec = new AppSpec(name, r.between(1, 5), containers,
          List.of(map("configMap", map("name", name + "-config"), "name", "config"),
              map("emptyDir", map(), "name", "tmp")),
          // every tenth namespace exposes its first app on a node port, while ports last
          "app", i == 0 && index % 10 == 1 && nodePorts.allocatedCount() < 2000 ? "NodePort" : "ClusterIP",
          port, Map.of("app.kubernetes.io/part-of", ns, "app.kubernetes.io/version",
              "1." + r.nextInt(20) + "." + r.nextInt(10)));
      App app = new App(ns, spec);
      deployApp(app, List.of(schedulableNode()), Workloads.KUBECTL_APPLY);
      exposeApp(app, "http", port, false);
      publishEndpoints(app);
    }
  }

  /** The worker with room for more pods; a new one joins when they are full (110 pods each). */
  private Node schedulableNode() {
    Node last = nodes.get(nodes.size() - 1);
    if (nodes.size() > 1 && last.podCount() < 100) {
      return last;
    }
    Node n = new Node("worker-" + nodes.size(), "172.18." + (nodes.size() / 250) + "."
        + (2 + nodes.size() % 250), nodes.size());
    registerNode(n, false);
    return n;
  }

  private static Map<String, Object> generatedConfig(Seeded r, String app) {
    Map<String, Object> data = new LinkedHashMap<>();
    StringBuilder yaml = new StringBuilder();
    yaml.append("service:\n  name: ").append(app).append("\n  port: 8080\nfeatures:\n");
    int flags = r.between(40, 120);
    for (int i = 0; i < flags; i++) {
      yaml.append("  flag-").append(i).append(":\n    enabled: ").append(r.chance(0.5))
          .append("\n    rollout: ").append(r.nextInt(101)).append("\n    owner: team-")
          .append(r.alnum(6).toLowerCase()).append('\n');
    }
    yaml.append("routes:\n");
    int routes = r.between(20, 60);
    for (int i = 0; i < routes; i++) {
      yaml.append("  - path: /api/v").append(1 + r.nextInt(3)).append('/').append(r.alnum(8).toLowerCase())
          .append("\n    upstream: http://").append(app).append('-').append(r.alnum(5).toLowerCase())
          .append(":8080\n    timeout: ").append(1 + r.nextInt(30)).append("s\n");
    }
    data.put("config.yaml", yaml.toString());
    data.put("LOG_LEVEL", r.pick(List.of("debug", "info", "warn")));
    data.put("CACHE_SIZE_MB", Integer.toString(16 << r.nextInt(5)));
    return data;
  }

}
