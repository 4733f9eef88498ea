package dev.warmup.server.replay;

/**
 * Where one model's cold starts and memory went, for {@code replay --by-model}.
 *
 * @param misses        requests that found the model unloaded (each started a load)
 * @param whileLoading  requests that found it loading: the rest of a burst behind a miss, or a pre-warm too late
 * @param latePrewarms  of those, the first request to reach a pre-warm that was still loading
 * @param mbMillis      its memory integral (MB × ms)
 * @param wastedMbMillis the part of it held by pre-warms that no request reached
 * @param sessionFirst  of its cold starts (misses and while loading), those of a session's first request of a task
 *                      it serves and of that task's requests within the model's load time after it (its burst): what
 *                      only holding the model since an earlier session or pre-warming it can save
 */
public record ModelTally(long misses, long whileLoading, long latePrewarms, double mbMillis, double wastedMbMillis,
                         long sessionFirst) {
    public static final ModelTally ZERO = new ModelTally(0, 0, 0, 0, 0, 0);

    public ModelTally plus(ModelTally o) {
        return new ModelTally(misses + o.misses, whileLoading + o.whileLoading, latePrewarms + o.latePrewarms,
                mbMillis + o.mbMillis, wastedMbMillis + o.wastedMbMillis, sessionFirst + o.sessionFirst);
    }
}
