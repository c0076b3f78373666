package io.regshift.rewrite;

import java.util.HashSet;
import java.util.Set;

/**
 * Offsets 0..size-1 of one range, handed out as kube-apiserver's allocators do: chosen offsets
 * are taken as asked, new ones come from the dynamic band (from {@code dynamicStart} up), then
 * from the static band below it. Memory holds only the taken offsets.
 */
final class OffsetAllocator {
  private final long size;
  private final long dynamicStart;
  private final Set<Long> taken = new HashSet<>();
  private long cursor;
  private boolean wrapped;

  OffsetAllocator(long size, long dynamicStart) {
    this.size = size;
    this.dynamicStart = Math.min(dynamicStart, size);
    this.cursor = this.dynamicStart;
  }

  long size() {
    return size;
  }

  long free() {
    return size - taken.size();
  }

  boolean isFree(long offset) {
    return offset >= 0 && offset < size && !taken.contains(offset);
  }

  /** Takes {@code offset}; false when it is outside the range or taken already. */
  boolean take(long offset) {
    return isFree(offset) && taken.add(offset);
  }

  /** The next free offset, taken; -1 when the range is full. */
  long next() {
    while (true) {
      long end = wrapped ? dynamicStart : size;
      while (cursor < end) {
        long at = cursor++;
        if (taken.add(at)) {
          return at;
        }
      }
      if (wrapped) {
        return -1;
      }
      wrapped = true;
      cursor = 0;
    }
  }
}
