package io.regshift.kube.proto;

/** Go's duration format, for callers outside the codec (flags such as --dial-timeout, tests). */
public final class GoTimeAccess {
  public static String duration(long nanos) {
    return GoTime.duration(nanos);
  }

  public static long parseDuration(String s) {
    return GoTime.parseDuration(s);
  }

  private GoTimeAccess() {}
}
