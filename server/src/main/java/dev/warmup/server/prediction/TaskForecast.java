package dev.warmup.server.prediction;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How likely a task is to be requested within a horizon.
 *
 * @param task               the task ({@code completion}, {@code chat}, ...)
 * @param probability        probability of at least one request within the horizon, in [0, 1]
 * @param secondsUntilNeeded estimated seconds until the next request (a point estimate, may exceed the horizon)
 * @param confidence         how much the estimate can be trusted, in [0, 1] (little history: low)
 * @param reasons            the features that drove the estimate, in words, most important first
 */
public record TaskForecast(String task, double probability, double secondsUntilNeeded, double confidence,
                           List<String> reasons) {
    /** The forecasts keyed by task. */
    public static Map<String, TaskForecast> byTask(List<TaskForecast> forecasts) {
        Map<String, TaskForecast> byTask = new HashMap<>();
        for (TaskForecast f : forecasts) {
            byTask.put(f.task(), f);
        }
        return byTask;
    }

    /** Each of {@code tasks}' probability, in order (unknown tasks: 0). */
    public static double[] probabilities(Map<String, TaskForecast> byTask, List<String> tasks) {
        double[] out = new double[tasks.size()];
        for (int i = 0; i < out.length; i++) {
            TaskForecast f = byTask.get(tasks.get(i));
            out[i] = f == null ? 0 : f.probability();
        }
        return out;
    }
}
