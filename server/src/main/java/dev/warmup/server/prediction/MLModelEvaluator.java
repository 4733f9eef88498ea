package dev.warmup.server.prediction;

import com.google.gson.JsonObject;
import dev.warmup.server.usage.UsageEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scores a predictor on a history, prequentially: it walks the events in time order, and after every event (at most
 * one sample per 15 s) compares the forecast with what happened in the next horizon, then shows the event. Reports,
 * per task, the AUC, the Brier score, and precision and recall at a probability threshold.
 */
public final class MLModelEvaluator {
    private MLModelEvaluator() {}

    /** Scores {@code predictor} (fresh or trained) on {@code events} (time-ordered), from {@code fromMillis} on. */
    public static JsonObject evaluate(LearnedPredictor predictor, List<UsageEvent> events, long fromMillis,
                                      long horizonMillis, double threshold) {
        List<String> tasks = predictor.tasks();
        int n = tasks.size();
        List<double[]> scores = new ArrayList<>();
        List<boolean[]> labels = new ArrayList<>();
        double[] p = new double[n];
        long lastSample = Long.MIN_VALUE;
        // the next request of each task after each position, for the labels
        long[][] nextRequest = new long[n][events.size() + 1];
        for (int k = 0; k < n; k++) {
            nextRequest[k][events.size()] = Long.MAX_VALUE;
            for (int i = events.size() - 1; i >= 0; i--) {
                nextRequest[k][i] = tasks.get(k).equals(events.get(i).task()) ? events.get(i).at() : nextRequest[k][i + 1];
            }
        }
        for (int i = 0; i < events.size(); i++) {
            UsageEvent e = events.get(i);
            predictor.observe(e);
            long t = e.at();
            if (t >= fromMillis && (lastSample == Long.MIN_VALUE || t - lastSample >= 15_000)) {
                lastSample = t;
                predictor.probabilities(t, p);
                boolean[] y = new boolean[n];
                for (int k = 0; k < n; k++) {
                    y[k] = nextRequest[k][i + 1] <= t + horizonMillis;
                }
                scores.add(p.clone());
                labels.add(y);
            }
        }
        JsonObject out = new JsonObject();
        out.addProperty("samples", scores.size());
        out.addProperty("threshold", threshold);
        JsonObject perTask = new JsonObject();
        for (int k = 0; k < n; k++) {
            double[] s = new double[scores.size()];
            boolean[] y = new boolean[scores.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = scores.get(i)[k];
                y[i] = labels.get(i)[k];
            }
            perTask.add(tasks.get(k), metrics(s, y, threshold));
        }
        out.add("tasks", perTask);
        return out;
    }

    static JsonObject metrics(double[] s, boolean[] y, double threshold) {
        JsonObject o = new JsonObject();
        int pos = 0;
        double brier = 0;
        int tp = 0;
        int fp = 0;
        for (int i = 0; i < s.length; i++) {
            pos += y[i] ? 1 : 0;
            brier += (s[i] - (y[i] ? 1 : 0)) * (s[i] - (y[i] ? 1 : 0));
            if (s[i] >= threshold) {
                if (y[i]) {
                    tp++;
                } else {
                    fp++;
                }
            }
        }
        o.addProperty("positives", pos);
        put(o, "auc", auc(s, y));
        put(o, "brier", s.length == 0 ? Double.NaN : brier / s.length);
        put(o, "precision", tp + fp == 0 ? Double.NaN : (double) tp / (tp + fp));
        put(o, "recall", pos == 0 ? Double.NaN : (double) tp / pos);
        return o;
    }

    /** JSON has no NaN: an undefined figure is null. */
    private static void put(JsonObject o, String key, double v) {
        if (Double.isNaN(v)) {
            o.add(key, com.google.gson.JsonNull.INSTANCE);
        } else {
            o.addProperty(key, v);
        }
    }

    /** Area under the ROC curve by ranks (ties share their average rank). */
    static double auc(double[] s, boolean[] y) {
        Integer[] order = new Integer[s.length];
        for (int i = 0; i < s.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(s[a], s[b]));
        double rankSum = 0;
        long pos = 0;
        int i = 0;
        while (i < s.length) {
            int j = i;
            while (j + 1 < s.length && s[order[j + 1]] == s[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (y[order[k]]) {
                    rankSum += rank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = s.length - pos;
        return pos == 0 || neg == 0 ? Double.NaN : (rankSum - pos * (pos + 1) / 2.0) / (pos * neg);
    }
}
