package dev.warmup.server.replay;

import java.util.List;

/**
 * A whole trace: users (in file order), the table of event names, and the task names requests refer to.
 */
public record Trace(List<UserTrace> users, String[] details, List<String> tasks) {
    /** The first {@code n} users (all when {@code n} is not positive). */
    public Trace firstUsers(int n) {
        return n <= 0 || n >= users.size() ? this : new Trace(users.subList(0, n), details, tasks);
    }

    /** The users whose position in the file is even or odd; {@code all} keeps everyone. */
    public Trace split(UserSplit which) {
        if (which == UserSplit.all) {
            return this;
        }
        int parity = which == UserSplit.even ? 0 : 1;
        List<UserTrace> kept = new java.util.ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            if (i % 2 == parity) {
                kept.add(users.get(i));
            }
        }
        return new Trace(kept, details, tasks);
    }
}
