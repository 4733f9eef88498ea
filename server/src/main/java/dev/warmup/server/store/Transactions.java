package dev.warmup.server.store;

import java.sql.Connection;
import java.sql.SQLException;

/** One transaction on a connection, its own failure the one thrown. */
final class Transactions {
    private Transactions() {}

    /** A write that may throw SQLException. */
    @FunctionalInterface
    interface SqlAction {
        void run() throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction on {@code c}. Its own failure is the one thrown: SQLite rolls a transaction
     * back by itself on some errors (a full disk), and the rollback and the return to autocommit then fail too ("no
     * transaction is active"), which before hid the cause; they are kept as suppressed.
     */
    static void run(Connection c, SqlAction work) throws SQLException {
        c.setAutoCommit(false);
        Exception failure = null;
        try {
            work.run();
            c.commit();
        } catch (SQLException | RuntimeException e) {
            failure = e;
            try {
                c.rollback();
            } catch (SQLException alreadyRolledBack) {
                e.addSuppressed(alreadyRolledBack);
            }
            throw e;
        } finally {
            try {
                c.setAutoCommit(true);
            } catch (SQLException e) {
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e);
            }
        }
    }
}
