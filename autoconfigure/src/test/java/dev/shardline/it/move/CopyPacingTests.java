package dev.shardline.it.move;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

import dev.shardline.move.CopyPacer;
import dev.shardline.move.MoveTable;
import dev.shardline.move.RowCopier;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import org.junit.jupiter.api.Test;

import static dev.shardline.it.move.MoveDb.execute;
import static dev.shardline.it.move.MoveDb.open;
import static dev.shardline.it.move.MoveDb.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The copy's pacing, by the pacer's own accounting (never a timed assertion): with ratio 1 the
 * copy pauses after every insert statement at least as long as the statement's batch took, so
 * it lasts at least twice its working time; with ratio 0 it never pauses; catch-ups (the fenced
 * phase's work) are never paced; and the paced copy is exact.
 */
@RealTopology(shards = 2, replicas = 0)
class CopyPacingTests {

	private static final long KEY = 4_200_000_011L;

	private static final int ROWS = 1_200;

	private static final int BATCH = 100;

	@Test
	void ratioOnePausesAsLongAsEachBatchWorked(MySqlTopology topology) throws Exception {
		String table = MoveDb.table("mv_pace");
		try (Connection source = open(topology, 0, ""); Connection target = open(topology, 1, "")) {
			try {
				create(source, target, table);
				CopyPacer pacer = new CopyPacer(1);
				RowCopier copier = new RowCopier(table, "k", BATCH, pacer);
				MoveTable moveTable = copier.preflight(source, target);

				long started = System.nanoTime();
				assertThat(copier.copyAll(moveTable, source, target, KEY)).isEqualTo(ROWS);
				long wall = System.nanoTime() - started;

				assertThat(pacer.batches()).isEqualTo(ROWS / BATCH);
				assertThat(pacer.pauses()).isEqualTo(ROWS / BATCH);
				assertThat(pacer.activeTime()).isPositive();
				assertThat(pacer.pausedTime()).isGreaterThanOrEqualTo(pacer.activeTime());
				// the batches and pauses all lie within the call: it took at least twice its working time
				assertThat(wall).isGreaterThanOrEqualTo(pacer.activeTime().plus(pacer.pausedTime()).toNanos());
				assertThat(keyRows(target, table)).hasSize(ROWS).containsExactlyElementsOf(keyRows(source, table));

				// later changes: the catch-ups copy them without a single pause
				execute(source, "UPDATE `" + table + "` SET note = 'changed' WHERE k = " + KEY + " AND id < 150");
				execute(source, "DELETE FROM `" + table + "` WHERE k = " + KEY + " AND id BETWEEN 500 AND 509");
				assertThat(copier.catchUp(moveTable, source, target, KEY).changedAnything()).isTrue();
				execute(source, "UPDATE `" + table + "` SET note = 'again' WHERE k = " + KEY + " AND id >= 1000");
				assertThat(copier.catchUpAndVerify(moveTable, source, target, KEY).verification().rows())
					.isEqualTo(ROWS - 10);
				assertThat(pacer.batches()).isEqualTo(ROWS / BATCH);
				assertThat(pacer.pauses()).isEqualTo(ROWS / BATCH);
				assertThat(keyRows(target, table)).containsExactlyElementsOf(keyRows(source, table));
			}
			finally {
				drop(source, target, table);
			}
		}
	}

	@Test
	void ratioZeroIsOff(MySqlTopology topology) throws Exception {
		String table = MoveDb.table("mv_pace");
		try (Connection source = open(topology, 0, ""); Connection target = open(topology, 1, "")) {
			try {
				create(source, target, table);
				CopyPacer pacer = new CopyPacer(0);
				RowCopier copier = new RowCopier(table, "k", BATCH, pacer);
				MoveTable moveTable = copier.preflight(source, target);
				assertThat(copier.copyAll(moveTable, source, target, KEY)).isEqualTo(ROWS);
				assertThat(pacer.isOn()).isFalse();
				assertThat(pacer.pauses()).isZero();
				assertThat(pacer.pausedTime()).isZero();
				// off means the unpaced pipeline: the pacer is not even asked
				assertThat(pacer.batches()).isZero();
				assertThat(keyRows(target, table)).containsExactlyElementsOf(keyRows(source, table));
			}
			finally {
				drop(source, target, table);
			}
		}
	}

	private static void create(Connection source, Connection target, String table) throws Exception {
		String ddl = "CREATE TABLE `" + table + "` (k BIGINT NOT NULL, id BIGINT NOT NULL, "
				+ "at6 DATETIME(6) NOT NULL, note VARCHAR(100), PRIMARY KEY (k, id)) DEFAULT CHARSET = utf8mb4";
		execute(source, ddl);
		execute(target, ddl);
		List<String> values = new ArrayList<>();
		for (int id = 0; id < ROWS; id++) {
			values.add("(" + KEY + ", " + id + ", '2026-03-08 02:30:00.000001' + INTERVAL " + id
					+ " SECOND, 'note " + id + " \uD83D\uDE00')");
		}
		execute(source, "INSERT INTO `" + table + "` VALUES " + String.join(", ", values));
	}

	private static void drop(Connection source, Connection target, String table) throws Exception {
		execute(source, "DROP TABLE IF EXISTS `" + table + "`");
		execute(target, "DROP TABLE IF EXISTS `" + table + "`");
	}

	private static List<String> keyRows(Connection connection, String table) throws Exception {
		return rows(connection, "SELECT id, at6, note FROM `" + table + "` WHERE k = ? ORDER BY id", KEY);
	}

}
