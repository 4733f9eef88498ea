package dev.warmup.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A transaction's failure is the one thrown, and what it wrote is rolled back. */
class TransactionsTest {
    @Test
    void aFailedTransactionLeavesNothingBehindAndThrowsItsOwnFailure() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t(x INTEGER)");
            }
            SQLException thrown = assertThrows(SQLException.class, () -> Transactions.run(c, () -> {
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO t VALUES (1)");
                    s.execute("INSERT INTO no_such_table VALUES (2)");
                }
            }));
            assertTrue(thrown.getMessage().contains("no_such_table"), thrown.getMessage());
            assertEquals(0, thrown.getSuppressed().length, "the rollback worked");
            assertTrue(c.getAutoCommit());
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
                assertEquals(0, rs.getInt(1), "the first insert was rolled back");
            }
            Transactions.run(c, () -> {
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO t VALUES (3)");
                }
            });
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT x FROM t")) {
                assertEquals(3, rs.getInt(1), "committed");
            }
        }
    }

    @Test
    void aRollbackAndAReturnToAutocommitThatFailAfterTheWorkFailedAreKeptAsSuppressed() {
        List<String> calls = new ArrayList<>();
        Connection c = connection(calls);
        RuntimeException own = new IllegalStateException("disk full");
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> Transactions.run(c, () -> {
            throw own;
        }));
        assertSame(own, thrown);
        assertEquals(List.of("setAutoCommit false", "rollback", "setAutoCommit true"), calls);
        assertEquals(2, thrown.getSuppressed().length);
        assertEquals("rollback: no transaction is active", thrown.getSuppressed()[0].getMessage());
        assertEquals("setAutoCommit: no transaction is active", thrown.getSuppressed()[1].getMessage());
    }

    @Test
    void aReturnToAutocommitThatFailsAfterACommitIsThrown() {
        List<String> calls = new ArrayList<>();
        SQLException thrown = assertThrows(SQLException.class, () -> Transactions.run(connection(calls), () -> {
        }));
        assertEquals("setAutoCommit: no transaction is active", thrown.getMessage());
        assertEquals(List.of("setAutoCommit false", "commit", "setAutoCommit true"), calls);
    }

    /** A connection that records its calls; its rollback and its return to autocommit throw (SQLite gave up). */
    private static Connection connection(List<String> calls) {
        return (Connection) Proxy.newProxyInstance(TransactionsTest.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    String name = method.getName();
                    calls.add(args == null ? name : name + " " + args[0]);
                    boolean fails = name.equals("rollback") || name.equals("setAutoCommit") && (Boolean) args[0];
                    if (fails) {
                        throw new SQLException(name + ": no transaction is active");
                    }
                    return null;
                });
    }
}
