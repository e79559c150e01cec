package dev.shardline.test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small JDBC helpers shared by the harness (package-private on purpose: not part of the API). */
final class Sql {

    private Sql() {
    }

    /** SQL string literal; the values are test credentials, but quoting keeps odd passwords working. */
    static String quote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /** Back-quoted identifier. */
    static String identifier(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    static String queryString(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** First row of a query as column label → string value (nulls kept), empty if there is no row. */
    static Map<String, String> firstRow(Connection c, String sql) throws SQLException {
        Map<String, String> row = new LinkedHashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            if (rs.next()) {
                ResultSetMetaData md = rs.getMetaData();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i), rs.getString(i));
                }
            }
        }
        return row;
    }
}
