package dev.warmup.protocol;

/** {@code warmup/activity}: a UI activity that hints at a task, e.g. {@code chatPanelOpened}. */
public record ActivityParams(String kind) {}
