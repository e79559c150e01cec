package dev.shardline.it.move;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import dev.shardline.move.CatchUp;
import dev.shardline.move.MoveTable;
import dev.shardline.move.RowCopier;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import org.junit.jupiter.api.Test;

import static dev.shardline.it.move.MoveDb.execute;
import static dev.shardline.it.move.MoveDb.open;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A measurement, not a timed assertion: copies a 10,000-row key of an orders-like table and
 * times the final phase (catch-up of a few changed rows, then verify), printing the figures
 * with a baseline from the same run (reading the key's rows with a plain {@code SELECT *}).
 */
@RealTopology(shards = 2, replicas = 0)
class CopyThroughputTests {

	private static final long KEY = 4_200_000_005L;

	private static final int ROWS = 10_000;

	@Test
	void tenThousandRowKey(MySqlTopology topology) throws Exception {
		String table = MoveDb.table("mv_perf");
		try (Connection source = open(topology, 0, ""); Connection target = open(topology, 1, "")) {
			try {
				String ddl = "CREATE TABLE `" + table + "` (customer_id BIGINT NOT NULL, order_id BIGINT NOT NULL, "
						+ "created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), updated_at DATETIME(6), "
						+ "status ENUM('new','paid','shipped') NOT NULL, amount DECIMAL(12,2), currency CHAR(3), "
						+ "note VARCHAR(200), payload TEXT, flags INT UNSIGNED, weight DOUBLE, "
						+ "PRIMARY KEY (customer_id, order_id)) DEFAULT CHARSET = utf8mb4";
				execute(source, ddl);
				execute(target, ddl);
				for (int start = 0; start < ROWS; start += 1000) {
					List<String> values = new ArrayList<>();
					for (int id = start; id < start + 1000; id++) {
						values.add("(" + KEY + ", " + id + ", NOW(6) - INTERVAL " + id + " SECOND, NOW(6), 'paid', "
								+ id + ".25, 'EUR', 'order note number " + id + " with some text', '{\"items\": [" + id
								+ ", 2, 3], \"text\": \"" + "x".repeat(120) + "\"}', " + id + ", " + (id / 3.0) + ")");
					}
					execute(source, "INSERT INTO `" + table + "` (customer_id, order_id, created_at, updated_at, status, "
							+ "amount, currency, note, payload, flags, weight) VALUES " + String.join(", ", values));
				}
				RowCopier copier = new RowCopier(table, "customer_id", 1000);
				MoveTable moveTable = copier.preflight(source, target);

				List<Long> readNanos = new ArrayList<>();
				List<Long> copyNanos = new ArrayList<>();
				for (int run = 0; run < 4; run++) {
					long t0 = System.nanoTime();
					int read = readAll(source, table);
					readNanos.add(System.nanoTime() - t0);
					assertThat(read).isEqualTo(ROWS);
					long t1 = System.nanoTime();
					assertThat(copier.copyAll(moveTable, source, target, KEY)).isEqualTo(ROWS);
					copyNanos.add(System.nanoTime() - t1);
				}
				List<Long> finalNanos = new ArrayList<>();
				List<Long> onePassNanos = new ArrayList<>();
				List<Long> idleNanos = new ArrayList<>();
				for (int run = 0; run < 16; run++) {
					long t0 = System.nanoTime();
					assertThat(copier.catchUp(moveTable, source, target, KEY)).isEqualTo(new CatchUp(0, 0, 0));
					copier.verify(moveTable, source, target, KEY);
					idleNanos.add(System.nanoTime() - t0);
					// the writes that land during a copy: 10 updates, 5 inserts, 5 deletes
					int base = run * 20;
					execute(source, "UPDATE `" + table + "` SET amount = amount + 1, updated_at = NOW(6) WHERE customer_id = "
							+ KEY + " AND order_id BETWEEN " + (base + 100) + " AND " + (base + 109));
					execute(source, "DELETE FROM `" + table + "` WHERE customer_id = " + KEY + " AND order_id BETWEEN "
							+ (base + 5000) + " AND " + (base + 5004));
					List<String> inserts = new ArrayList<>();
					for (int i = 0; i < 5; i++) {
						inserts.add("(" + KEY + ", " + (100_000 + base + i) + ", 'new')");
					}
					execute(source, "INSERT INTO `" + table + "` (customer_id, order_id, status) VALUES "
							+ String.join(", ", inserts));
					// alternate: catchUp then verify, against catchUpAndVerify, in the same run
					long t1 = System.nanoTime();
					if (run % 2 == 0) {
						assertThat(copier.catchUp(moveTable, source, target, KEY)).isEqualTo(new CatchUp(5, 10, 5));
						copier.verify(moveTable, source, target, KEY);
						finalNanos.add(System.nanoTime() - t1);
					}
					else {
						assertThat(copier.catchUpAndVerify(moveTable, source, target, KEY).catchUp())
							.isEqualTo(new CatchUp(5, 10, 5));
						onePassNanos.add(System.nanoTime() - t1);
					}
				}
				System.out.printf("move engine, %d-row key: plain SELECT * read ms %s; copyAll ms %s (rows/s %s); "
						+ "catch-up(nothing changed)+verify ms %s; catch-up(10 updated, 5 inserted, 5 deleted)+verify ms %s; "
						+ "the same by catchUpAndVerify ms %s%n",
						ROWS, millis(readNanos), millis(copyNanos),
						copyNanos.stream().map((n) -> Long.toString(ROWS * 1_000_000_000L / n)).toList(), millis(idleNanos),
						millis(finalNanos), millis(onePassNanos));
			}
			finally {
				execute(source, "DROP TABLE IF EXISTS `" + table + "`");
				execute(target, "DROP TABLE IF EXISTS `" + table + "`");
			}
		}
	}

	private static int readAll(Connection connection, String table) throws Exception {
		int rows = 0;
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT * FROM `" + table + "` WHERE customer_id = ?")) {
			statement.setLong(1, KEY);
			try (ResultSet rs = statement.executeQuery()) {
				int columns = rs.getMetaData().getColumnCount();
				while (rs.next()) {
					for (int i = 1; i <= columns; i++) {
						rs.getString(i);
					}
					rows++;
				}
			}
		}
		return rows;
	}

	private static List<Long> millis(List<Long> nanos) {
		return nanos.stream().map((n) -> n / 1_000_000).toList();
	}

}
