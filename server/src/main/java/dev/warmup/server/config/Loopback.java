package dev.warmup.server.config;

import java.util.Locale;

/** Decides whether a URL host is a loopback address, without resolving names over the network. */
public final class Loopback {
    private Loopback() {}

    public static boolean isLoopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        // not "*.localhost": the system resolver may ask the network's DNS for such a name, which may answer anything
        if (h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        String[] parts = h.split("\\.");
        if (parts.length == 4 && parts[0].equals("127")) {
            for (String p : parts) {
                if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > 255) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }
}
