package dev.warmup.server.usage;

/**
 * One observed event: metadata only, never document text nor a plain URI. The same type feeds the live
 * server and the replay tool, so the predictor sees the same thing in both.
 *
 * @param at        epoch milliseconds (from the injected clock, or the trace)
 * @param kind      what happened
 * @param detail    a fine-grained type: command id, code-action kinds, activity kind, completion trigger,
 *                  or a trace's event name; may be null
 * @param task      the task this event requests ({@code MODEL_USED} and trace requests), else null
 * @param model     the model used, for {@code MODEL_USED}; else null
 * @param languageId the document's language, where there is a document
 * @param uriHash   salted hash of the document URI, where there is a document
 * @param inserted  characters inserted (changes), else 0
 * @param deleted   characters deleted (changes), else 0
 * @param line      line of the change or completion, else -1
 * @param docLines  document size in lines where known, else -1
 * @param latencyMs reported latency of a model use, else -1
 * @param coldStart reported cold start of a model use, else null
 */
public record UsageEvent(long at, EventKind kind, String detail, String task, String model, String languageId,
                         String uriHash, int inserted, int deleted, int line, int docLines, long latencyMs,
                         Boolean coldStart) {

    /** An event with no document metadata (trace events, activities, commands). */
    public static UsageEvent simple(long at, EventKind kind, String detail, String task) {
        return new UsageEvent(at, kind, detail, task, null, null, null, 0, 0, -1, -1, -1, null);
    }

    /** The same event dated {@code t}. */
    public UsageEvent withAt(long t) {
        return new UsageEvent(t, kind, detail, task, model, languageId, uriHash, inserted, deleted, line, docLines,
                latencyMs, coldStart);
    }

    /** True when this event is a request for a model task. */
    public boolean isRequest() {
        return task != null;
    }
}
