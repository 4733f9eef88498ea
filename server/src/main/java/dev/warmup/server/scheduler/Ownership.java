package dev.warmup.server.scheduler;

import dev.warmup.protocol.ModelSpec;
import dev.warmup.protocol.ModelStatus;
import dev.warmup.server.backend.BackendRegistry;
import dev.warmup.server.config.BackendSpec;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.RepeatedWarnings;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.store.ModelOwners;
import dev.warmup.server.store.ModelOwners.Holder;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Whether a model resident on a model server is this server's to unload. Each editor window runs a server of its
 * own, and they often warm the same Ollama: each sees in the model server's list what the others loaded, and a
 * window left idle would otherwise unload, tick after tick, what the window in use keeps loading. So a server
 * unloads only what it holds: a model it loaded, renewed or was told was used ({@code warmup/modelUsed}), or one
 * left by a server that has exited (this one before a restart). A model another running server holds counts against
 * the budget and the model limit, the plan packs the others around it, and it is neither unloaded nor renewed; if
 * this server's plan would keep it, it says so, and the holder hands it over rather than unloading it. One
 * a person or another program loaded (an AI extension that does not report to us, {@code ollama run}) counts too and
 * is not unloaded, but the plan weighs it as any other, and if it keeps it past its model server's keep-alive the
 * renewal makes it ours. Claims are kept in the store's {@link ModelOwners}, by the model server's URL and the
 * model's canonical name there; the last server to claim a model holds it. The editor's own backend
 * ({@code client}) has one server only: always ours.
 */
@Singleton
public final class Ownership {
    private static final Logger LOG = Logger.getLogger(Ownership.class.getName());

    private final ConfigurationManager config;
    private final ModelOwners owners;
    private final BackendRegistry backends;
    /** Who holds each resident model of a model server, as last judged; absent: not judged (ours). */
    private final Map<String, Holder> holders = new ConcurrentHashMap<>();
    /**
     * Where each claim of ours was recorded: a llama.cpp router's aliases are learnt from its list, so a model the
     * catalogue names by an alias is named otherwise once the router has answered, and the record is moved or released
     * where it was made.
     */
    private final Map<String, Where> claimedAs = new ConcurrentHashMap<>();
    /** The models another server holds that this server's plan would keep warm, as recorded in the store. */
    private final Map<String, Where> wanting = new ConcurrentHashMap<>();
    /** The record's failures (a failing disk): read at every look, each said once a minute, not every few seconds. */
    private final RepeatedWarnings storeTrouble;

    @Inject
    public Ownership(ConfigurationManager config, ModelOwners owners, BackendRegistry backends, Clock clock) {
        this.storeTrouble = new RepeatedWarnings(LOG, clock::millis);
        this.backends = backends;
        this.config = config;
        this.owners = owners;
    }

    /** This server loads, renews or was told of a use of {@code m}: it holds it from now on. */
    public void claim(ModelSpec m) {
        String url = url(m);
        if (url == null) {
            return;
        }
        Where here = new Where(url, name(m));
        if (holders.put(m.id(), Holder.US) != Holder.US || !here.equals(claimedAs.get(m.id()))) {
            Where before = claimedAs.put(m.id(), here);
            persist(() -> owners.claim(url, here.name()), "that this server holds " + m.id());
            if (before != null && !before.equals(here)) {
                persist(() -> owners.release(before.url(), before.name()), "that " + m.id() + " is named otherwise");
            }
        }
    }

    /** {@code m} left its model server (our unload, or its own timer): our claim goes. */
    void released(ModelSpec m) {
        String url = url(m);
        if (holders.remove(m.id()) == Holder.US && url != null) {
            Where w = claimedWhere(m, url);
            persist(() -> owners.release(w.url(), w.name()), "that " + m.id() + " was unloaded");
        }
    }

    /** Where our claim of {@code m} was recorded (forgetting it), or where it would be now. */
    private Where claimedWhere(ModelSpec m, String url) {
        Where w = claimedAs.remove(m.id());
        return w != null ? w : new Where(url, name(m));
    }

    /**
     * Another program asked the model server for {@code m} while we held it (its keep-alive moved, see
     * {@code BackendActions}): it is in use there, so it is left to it, as one it had loaded; a renewal for our
     * prediction, or a use reported to us, makes it ours again.
     */
    void usedElsewhere(ModelSpec m) {
        String url = url(m);
        if (url == null || !ours(m.id())) {
            return;
        }
        holders.put(m.id(), Holder.NONE);
        Where w = claimedWhere(m, url);
        persist(() -> owners.release(w.url(), w.name()), "that " + m.id() + " is left to another program");
        LOG.info(m.id() + " on " + url + " was asked for by another program meanwhile (its keep-alive moved): not"
                + " unloaded while that program's keep-alive holds it");
    }

    /**
     * The models another running server holds that this server's plan would keep warm: recorded in the store as they
     * change, so that the holder, done with one, hands it over rather than unloading what this window will need (the
     * developer moved to this window and has not used the model here yet). Any model not in {@code wanted} is no
     * longer wanted, including one gone from the catalogue or whose model server moved.
     */
    void wantOnly(Collection<ModelSpec> wanted) {
        Map<String, Where> now = new HashMap<>();
        for (ModelSpec m : wanted) {
            String url = url(m);
            if (url != null) {
                now.put(m.id(), new Where(url, name(m)));
            }
        }
        for (var e : Map.copyOf(wanting).entrySet()) {
            if (!e.getValue().equals(now.get(e.getKey()))) {
                wanting.remove(e.getKey());
                Where w = e.getValue();
                persist(() -> owners.unwant(w.url(), w.name()), "that this server no longer wants " + e.getKey());
            }
        }
        now.forEach((id, w) -> {
            if (wanting.putIfAbsent(id, w) == null) {
                persist(() -> owners.want(w.url(), w.name()), "that this server wants " + id);
            }
        });
    }

    /** A model as the shared record names it: its model server's URL and its name there. */
    private record Where(String url, String name) {}

    /**
     * Before this server unloads {@code m}, which it holds: if another running server wants it, passes it to that
     * server instead (true), which keeps or unloads it by its own plan from then on.
     */
    boolean handedOver(ModelSpec m) {
        String url = url(m);
        if (url == null) {
            return false;
        }
        String name = name(m);
        try {
            var to = owners.wanter(url, name);
            if (to.isEmpty() || !owners.handOver(url, name, to.get())) {
                return false;
            }
            holders.put(m.id(), Holder.ANOTHER_SERVER);
            LOG.info(m.id() + " on " + url + " is no longer wanted here but another warm-up server wants it ("
                    + to.get() + "): left loaded, to it");
            return true;
        } catch (SQLException e) {
            storeTrouble.warn(new WarmupException(ErrorCode.WMP_7004, "whether another server wants " + m.id() + ": "
                    + e.getMessage()).getMessage());
            return false;
        }
    }

    /**
     * Whether another running server wants {@code m}, so that this server's unload of it would be a hand-over
     * ({@link #handedOver}); read-only, for the {@code warmup/predict} preview.
     */
    boolean wantedElsewhere(ModelSpec m) {
        String url = url(m);
        if (url == null) {
            return false;
        }
        try {
            return owners.wanter(url, name(m)).isPresent();
        } catch (SQLException e) {
            LOG.fine("cannot read whether another server wants " + m.id() + ": " + e.getMessage());
            return false;
        }
    }

    /** Whether another running server holds {@code m}: the plan packs around it, and it is not renewed. */
    public boolean heldByAnotherServer(String modelId) {
        return holders.get(modelId) == Holder.ANOTHER_SERVER;
    }

    /**
     * Who holds {@code m} if not this server, as {@code warmup/status} says it ({@link ModelStatus#ANOTHER_SERVER},
     * {@link ModelStatus#OTHER_PROGRAM}); null when it is ours.
     */
    public String heldBy(String modelId) {
        Holder h = holders.get(modelId);
        return h == Holder.ANOTHER_SERVER ? ModelStatus.ANOTHER_SERVER
                : h == Holder.NONE ? ModelStatus.OTHER_PROGRAM : null;
    }

    /** Whether {@code m} is this server's to unload, as last judged. */
    boolean ours(String modelId) {
        Holder h = holders.get(modelId);
        return h == null || h == Holder.US;
    }

    /**
     * Looks at the record for a model its model server has loaded (at reconciliation, and before an unload):
     * whether it is ours; one left by an exited server (under either name) becomes ours, as does one this server
     * claimed under another name (a llama.cpp router's alias, used through the editor before the router's list was
     * read): its claim is moved. One another running server claimed so is that server's ({@link #record}).
     */
    boolean judge(ModelSpec m) {
        String url = url(m);
        if (url == null) {
            return true;
        }
        Where here = new Where(url, name(m));
        ModelOwners.Claim c;
        try {
            c = record(here, m);
            storeTrouble.clear(); // read again: a failure from now on is news
        } catch (SQLException e) {
            storeTrouble.warn(new WarmupException(ErrorCode.WMP_7004, "who holds " + m.id() + ": " + e.getMessage())
                    .getMessage());
            return ours(m.id()); // as last judged
        }
        Where as = claimedAs.get(m.id());
        boolean stillOurs = c.holder() == Holder.US || c.holder() == Holder.NONE && ours(m.id());
        if (as != null && !as.equals(here) && stillOurs) {
            claim(m); // claimed before the model server's names were known: the record moves to its name
            return true;
        }
        switch (c.holder()) {
            case US -> {
                holders.put(m.id(), Holder.US);
                claimedAs.putIfAbsent(m.id(), here);
                return true;
            }
            case EXITED_SERVER -> {
                holders.remove(m.id());
                claim(m);
                if (!here.name().equals(m.id())) { // its claim may have been under the alias: it goes
                    persist(() -> owners.forgetExited(url, m.id()), "that " + m.id() + " is claimed as " + here.name());
                }
                return true;
            }
            default -> {
                if (holders.put(m.id(), c.holder()) != c.holder()) {
                    LOG.info(m.id() + " on " + url + (c.holder() == Holder.NONE
                            ? " was loaded by a program other than a warm-up server: counted as held and not unloaded;"
                                    + " renewed only if the prediction keeps it, which makes it this server's"
                            : " is held by another warm-up server (" + c.process() + "): counted as held, left to it"));
                }
                return false;
            }
        }
    }

    /**
     * Whether another running server has claimed {@code m} in the shared record: asked, with nothing cached or logged
     * (an unreadable record says no).
     */
    boolean claimedByAnotherServer(ModelSpec m) {
        String url = url(m);
        try {
            return url != null && record(new Where(url, name(m)), m).holder() == Holder.ANOTHER_SERVER;
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * The record for {@code m}: its claim under the name its model server lists ({@code listed}), or, when there is
     * none and the catalogue names it by an alias, the claim under that alias: a running server's (a use reported
     * through its editor before it had read a llama.cpp router's list; {@link #judge} moves the claim at that server's
     * next look), or an exited server's ({@link #judge} claims the model under its listed name and forgets that one).
     */
    private ModelOwners.Claim record(Where listed, ModelSpec m) throws SQLException {
        ModelOwners.Claim c = owners.holder(listed.url(), listed.name());
        if (c.holder() != Holder.NONE || listed.name().equals(m.id())) {
            return c;
        }
        return owners.holder(listed.url(), m.id());
    }

    /** A write to the shared record. */
    private interface Write {
        void run() throws SQLException;
    }

    /**
     * Writes to the shared record; a failure is logged and our own view stands (the next look at the record, at
     * reconciliation, corrects it).
     */
    private void persist(Write write, String what) {
        try {
            write.run();
        } catch (SQLException e) {
            storeTrouble.warn(new WarmupException(ErrorCode.WMP_7002, what + ": " + e.getMessage()).getMessage());
        }
    }

    /** {@code m}'s name as its model server would have it ({@code coder:latest}, whichever way a catalogue says it). */
    private String name(ModelSpec m) {
        return backends.find(m.backend()).map(b -> b.canonicalName(m.id())).orElse(m.id());
    }

    /** The URL of {@code m}'s model server; null for the editor's own backend. */
    private String url(ModelSpec m) {
        if (m.backend() == null || BackendSpec.CLIENT.equals(m.backend())) {
            return null;
        }
        BackendSpec b = config.current().backends().get(m.backend());
        return b == null ? null : b.url();
    }
}
