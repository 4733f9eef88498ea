package dev.warmup.server.replay;

/**
 * A policy that knows the future: the engine shows it the user's whole trace before the timeline starts. Only the
 * bounds beside the real policies implement this: the oracles and our policy with rates fitted in hindsight.
 */
public interface Clairvoyant extends Policy {
    /** Called once per user before {@link #start}. */
    void foresee(UserTrace user, Trace trace, Catalog catalog);
}
