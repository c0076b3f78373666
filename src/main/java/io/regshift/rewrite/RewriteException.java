package io.regshift.rewrite;

/** A rewrite that cannot be carried out; the message names the rule, the object and the cause. */
public final class RewriteException extends RuntimeException {
  public RewriteException(String message) {
    super(message);
  }
}
