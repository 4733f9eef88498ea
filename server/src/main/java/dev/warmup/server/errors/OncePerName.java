package dev.warmup.server.errors;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which names a message has already been given for, so that each is named once (a client's method, a model outside
 * the catalogue). The names are clients' strings, so only the first {@value #MAX_NAMES} are kept and named: a client
 * that invents a new one with every message neither floods the log nor grows the set without end. Thread-safe.
 */
public final class OncePerName {
    public static final int MAX_NAMES = 100;
    private final Set<String> named = ConcurrentHashMap.newKeySet();

    /** Whether {@code name} is to be named now: the first time it is seen, among the first {@value #MAX_NAMES}. */
    public boolean first(String name) {
        return named.size() < MAX_NAMES && named.add(String.valueOf(name));
    }

    /** Forgets every name, so that each is named again (what it names has changed). */
    public void forget() {
        named.clear();
    }
}
