package io.regshift.sink;

/**
 * A key the target held already.
 *
 * @param key    the target key
 * @param differs true when the target's value is not the source's bytes
 */
public record RestoreConflict(String key, boolean differs) {

  /** "/registry/x/y (value differs)", as the plan and the errors say it. */
  public String describe() {
    return key + (differs ? " (value differs)" : " (same bytes)");
  }
}
