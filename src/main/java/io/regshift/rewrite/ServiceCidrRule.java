package io.regshift.rewrite;

import io.regshift.kube.RegistryKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * --service-cidr and --secondary-service-cidr: every Service's cluster IPs moved into the new
 * range of their family, and the allocator's state written to match.
 *
 * <p>Plan, per family given: the {@code kubernetes} Service in {@code default} gets the first
 * address of the primary range; every other IP keeps its offset (its distance from the old
 * range's first address) when that offset fits the new range and is free, or else its own
 * address when the new range overlaps the old one and it is free there; the rest get the next
 * free address (kube-apiserver's dynamic band first, then the static band below it). IPAddress objects that do not belong to a
 * Service's IP are kept, and their addresses are not handed out.
 *
 * <p>Apply: Services ({@code spec.clusterIP}, {@code spec.clusterIPs}); the RangeAllocations at
 * {@code ranges/serviceips} and {@code ranges/secondaryserviceips} (range and bitmap); IPAddress
 * objects (moved to the new address: key, name, family label); the ServiceCIDR {@code
 * kubernetes} ({@code spec.cidrs}).
 */
public final class ServiceCidrRule implements RewriteRule {
  public static final String NAME = "service-cidr";
  static final String FAMILY_LABEL = "ipaddress.kubernetes.io/ip-family";
  private static final String PRIMARY_RANGE = "serviceips";
  private static final String SECONDARY_RANGE = "secondaryserviceips";
  private static final String DEFAULT_SERVICE_CIDR = "kubernetes";

  private final Cidr primary;
  private final Cidr secondary;

  // survey: small entries only
  private final List<ServiceIps> services = new ArrayList<>();
  private final Map<String, ServiceIps> servicesByName = new HashMap<>();
  private final List<IpAddressEntry> ipAddresses = new ArrayList<>();
  private final Map<String, String> rangeByName = new HashMap<>(); // serviceips → "10.96.0.0/12"
  private List<String> defaultServiceCidrs; // the ServiceCIDR "kubernetes", when present
  private final List<String> undecodable = new ArrayList<>();

  // plan
  private final Map<String, List<String>> newServiceIps = new HashMap<>(); // source key → clusterIPs
  private final Map<String, String> newIpAddressNames = new HashMap<>(); // source key → address
  private final Map<String, Cidr> newRanges = new HashMap<>(); // serviceips → new range
  private final Map<String, RangeBitmap> newBitmaps = new HashMap<>();
  private boolean planned;

  /**
   * @param primary   the new primary range (--service-cidr), or null
   * @param secondary the new secondary range (--secondary-service-cidr), or null
   * @throws IllegalArgumentException when neither is given or both are of one family
   */
  public ServiceCidrRule(Cidr primary, Cidr secondary) {
    if (primary == null && secondary == null) {
      throw new IllegalArgumentException("--service-cidr or --secondary-service-cidr is needed");
    }
    if (primary != null && secondary != null && primary.isIpv4() == secondary.isIpv4()) {
      throw new IllegalArgumentException("--service-cidr " + primary + " and --secondary-service-cidr " + secondary
          + " are both " + primary.family() + "; a dual-stack cluster has one range per family");
    }
    this.primary = primary;
    this.secondary = secondary;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Services, the RangeAllocations, IPAddresses and the ServiceCIDR, whole; nothing else. */
  @Override
  public SurveyNeed surveyNeed(RegistryKey key) {
    return kindOf(key) == Kind.OTHER ? SurveyNeed.NONE : SurveyNeed.FIELDS;
  }

  @Override
  public boolean mayChange(RegistryKey key) {
    return kindOf(key) != Kind.OTHER;
  }

  private enum Kind { SERVICE, RANGE, IP_ADDRESS, SERVICE_CIDR, OTHER }

  private static Kind kindOf(RegistryKey key) {
    if (!key.inRegistry() || key.resource() == null) {
      return Kind.OTHER;
    }
    return switch (key.resource()) {
      case "services" -> "services/specs".equals(key.keyPath()) ? Kind.SERVICE : Kind.OTHER;
      case "rangeallocations" -> PRIMARY_RANGE.equals(key.name()) || SECONDARY_RANGE.equals(key.name())
          ? Kind.RANGE : Kind.OTHER;
      case "ipaddresses" -> Kind.IP_ADDRESS;
      case "servicecidrs" -> DEFAULT_SERVICE_CIDR.equals(key.name()) ? Kind.SERVICE_CIDR : Kind.OTHER;
      default -> Kind.OTHER;
    };
  }

  /** A Service's cluster IPs as read; {@code ips} is empty for headless and ExternalName ones. */
  private record ServiceIps(String sourceKey, String namespace, String name, List<String> ips) {
    boolean isKubernetes() {
      return "default".equals(namespace) && "kubernetes".equals(name);
    }
  }

  private record IpAddressEntry(String sourceKey, String name, String parentNamespace, String parentName) {}

  @Override
  public void survey(RewriteObject object) {
    RegistryKey key = object.key();
    Kind kind = kindOf(key);
    if (kind == Kind.OTHER) {
      return;
    }
    Map<String, Object> tree = object.object();
    String sourceKey = object.entry().keyString();
    if (tree == null) {
      if (kind == Kind.SERVICE || kind == Kind.RANGE) {
        undecodable.add(sourceKey);
      }
      return;
    }
    switch (kind) {
      case SERVICE -> {
        ServiceIps s = new ServiceIps(sourceKey, key.namespace(), key.name(), clusterIps(tree));
        services.add(s);
        servicesByName.put(s.namespace() + "/" + s.name(), s);
      }
      case RANGE -> rangeByName.put(key.name(), Tree.string(tree, "range"));
      case IP_ADDRESS -> ipAddresses.add(new IpAddressEntry(sourceKey, key.name(),
          Tree.string(tree, "spec", "parentRef", "namespace"), Tree.string(tree, "spec", "parentRef", "name")));
      case SERVICE_CIDR -> {
        List<Object> cidrs = Tree.list(tree, "spec", "cidrs");
        defaultServiceCidrs = new ArrayList<>();
        if (cidrs != null) {
          cidrs.forEach(c -> defaultServiceCidrs.add(String.valueOf(c)));
        }
      }
      default -> { }
    }
  }

  /** clusterIPs, or clusterIP alone for objects written before 1.20; "None" and "" are no address. */
  private static List<String> clusterIps(Map<String, Object> service) {
    List<String> out = new ArrayList<>();
    List<Object> ips = Tree.list(service, "spec", "clusterIPs");
    if (ips != null && !ips.isEmpty()) {
      ips.forEach(ip -> out.add(String.valueOf(ip)));
    } else {
      String ip = Tree.string(service, "spec", "clusterIP");
      if (ip != null) {
        out.add(ip);
      }
    }
    out.removeIf(ip -> ip.isEmpty() || ip.equals("None"));
    return out;
  }

  @Override
  public void plan() {
    if (!undecodable.isEmpty()) {
      throw new RewriteException(NAME + ": " + undecodable.get(0) + " could not be decoded, so its cluster IP is unknown"
          + (undecodable.size() > 1 ? " (and " + (undecodable.size() - 1) + " more)" : "")
          + "; no service IP can be moved safely");
    }
    Map<String, Cidr> oldRanges = oldRangesByFamily();
    checkFamily(primary, "--service-cidr", PRIMARY_RANGE, 0);
    checkFamily(secondary, "--secondary-service-cidr", SECONDARY_RANGE, 1);
    Map<String, IpAddress[]> newIps = new HashMap<>(); // source key → new address per clusterIPs index
    for (Cidr target : new Cidr[] {primary, secondary}) {
      if (target != null) {
        planFamily(target, target == primary ? "--service-cidr" : "--secondary-service-cidr",
            oldRanges.get(target.family()), target == primary, newIps);
      }
    }
    for (ServiceIps s : services) {
      IpAddress[] moved = newIps.get(s.sourceKey());
      if (moved == null) {
        continue;
      }
      List<String> ips = new ArrayList<>(s.ips());
      for (int i = 0; i < ips.size(); i++) {
        if (moved[i] != null) {
          ips.set(i, moved[i].toString());
        }
      }
      newServiceIps.put(s.sourceKey(), ips);
    }
    planIpAddresses();
    planned = true;
  }

  /** Old ranges: the ServiceCIDR "kubernetes" when present (newer clusters), else the bitmaps' ranges. */
  private Map<String, Cidr> oldRangesByFamily() {
    Map<String, Cidr> out = new HashMap<>();
    for (String name : List.of(SECONDARY_RANGE, PRIMARY_RANGE)) {
      String range = rangeByName.get(name);
      if (range != null) {
        Cidr c = storedCidr("/registry/ranges/" + name + " range", range);
        out.put(c.family(), c);
      }
    }
    if (defaultServiceCidrs != null) {
      for (String text : defaultServiceCidrs) {
        Cidr c = storedCidr("ServiceCIDR kubernetes spec.cidrs", text);
        out.put(c.family(), c);
      }
    }
    return out;
  }

  private static Cidr storedCidr(String what, String text) {
    try {
      return Cidr.parse(what, text);
    } catch (IllegalArgumentException e) {
      throw new RewriteException(NAME + ": " + e.getMessage());
    }
  }

  /** The new range must be of the family the cluster's range in that place has. */
  private void checkFamily(Cidr target, String flag, String rangeName, int cidrIndex) {
    if (target == null) {
      return;
    }
    String old = rangeByName.get(rangeName);
    String where = "/registry/ranges/" + rangeName;
    if (old == null && defaultServiceCidrs != null && defaultServiceCidrs.size() > cidrIndex) {
      old = defaultServiceCidrs.get(cidrIndex);
      where = "the ServiceCIDR kubernetes";
    }
    if (old == null) {
      return;
    }
    Cidr oldCidr = storedCidr(where, old);
    if (oldCidr.isIpv4() != target.isIpv4()) {
      throw new RewriteException(NAME + ": " + flag + " " + target + " is " + target.family() + " but the cluster's "
          + (cidrIndex == 0 ? "primary" : "secondary") + " service range (" + where + ") is " + oldCidr
          + "; changing a range's IP family would also change every Service's ipFamilies, which regshift does not do"
          + (cidrIndex == 0 ? "" : " (is it the primary range? use --service-cidr)"));
    }
  }

  /** One address slot: the i-th cluster IP of a Service. */
  private record Slot(ServiceIps service, int index, IpAddress ip) {}

  private void planFamily(Cidr target, String flag, Cidr oldRange, boolean isPrimary, Map<String, IpAddress[]> newIps) {
    List<Slot> slots = new ArrayList<>();
    for (ServiceIps s : services) {
      for (int i = 0; i < s.ips().size(); i++) {
        IpAddress ip = serviceIp(s, s.ips().get(i));
        if (ip.isIpv4() == target.isIpv4()) {
          slots.add(new Slot(s, i, ip));
        }
      }
    }
    OffsetAllocator offsets = new OffsetAllocator(target.allocatable(), target.dynamicBandStart());
    // addresses held by IPAddress objects that are not a Service's stay theirs
    Map<Long, String> reservedBy = new LinkedHashMap<>();
    for (IpAddressEntry e : ipAddresses) {
      if (owner(e) == null) {
        IpAddress ip = parseOrNull(e.name());
        long offset = ip == null ? -1 : target.offsetOf(ip);
        if (offset >= 0 && offsets.take(offset)) {
          reservedBy.put(offset, e.sourceKey());
        }
      }
    }
    if (slots.size() > offsets.free()) {
      String need = Cidr.prefixFor(target.isIpv4(), slots.size() + reservedBy.size());
      throw new RewriteException(NAME + ": " + flag + " " + target + " is too small: it has " + target.allocatable()
          + " addresses for Services" + (reservedBy.isEmpty() ? "" : " (" + reservedBy.size() + " held by other IPAddress objects)")
          + ", but the cluster has " + slots.size() + " " + target.family() + " Service IPs"
          + (need == null ? "" : "; it needs at least a " + need));
    }
    long[] chosen = new long[slots.size()];
    java.util.Arrays.fill(chosen, -1);
    // the kubernetes Service: the first address of the primary range
    for (int i = 0; i < slots.size(); i++) {
      Slot slot = slots.get(i);
      if (isPrimary && slot.service().isKubernetes() && slot.index() == 0) {
        if (reservedBy.containsKey(0L)) {
          throw new RewriteException(NAME + ": " + flag + " " + target + ": its first address " + target.addressAt(0)
              + ", which the kubernetes Service gets, is held by " + reservedBy.get(0L)
              + ", which belongs to no Service's IP; delete that object first or choose another range");
        }
        offsets.take(0);
        chosen[i] = 0;
      }
    }
    // every other address keeps its offset where it fits and is free
    for (int i = 0; i < slots.size(); i++) {
      IpAddress ip = slots.get(i).ip();
      if (chosen[i] < 0 && oldRange != null && offsets.take(oldRange.offsetOf(ip))) {
        chosen[i] = oldRange.offsetOf(ip);
      }
    }
    // or its own address, when that lies in the new range already (an overlapping range)
    for (int i = 0; i < slots.size(); i++) {
      IpAddress ip = slots.get(i).ip();
      if (chosen[i] < 0 && offsets.take(target.offsetOf(ip))) {
        chosen[i] = target.offsetOf(ip);
      }
    }
    // the rest: the next free address
    for (int i = 0; i < slots.size(); i++) {
      if (chosen[i] < 0) {
        chosen[i] = offsets.next();
      }
    }
    RangeBitmap bitmap = RangeBitmap.empty();
    for (int i = 0; i < slots.size(); i++) {
      Slot slot = slots.get(i);
      newIps.computeIfAbsent(slot.service().sourceKey(), k -> new IpAddress[slot.service().ips().size()])[slot.index()] =
          target.addressAt(chosen[i]);
      if (chosen[i] <= Integer.MAX_VALUE) {
        bitmap.set((int) chosen[i]);
      }
    }
    for (String rangeName : List.of(PRIMARY_RANGE, SECONDARY_RANGE)) {
      String range = rangeByName.get(rangeName);
      if (range != null && storedCidr("/registry/ranges/" + rangeName + " range", range).isIpv4() == target.isIpv4()) {
        if (target.hostBits() > Cidr.MAX_BITMAP_HOST_BITS) {
          throw new RewriteException(NAME + ": " + flag + " " + target + " is too large for the bitmap at /registry/ranges/"
              + rangeName + ": kube-apiserver accepts at most " + Cidr.MAX_BITMAP_HOST_BITS
              + " host bits (/12 for IPv4, /108 for IPv6) while it keeps that bitmap");
        }
        newRanges.put(rangeName, target);
        newBitmaps.put(rangeName, bitmap);
      }
    }
  }

  private static IpAddress serviceIp(ServiceIps s, String text) {
    try {
      return IpAddress.parse(text);
    } catch (IllegalArgumentException e) {
      throw new RewriteException(NAME + ": " + s.sourceKey() + ": spec.clusterIPs: " + e.getMessage());
    }
  }

  private static IpAddress parseOrNull(String text) {
    try {
      return IpAddress.parse(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The Service whose cluster IP this IPAddress object stands for, or null. */
  private ServiceIps owner(IpAddressEntry e) {
    ServiceIps s = servicesByName.get(e.parentNamespace() + "/" + e.parentName());
    IpAddress ip = parseOrNull(e.name());
    if (s == null || ip == null) {
      return null;
    }
    for (String own : s.ips()) {
      if (ip.equals(parseOrNull(own))) {
        return s;
      }
    }
    return null;
  }

  private void planIpAddresses() {
    for (IpAddressEntry e : ipAddresses) {
      ServiceIps s = owner(e);
      List<String> moved = s == null ? null : newServiceIps.get(s.sourceKey());
      if (moved == null) {
        continue;
      }
      IpAddress ip = parseOrNull(e.name());
      for (int i = 0; i < s.ips().size(); i++) {
        if (ip.equals(parseOrNull(s.ips().get(i)))) {
          newIpAddressNames.put(e.sourceKey(), moved.get(i));
          break;
        }
      }
    }
  }

  /** The planned old → new cluster IP of every Service that moves (source key → clusterIPs). */
  public Map<String, List<String>> plannedServiceIps() {
    return Map.copyOf(newServiceIps);
  }

  @Override
  public void apply(RewriteObject object) {
    if (!planned) {
      throw new IllegalStateException(NAME + ": apply before plan");
    }
    Map<String, Object> tree = object.object();
    if (tree == null) {
      return;
    }
    String sourceKey = object.entry().keyString();
    switch (kindOf(object.key())) {
      case SERVICE -> applyService(object, tree, newServiceIps.get(sourceKey));
      case RANGE -> applyRange(object, tree, object.key().name());
      case IP_ADDRESS -> applyIpAddress(object, tree, newIpAddressNames.get(sourceKey));
      case SERVICE_CIDR -> applyServiceCidr(object, tree);
      default -> { }
    }
  }

  private static void applyService(RewriteObject object, Map<String, Object> tree, List<String> ips) {
    Map<String, Object> spec = Tree.map(tree, "spec");
    if (ips == null || spec == null) {
      return;
    }
    Object clusterIp = spec.get("clusterIP");
    if (!ips.get(0).equals(clusterIp)) {
      spec.put("clusterIP", ips.get(0));
      object.changed(NAME, "spec.clusterIP", clusterIp, ips.get(0));
    }
    List<Object> old = Tree.list(spec, "clusterIPs");
    if (old != null && !old.isEmpty()) {
      List<Object> updated = new ArrayList<>(old);
      for (int i = 0; i < updated.size() && i < ips.size(); i++) {
        if (!ips.get(i).equals(updated.get(i))) {
          object.changed(NAME, "spec.clusterIPs[" + i + "]", updated.get(i), ips.get(i));
          updated.set(i, ips.get(i));
        }
      }
      spec.put("clusterIPs", updated);
    }
  }

  private void applyRange(RewriteObject object, Map<String, Object> tree, String rangeName) {
    Cidr range = newRanges.get(rangeName);
    if (range == null) {
      return;
    }
    RangeBitmap bitmap = newBitmaps.get(rangeName);
    Object oldRange = tree.get("range");
    if (!range.toString().equals(oldRange)) {
      tree.put("range", range.toString());
      object.changed(NAME, "range", oldRange, range.toString());
    }
    String oldData = Tree.string(tree, "data");
    String newData = bitmap.toBase64();
    if (!newData.equals(oldData == null ? "" : oldData)) {
      tree.put("data", newData);
      object.changed(NAME, "data", bitmapOf(RangeBitmap.fromBase64(oldData).count()),
          bitmapOf(bitmap.count()) + " in " + range);
    }
  }

  private static void applyIpAddress(RewriteObject object, Map<String, Object> tree, String newName) {
    if (newName == null) {
      return;
    }
    RegistryKey key = object.key();
    if (!newName.equals(key.name())) {
      object.moveTo(NAME, RegistryKey.of(key.prefix(), key.resourceInfo(), null, newName));
    }
    Map<String, Object> metadata = Tree.map(tree, "metadata");
    if (metadata == null) {
      return;
    }
    Object oldName = metadata.get("name");
    if (!newName.equals(oldName)) {
      metadata.put("name", newName);
      object.changed(NAME, "metadata.name", oldName, newName);
    }
    Map<String, Object> labels = Tree.map(metadata, "labels");
    String family = IpAddress.parse(newName).family();
    if (labels != null && !family.equals(labels.get(FAMILY_LABEL))) {
      Object oldFamily = labels.put(FAMILY_LABEL, family);
      object.changed(NAME, "metadata.labels[" + FAMILY_LABEL + "]", oldFamily, family);
    }
  }

  private void applyServiceCidr(RewriteObject object, Map<String, Object> tree) {
    Map<String, Object> spec = Tree.map(tree, "spec");
    List<Object> cidrs = Tree.list(spec, "cidrs");
    if (cidrs == null) {
      return;
    }
    List<Object> updated = new ArrayList<>(cidrs);
    for (int i = 0; i < updated.size(); i++) {
      Cidr old = storedCidr("ServiceCIDR kubernetes spec.cidrs", String.valueOf(updated.get(i)));
      Cidr target = primary != null && primary.isIpv4() == old.isIpv4() ? primary
          : secondary != null && secondary.isIpv4() == old.isIpv4() ? secondary : null;
      if (target != null && !target.toString().equals(updated.get(i))) {
        object.changed(NAME, "spec.cidrs[" + i + "]", updated.get(i), target.toString());
        updated.set(i, target.toString());
      }
    }
    spec.put("cidrs", updated);
  }

  private static String bitmapOf(int n) {
    return "bitmap of " + n + (n == 1 ? " address" : " addresses");
  }
}
