package dev.warmup.server.store;

/** This server's process, and whether another server's process is still running. */
public interface ProcessTable {
    ProcessIdentity self();

    boolean alive(ProcessIdentity p);

    /** The operating system's, through {@link ProcessHandle}. */
    static ProcessTable os() {
        ProcessIdentity self = ProcessIdentity.of(ProcessHandle.current());
        return new ProcessTable() {
            @Override
            public ProcessIdentity self() {
                return self;
            }

            @Override
            public boolean alive(ProcessIdentity p) {
                return ProcessHandle.of(p.pid()).filter(ProcessHandle::isAlive).map(ProcessIdentity::of)
                        .map(p::sameProcessAs).orElse(false);
            }
        };
    }
}
