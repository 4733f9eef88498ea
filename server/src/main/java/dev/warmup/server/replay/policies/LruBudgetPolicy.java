package dev.warmup.server.replay.policies;

import dev.warmup.server.replay.Policy;

/** {@code lru-budget}: load on request, never unload except to make room, least recently used first. */
public final class LruBudgetPolicy implements Policy {}
