package io.regshift.kube.proto;

import com.google.protobuf.Descriptors.Descriptor;
import java.util.concurrent.ConcurrentHashMap;

/** Builds each message layout once; layouts are immutable and shared by all threads. */
final class LayoutCache {
  private final ConcurrentHashMap<Descriptor, MessageLayout> layouts = new ConcurrentHashMap<>();

  MessageLayout of(Descriptor d) {
    MessageLayout l = layouts.get(d);
    if (l == null) {
      l = new MessageLayout(d, this);
      MessageLayout raced = layouts.putIfAbsent(d, l);
      if (raced != null) {
        l = raced;
      }
    }
    return l;
  }
}
