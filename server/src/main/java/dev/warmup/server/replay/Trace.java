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

    /** The users whose position in the file is even (split "even") or odd ("odd"); "all" keeps everyone. */
    public Trace split(String which) {
        if (which == null || which.equals("all")) {
            return this;
        }
        int parity = switch (which) {
            case "even" -> 0;
            case "odd" -> 1;
            default -> throw new IllegalArgumentException("user split must be all, even or odd: " + which);
        };
        List<UserTrace> kept = new java.util.ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            if (i % 2 == parity) {
                kept.add(users.get(i));
            }
        }
        return new Trace(kept, details, tasks);
    }
}
