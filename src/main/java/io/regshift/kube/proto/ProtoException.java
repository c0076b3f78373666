package io.regshift.kube.proto;

/** The bytes are not what the schema says they are; the message says where and why. */
public final class ProtoException extends RuntimeException {
  public ProtoException(String message) {
    super(message, null, false, false);
  }
}
