package io.regshift.etcd;

import java.util.List;

/**
 * Which cluster entries came from, as far as the source knows: a live cluster tells its id and
 * members; a database file records members only; an archive repeats what its source said.
 *
 * @param clusterId cluster id in hex as etcdctl prints it, null when unknown
 * @param members   the members
 */
public record ClusterInfo(String clusterId, List<Member> members) {

  /**
   * One member.
   *
   * @param id         member id in hex
   * @param name       member name, "" when not known
   * @param peerUrls   peer URLs
   * @param clientUrls client URLs (not recorded in database files)
   * @param learner    whether it is a learner
   */
  public record Member(String id, String name, List<String> peerUrls, List<String> clientUrls, boolean learner) {}

  public ClusterInfo {
    members = List.copyOf(members);
  }

  public static ClusterInfo unknown() {
    return new ClusterInfo(null, List.of());
  }
}
