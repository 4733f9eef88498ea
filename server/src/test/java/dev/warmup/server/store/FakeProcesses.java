package dev.warmup.server.store;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import java.util.Set;

/**
 * A process table for servers sharing one JVM: each is told who it is, and which of them still run, as the operating
 * system reads them now (their starts compared as {@link ProcessTable#os()} compares them).
 */
public record FakeProcesses(ProcessIdentity self, Set<ProcessIdentity> running) implements ProcessTable {
    @Override
    public boolean alive(ProcessIdentity p) {
        return running.stream().anyMatch(p::sameProcessAs);
    }

    /** A Guice override binding this table. */
    public Module module() {
        return new AbstractModule() {
            @Override
            protected void configure() {
                bind(ProcessTable.class).toInstance(FakeProcesses.this);
            }
        };
    }
}
