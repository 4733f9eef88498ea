package dev.warmup.protocol;

/** Lifecycle states of a model on its backend. */
public enum ModelState {
    loading, ready, failed, unloaded
}
