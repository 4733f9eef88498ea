package dev.warmup.server.scheduler;

import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.backend.BackendRegistry;
import dev.warmup.server.config.BackendSpec;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.store.ModelOwners;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Whether a model resident on a model server is this server's to unload. Each editor window runs a server of its
 * own, and they often warm the same Ollama: each sees in the model server's list what the others loaded, and a
 * window left idle would otherwise unload, tick after tick, what the window in use keeps loading. So a server
 * unloads only what it holds: a model it loaded, renewed or was told was used ({@code warmup/modelUsed}), or one
 * left by a server that has exited (this one before a restart). A model a running server or another program (a
 * person's {@code ollama run}) loaded is held elsewhere: it counts against the budget and the model limit, the plan
 * packs the others around it, and it is neither unloaded nor renewed. Claims are kept in the store's
 * {@link ModelOwners}, by the model server's URL and the model's canonical name there; the last server to claim a
 * model holds it. The editor's own backend ({@code client}) has
 * one server only: always ours.
 */
@Singleton
public final class Ownership {
    private static final Logger LOG = Logger.getLogger(Ownership.class.getName());

    private final ConfigurationManager config;
    private final ModelOwners owners;
    private final BackendRegistry backends;
    private final Set<String> ours = ConcurrentHashMap.newKeySet(); // claimed, as of the last look at the record
    private final Set<String> elsewhere = ConcurrentHashMap.newKeySet();

    @Inject
    public Ownership(ConfigurationManager config, ModelOwners owners, BackendRegistry backends) {
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
        elsewhere.remove(m.id());
        if (ours.add(m.id())) {
            try {
                owners.claim(url, name(m));
            } catch (SQLException e) {
                LOG.warning("cannot record that this server holds " + m.id() + ": " + e.getMessage());
            }
        }
    }

    /** {@code m} left its model server (our unload, or its own timer): our claim goes. */
    void released(ModelSpec m) {
        elsewhere.remove(m.id());
        String url = url(m);
        if (url != null && ours.remove(m.id())) {
            try {
                owners.release(url, name(m));
            } catch (SQLException e) {
                LOG.warning("cannot record that " + m.id() + " was unloaded: " + e.getMessage());
            }
        }
    }

    /** Whether {@code m} is resident for another server or program: the plan must pack around it. */
    public boolean heldElsewhere(String modelId) {
        return elsewhere.contains(modelId);
    }

    /**
     * Looks at the record for a model its model server has loaded (at reconciliation, and before an unload):
     * whether it is ours; one left by an exited server becomes ours.
     */
    boolean judge(ModelSpec m) {
        String url = url(m);
        if (url == null) {
            return true;
        }
        ModelOwners.Claim c;
        try {
            c = owners.holder(url, name(m));
        } catch (SQLException e) {
            LOG.warning("cannot read who holds " + m.id() + ": " + e.getMessage());
            return !elsewhere.contains(m.id()); // as last judged
        }
        switch (c.holder()) {
            case US -> {
                ours.add(m.id());
                elsewhere.remove(m.id());
                return true;
            }
            case EXITED_SERVER -> {
                ours.remove(m.id());
                claim(m);
                return true;
            }
            default -> {
                ours.remove(m.id());
                if (elsewhere.add(m.id())) {
                    LOG.info(m.id() + " on " + url + " is held by " + (c.holder() == ModelOwners.Holder.NONE
                            ? "a program other than a warm-up server" : "another warm-up server (" + c.process() + ")")
                            + ": counted as held, left for it to unload");
                }
                return false;
            }
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
