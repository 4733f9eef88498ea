package dev.warmup.protocol;

/**
 * What the server knows of one catalogue model.
 *
 * @param state       {@code unloaded}, {@code loading}, {@code warm} or {@code failed}
 * @param probability predicted probability of use within the horizon, null if not predicted
 * @param lastUsed    ISO-8601 instant of the last reported use, null if never
 * @param heldBy      for a warm model this server did not load and will not unload: {@value #ANOTHER_SERVER} (the
 *                    server of another editor window) or {@value #OTHER_PROGRAM} (a person or another program loaded
 *                    it); null otherwise
 * @param error       for a failed model: why, the WMP message of its last failed load; null otherwise
 * @param retryAt     for a failed model: ISO-8601 instant of its next try (sooner if its model server answers again
 *                    after not answering, the editor's loader registers, or the settings change); for an unloaded
 *                    one: its model server unloaded it without our asking, and this server leaves it alone until
 *                    then; null otherwise
 * @param unconfirmedSince ISO-8601 instant since which the model's server has not said what it has loaded (it does
 *                    not answer, or answers with an error), when that is 30 s or more: the state is as last seen;
 *                    null while it answers (and for a model the editor loads)
 * @param unloadReason for an unloaded model this server unloaded: why, as its unload gave it (not expected soon
 *                    enough to keep, no room within the budget, the machine short of memory), until it is loaded
 *                    again; null otherwise (never loaded, or unloaded by its model server or another program)
 */
public record ModelStatus(String id, String state, Integer memoryMb, Double probability, String lastUsed,
                          String backend, String heldBy, String error, String retryAt, String unconfirmedSince,
                          String unloadReason) {
    public static final String ANOTHER_SERVER = "anotherServer";
    public static final String OTHER_PROGRAM = "otherProgram";
}
