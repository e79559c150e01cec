package dev.shardline.test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/** Tiny JDBC helpers for the tests. */
final class Db {

    private Db() {
    }

    private static final java.util.concurrent.atomic.AtomicLong SEQ = new java.util.concurrent.atomic.AtomicLong();

    /** A table name no earlier test (or re-run) in this JVM used: the shared topology outlives test classes. */
    static String unique(String prefix) {
        return prefix + "_" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36) + SEQ.incrementAndGet();
    }

    static void exec(TopologyNode node, String... statements) throws SQLException {
        try (Connection c = node.openConnection(); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    static String string(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static String string(TopologyNode node, String sql) throws SQLException {
        try (Connection c = node.openConnection()) {
            return string(c, sql);
        }
    }

    static long count(TopologyNode node, String table) throws SQLException {
        return Long.parseLong(string(node, "SELECT COUNT(*) FROM " + table));
    }

    static boolean tableExists(TopologyNode node, String table) throws SQLException {
        return string(node, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()"
                + " AND table_name = '" + table + "'").equals("1");
    }

    /** Seconds_Behind_Master as MariaDB reports it (null when the SQL thread is stopped). */
    static String secondsBehind(TopologyNode replica) {
        Map<String, String> status = replica.replicaStatus();
        return status.get("Seconds_Behind_Master");
    }
}
