package dev.warmup.server.errors;

/** How bad an error is for the user. */
public enum Severity {
    error, warning, info
}
