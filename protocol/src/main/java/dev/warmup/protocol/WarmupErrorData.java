package dev.warmup.protocol;

/**
 * The {@code data} of every JSON-RPC error the server returns.
 *
 * @param code      {@code WMP-<component><number>}, e.g. WMP-5001
 * @param component the component that raised it, e.g. WarmupQueue
 * @param severity  {@code error}, {@code warning} or {@code info}
 * @param hint      what to do about it
 */
public record WarmupErrorData(String code, String component, String severity, String hint) {}
