package io.regshift.rewrite;

/** A resource modifiers file that cannot be used; the message names the file, line, rule and cause. */
public final class ModifiersFileException extends RuntimeException {
  public ModifiersFileException(String message) {
    super(message);
  }
}
