package dev.warmup.server.store;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which running server loaded each model on each model server, kept in the store that every server of the user
 * opens: an editor window each, often all warming the same Ollama. Each sees in the model server's list what the
 * others loaded; this record tells a server whether a resident model is its own. A model server is named by its URL
 * (lower case, no trailing slash, {@code localhost}, {@code 127.0.0.1} and {@code ::1} as one host), so that two
 * servers whose settings name it differently still agree.
 */
@Singleton
public final class ModelOwners {
    /** Who holds a model on its model server, as this server sees it. */
    public enum Holder {
        /** This server claimed it. */
        US,
        /** A warm-up server that is still running claimed it. */
        ANOTHER_SERVER,
        /** It was claimed by a server that has exited (this one before a restart, say). */
        EXITED_SERVER,
        /** No server claimed it: a person or another program loaded it. */
        NONE
    }

    private final UsageStore store;
    private final ProcessTable processes;
    private final Clock clock;

    @Inject
    public ModelOwners(UsageStore store, ProcessTable processes, Clock clock) {
        this.store = store;
        this.processes = processes;
        this.clock = clock;
    }

    /** Records this server as the one that holds {@code model} on {@code server}. */
    public void claim(String server, String model) throws SQLException {
        ProcessIdentity self = processes.self();
        store.update("INSERT INTO model_owners(server, model, pid, started, at) VALUES (?, ?, ?, ?, ?)"
                        + " ON CONFLICT(server, model) DO UPDATE SET pid = excluded.pid, started = excluded.started,"
                        + " at = excluded.at",
                List.of(key(server), model, self.pid(), self.startedMillis(), clock.millis()));
    }

    /** Forgets this server's claim on {@code model} (another server's stays). */
    public void release(String server, String model) throws SQLException {
        forgetClaim(server, model, processes.self());
    }

    /**
     * Forgets the claim on {@code model} if the server that made it has exited: the model is claimed under another
     * name now (a llama.cpp router's, where the exited server claimed it under an alias), and no later claim would
     * replace that row.
     */
    public void forgetExited(String server, String model) throws SQLException {
        Claim c = holder(server, model);
        if (c.holder() == Holder.EXITED_SERVER) {
            forgetClaim(server, model, c.process());
        }
    }

    /** Deletes {@code p}'s claim on {@code model} (a claim another process made since stays). */
    private void forgetClaim(String server, String model, ProcessIdentity p) throws SQLException {
        store.update("DELETE FROM model_owners WHERE server = ? AND model = ? AND pid = ? AND started = ?",
                List.of(key(server), model, p.pid(), p.startedMillis()));
    }

    /**
     * Records that this server's plan wants {@code model} warm while another server holds it: that server, its own
     * plan done with it, hands it over ({@link #handOver}) rather than unloading it.
     */
    public void want(String server, String model) throws SQLException {
        ProcessIdentity self = processes.self();
        store.update("INSERT OR REPLACE INTO model_wants(server, model, pid, started, at) VALUES (?, ?, ?, ?, ?)",
                List.of(key(server), model, self.pid(), self.startedMillis(), clock.millis()));
    }

    /** Forgets that this server wants {@code model}. */
    public void unwant(String server, String model) throws SQLException {
        ProcessIdentity self = processes.self();
        store.update("DELETE FROM model_wants WHERE server = ? AND model = ? AND pid = ? AND started = ?",
                List.of(key(server), model, self.pid(), self.startedMillis()));
    }

    /**
     * A running server other than this one that wants {@code model} on {@code server}, the latest to say so; what
     * exited servers wanted is forgotten on the way.
     */
    public Optional<ProcessIdentity> wanter(String server, String model) throws SQLException {
        ProcessIdentity self = processes.self();
        List<ProcessIdentity> wanting = store.query(
                "SELECT pid, started FROM model_wants WHERE server = ? AND model = ? ORDER BY at DESC",
                List.of(key(server), model), ModelOwners::identities);
        for (ProcessIdentity p : wanting) {
            if (p.equals(self)) {
                continue;
            }
            if (processes.alive(p)) {
                return Optional.of(p);
            }
            forgetWantsOf(p);
        }
        return Optional.empty();
    }

    /**
     * Forgets what servers that have exited wanted (each run of a server is a process of its own, so their rows would
     * pile up); returns how many rows went.
     */
    public int forgetExitedWants() throws SQLException {
        List<ProcessIdentity> wanting = store.query("SELECT DISTINCT pid, started FROM model_wants", List.of(),
                ModelOwners::identities);
        int gone = 0;
        for (ProcessIdentity p : wanting) {
            if (!processes.alive(p)) {
                gone += forgetWantsOf(p);
            }
        }
        return gone;
    }

    /** Deletes what the exited server {@code p} wanted; returns how many rows went. */
    private int forgetWantsOf(ProcessIdentity p) throws SQLException {
        return store.update("DELETE FROM model_wants WHERE pid = ? AND started = ?",
                List.of(p.pid(), p.startedMillis()));
    }

    /** The (pid, started) rows of a result, as process identities. */
    private static List<ProcessIdentity> identities(ResultSet rs) throws SQLException {
        List<ProcessIdentity> l = new ArrayList<>();
        while (rs.next()) {
            l.add(new ProcessIdentity(rs.getLong(1), rs.getLong(2)));
        }
        return l;
    }

    /** Passes this server's claim on {@code model} to {@code to}; false when this server no longer held it. */
    public boolean handOver(String server, String model, ProcessIdentity to) throws SQLException {
        ProcessIdentity self = processes.self();
        return store.update("UPDATE model_owners SET pid = ?, started = ?, at = ? WHERE server = ? AND model = ?"
                        + " AND pid = ? AND started = ?",
                List.of(to.pid(), to.startedMillis(), clock.millis(), key(server), model, self.pid(),
                        self.startedMillis())) == 1;
    }

    /** Who holds {@code model} on {@code server}, and, for another server, which process it is. */
    public Claim holder(String server, String model) throws SQLException {
        Optional<ProcessIdentity> owner = store.query( // the key allows one row at most
                "SELECT pid, started FROM model_owners WHERE server = ? AND model = ?", List.of(key(server), model),
                ModelOwners::identities).stream().findFirst();
        if (owner.isEmpty()) {
            return new Claim(Holder.NONE, null);
        }
        ProcessIdentity p = owner.get();
        if (p.equals(processes.self())) {
            return new Claim(Holder.US, p);
        }
        return new Claim(processes.alive(p) ? Holder.ANOTHER_SERVER : Holder.EXITED_SERVER, p);
    }

    /** A {@link Holder}, with the claiming process where there is one. */
    public record Claim(Holder holder, ProcessIdentity process) {}

    /**
     * The model server a URL names, as every server writes it: lower case, no trailing slash, the scheme's default
     * port written out, the loopback names (localhost, 127.0.0.1, ::1 in any spelling) as one, and an IPv6 literal
     * in one spelling. Host names other than the loopback ones are compared as written: they are not resolved.
     */
    static String key(String url) {
        String k = url.trim().toLowerCase(Locale.ROOT);
        k = k.endsWith("/") ? k.substring(0, k.length() - 1) : k;
        try {
            URI u = URI.create(k);
            String host = u.getHost();
            if (host == null || u.getScheme() == null) {
                return k;
            }
            int port = u.getPort() >= 0 ? u.getPort() : u.getScheme().equals("https") ? 443
                    : u.getScheme().equals("http") ? 80 : -1;
            return u.getScheme() + "://" + canonicalHost(host) + (port < 0 ? "" : ":" + port)
                    + (u.getRawPath() == null ? "" : u.getRawPath());
        } catch (IllegalArgumentException notAUri) {
            return k; // the settings check URLs; compare such a one as written
        }
    }

    private static String canonicalHost(String host) {
        if (host.equals("localhost") || host.equals("127.0.0.1")) {
            return "loopback";
        }
        if (host.startsWith("[") && host.endsWith("]")) { // a literal: parsed without asking any resolver
            try {
                InetAddress a = InetAddress.getByName(host.substring(1, host.length() - 1));
                return a.isLoopbackAddress() ? "loopback" : "[" + a.getHostAddress() + "]";
            } catch (UnknownHostException e) {
                return host;
            }
        }
        return host;
    }
}
