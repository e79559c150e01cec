package dev.shardline.benchmarks.rebalance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.shardline.test.TopologyNode;

/**
 * The baseline for the mover's copy step: the same shape of work done the plainest way, on the same
 * machine in the same run. One batch's keys' rows are read from one primary as one streamed
 * {@code SELECT ... WHERE customer_id IN (...)} and written to a scratch copy of the table on
 * another primary in multi-row {@code INSERT}s of 500 rows; no fence, no digests, no directory.
 */
final class PlainCopy {

	private static final String COLUMNS = "customer_id, order_id, created_at, updated_at, status, sku, quantity, "
			+ "amount, note, attrs";

	private static final int COLUMN_COUNT = 10;

	private static final int ROWS_PER_INSERT = 500;

	private PlainCopy() {
	}

	/**
	 * Copies the keys' rows three times (the scratch table emptied in between), returns the median.
	 * @param source the primary holding the keys' rows
	 * @param target another primary
	 * @param keys the keys (one batch's worth)
	 * @return [rows copied, median nanoseconds]
	 * @throws SQLException when a server fails
	 */
	static long[] measure(TopologyNode source, TopologyNode target, List<Long> keys) throws SQLException {
		try (Connection in = source.openConnection(); Connection out = target.openConnection()) {
			try (Statement statement = out.createStatement()) {
				statement.execute("CREATE TABLE IF NOT EXISTS bench_orders_copy LIKE bench_orders");
			}
			long rows = 0;
			long[] nanos = new long[3];
			for (int round = 0; round < nanos.length; round++) {
				try (Statement statement = out.createStatement()) {
					statement.execute("TRUNCATE TABLE bench_orders_copy");
				}
				long t0 = System.nanoTime();
				rows = copy(in, out, keys);
				nanos[round] = System.nanoTime() - t0;
			}
			try (Statement statement = out.createStatement()) {
				statement.execute("DROP TABLE bench_orders_copy");
			}
			Arrays.sort(nanos);
			return new long[] { rows, nanos[1] };
		}
	}

	private static long copy(Connection in, Connection out, List<Long> keys) throws SQLException {
		StringBuilder select = new StringBuilder("SELECT " + COLUMNS + " FROM bench_orders WHERE customer_id IN (");
		for (int i = 0; i < keys.size(); i++) {
			select.append((i > 0) ? "," : "").append(keys.get(i));
		}
		select.append(") ORDER BY customer_id, order_id");
		long rows = 0;
		try (Statement statement = in.createStatement()) {
			statement.setFetchSize(Integer.MIN_VALUE);
			try (ResultSet rs = statement.executeQuery(select.toString())) {
				List<Object> values = new ArrayList<>();
				while (rs.next()) {
					for (int c = 1; c <= COLUMN_COUNT; c++) {
						values.add(rs.getObject(c));
					}
					if (values.size() == ROWS_PER_INSERT * COLUMN_COUNT) {
						rows += insert(out, values);
						values.clear();
					}
				}
				if (!values.isEmpty()) {
					rows += insert(out, values);
				}
			}
		}
		return rows;
	}

	private static int insert(Connection out, List<Object> values) throws SQLException {
		StringBuilder sql = new StringBuilder("INSERT INTO bench_orders_copy (" + COLUMNS + ") VALUES ");
		for (int row = 0; row < values.size() / COLUMN_COUNT; row++) {
			sql.append((row > 0) ? "," : "").append("(?,?,?,?,?,?,?,?,?,?)");
		}
		try (PreparedStatement insert = out.prepareStatement(sql.toString())) {
			for (int i = 0; i < values.size(); i++) {
				insert.setObject(i + 1, values.get(i));
			}
			return insert.executeUpdate();
		}
	}

}
