package dev.warmup.server.replay.policies;

import dev.warmup.server.replay.Catalog;
import dev.warmup.server.replay.Trace;
import dev.warmup.server.replay.UserTrace;

/** For the clairvoyant policies: a user's request times per model of the catalogue, in order. */
final class RequestTimes {
    private RequestTimes() {}

    static long[][] byModel(UserTrace user, Trace trace, Catalog catalog) {
        int[] count = new int[catalog.size()];
        int[] modelOfTask = new int[trace.tasks().size()];
        for (int t = 0; t < modelOfTask.length; t++) {
            modelOfTask[t] = catalog.modelOf(trace.tasks().get(t));
        }
        for (byte task : user.tasks()) {
            if (task >= 0 && modelOfTask[task] >= 0) {
                count[modelOfTask[task]]++;
            }
        }
        long[][] requests = new long[catalog.size()][];
        for (int m = 0; m < requests.length; m++) {
            requests[m] = new long[count[m]];
        }
        java.util.Arrays.fill(count, 0);
        for (int i = 0; i < user.size(); i++) {
            int task = user.tasks()[i];
            if (task >= 0 && modelOfTask[task] >= 0) {
                int m = modelOfTask[task];
                requests[m][count[m]++] = user.times()[i];
            }
        }
        return requests;
    }
}
