package io.regshift.archive;

/**
 * The PAX records that carry an entry's etcd fields beside its value (docs/archive-format.md).
 * They are written as extended attributes in the {@code user.regshift.} namespace: GNU tar and
 * bsdtar read those silently (a vendor keyword of our own would draw a warning per entry from
 * GNU tar), and {@code tar --xattrs -x} puts them on the extracted files.
 */
final class PaxRecords {
  private static final String PREFIX = "SCHILY.xattr.user.regshift.";
  static final String CREATE_REVISION = PREFIX + "create_revision";
  static final String MOD_REVISION = PREFIX + "mod_revision";
  static final String VERSION = PREFIX + "version";
  static final String LEASE = PREFIX + "lease";
  static final String SHA256 = PREFIX + "sha256";

  private PaxRecords() {}
}
