package io.regshift.rewrite;

/**
 * One field a patch changed, before it is attributed to an object and a rule.
 *
 * @param path     e.g. {@code spec.containers[0].image}
 * @param oldValue the value before (null when the field was added)
 * @param newValue the value after (null when the field was removed)
 */
public record FieldChange(String path, Object oldValue, Object newValue) {}
