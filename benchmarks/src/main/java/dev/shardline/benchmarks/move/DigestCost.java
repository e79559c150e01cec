package dev.shardline.benchmarks.move;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

import dev.shardline.move.MoveColumn;
import dev.shardline.move.MoveTable;

/**
 * A diagnosis of the fenced phase's catch-up and verify steps, which read every row's digest of
 * the key on both servers: on one quiet primary, the time to stream a key's per-row digests to
 * this JVM the way the mover does (primary key plus MD5 over each stored column's exact text,
 * in primary-key order), against the same digests folded into one row on the server, and a
 * plain count.
 *
 * @param rows the key's rows
 * @param streamedNanos median time to stream every row's digest
 * @param aggregatedNanos median time for the server to fold the same digests into one row
 * @param countNanos median time of {@code SELECT COUNT(*)} of the key
 * @param rawAggregatedNanos median time to fold MD5s of the columns' plain values (no exact-text
 * conversions: what the conversions cost)
 */
public record DigestCost(long rows, long streamedNanos, long aggregatedNanos, long countNanos,
		long rawAggregatedNanos) {

	private static final int ROUNDS = 5;

	static DigestCost measure(Connection connection, String table, String keyColumn, long key) throws SQLException {
		MoveTable definition = MoveTable.read(connection, table, keyColumn);
		List<MoveColumn> stored = definition.columns().stream().filter((c) -> !c.generated()).toList();
		StringBuilder digest = new StringBuilder("MD5(CONCAT_WS(','");
		for (MoveColumn column : stored) {
			digest.append(", COALESCE(CONCAT('=', ").append(column.readExpression()).append("), '-')");
		}
		digest.append("))");
		StringBuilder raw = new StringBuilder("MD5(CONCAT_WS(','");
		for (MoveColumn column : stored) {
			raw.append(", `").append(column.name().replace("`", "``")).append('`');
		}
		raw.append("))");
		String primaryKey = String.join(", ", definition.primaryKey());
		String where = " FROM " + table + " WHERE " + keyColumn + " = ?";
		String streamed = "SELECT " + primaryKey + ", " + digest + where + " ORDER BY " + primaryKey;
		String aggregated = "SELECT COUNT(*), BIT_XOR(CAST(CONV(LEFT(d, 16), 16, 10) AS UNSIGNED)), "
				+ "BIT_XOR(CAST(CONV(RIGHT(d, 16), 16, 10) AS UNSIGNED)) FROM (SELECT " + digest + " AS d" + where
				+ ") digests";
		long[] rows = new long[1];
		long streamedNanos = median(() -> {
			try (PreparedStatement statement = connection.prepareStatement(streamed,
					ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
				statement.setFetchSize(Integer.MIN_VALUE);
				statement.setLong(1, key);
				long count = 0;
				try (ResultSet rs = statement.executeQuery()) {
					while (rs.next()) {
						rs.getString(1);
						rs.getString(2);
						rs.getString(3);
						count++;
					}
				}
				rows[0] = count;
			}
		});
		long aggregatedNanos = median(() -> single(connection, aggregated, key));
		long countNanos = median(() -> single(connection, "SELECT COUNT(*)" + where, key));
		long rawNanos = median(() -> single(connection, aggregated.replace(digest.toString(), raw.toString()), key));
		return new DigestCost(rows[0], streamedNanos, aggregatedNanos, countNanos, rawNanos);
	}

	private static void single(Connection connection, String sql, long key) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setLong(1, key);
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
			}
		}
	}

	private static long median(Work work) throws SQLException {
		long[] times = new long[ROUNDS];
		for (int i = 0; i < ROUNDS; i++) {
			long started = System.nanoTime();
			work.run();
			times[i] = System.nanoTime() - started;
		}
		Arrays.sort(times);
		return times[ROUNDS / 2];
	}

	@FunctionalInterface
	private interface Work {

		void run() throws SQLException;

	}

}
