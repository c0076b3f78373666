package io.regshift.etcd;

import java.util.List;

/**
 * What etcd keeps beside the keys: the {@code meta}, {@code cluster}, {@code members},
 * {@code lease} and {@code auth} buckets.
 *
 * @param consistentIndex           raft index of the last applied entry
 * @param term                      raft term of that entry (etcd 3.5+; 0 when absent)
 * @param scheduledCompactRevision  0 when none
 * @param finishedCompactRevision   0 when never compacted
 * @param storageVersion            e.g. "3.6.0" (etcd 3.6+), null when absent
 * @param clusterVersion            e.g. "3.5.0", null when absent
 * @param members                   the members, as recorded
 * @param removedMembers            ids of removed members
 * @param leases                    number of leases
 * @param authEnabled               whether auth was on
 */
public record BackendMeta(long consistentIndex, long term, long scheduledCompactRevision,
    long finishedCompactRevision, String storageVersion, String clusterVersion, List<Member> members,
    List<String> removedMembers, long leases, boolean authEnabled) {

  /**
   * One cluster member as the {@code members} bucket records it.
   *
   * @param id       member id in hex, as etcdctl prints it
   * @param name     member name, "" when not recorded
   * @param peerUrls peer URLs
   * @param learner  whether the member is a learner
   */
  public record Member(String id, String name, List<String> peerUrls, boolean learner) {}
}
