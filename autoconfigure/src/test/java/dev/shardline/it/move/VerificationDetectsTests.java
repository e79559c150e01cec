package dev.shardline.it.move;

import java.sql.Connection;

import dev.shardline.move.MoveTable;
import dev.shardline.move.MoveVerificationException;
import dev.shardline.move.RowCopier;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import org.junit.jupiter.api.Test;

import static dev.shardline.it.move.MoveDb.execute;
import static dev.shardline.it.move.MoveDb.open;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Verification sees the smallest differences (one microsecond, one byte, one FLOAT ULP, a
 * trailing space, NULL against '' and against 'NULL', a missing or an extra row) and names
 * the table, the primary key and the column.
 */
@RealTopology(shards = 2, replicas = 0)
class VerificationDetectsTests {

	private static final long KEY = 4_200_000_002L;

	@Test
	void oneMicrosecond(MySqlTopology topology) throws Exception {
		detects(topology, "UPDATE %s SET ts6 = ts6 + INTERVAL 1 MICROSECOND WHERE id = 2", "ts6",
				"'2026-03-08 02:30:00.257055' on the source, '2026-03-08 02:30:00.257056' on the target");
	}

	@Test
	void oneByteOfABlob(MySqlTopology topology) throws Exception {
		detects(topology, "UPDATE %s SET bl = X'0102030401' WHERE id = 2", "bl",
				"X'0102030400' on the source, X'0102030401' on the target");
	}

	@Test
	void oneTrailingZeroByte(MySqlTopology topology) throws Exception {
		detects(topology, "UPDATE %s SET bl = X'010203040000' WHERE id = 2", "bl", "X'010203040000' on the target");
	}

	@Test
	void oneFloatUlp(MySqlTopology topology) throws Exception {
		detects(topology, "UPDATE %s SET f = 1.0000002384185791 WHERE id = 2", "f",
				"1.0000001192092896 on the source, 1.000000238418579 on the target");
	}

	@Test
	void aTrailingSpace(MySqlTopology topology) throws Exception {
		detects(topology, "UPDATE %s SET vc = 'abc ' WHERE id = 2", "vc", "'abc' on the source, 'abc ' on the target");
	}

	@Test
	void nullAgainstEmpty(MySqlTopology topology) throws Exception {
		detects(topology, "UPDATE %s SET tx = NULL WHERE id = 2", "tx", "'' on the source, NULL on the target");
	}

	@Test
	void nullAgainstTheWordNull(MySqlTopology topology) throws Exception {
		detects(topology, "UPDATE %s SET nn = 'NULL' WHERE id = 2", "nn", "NULL on the source, 'NULL' on the target");
	}

	@Test
	void aMissingRow(MySqlTopology topology) throws Exception {
		detects(topology, "DELETE FROM %s WHERE id = 2", null, "is missing on the target");
	}

	@Test
	void anExtraRow(MySqlTopology topology) throws Exception {
		MoveVerificationException failure = detects(topology,
				"INSERT INTO %s (k, id, vc, tx) VALUES (" + KEY + ", 0, 'x', 'y')", null, "exists only on the target");
		assertThat(failure.primaryKey()).containsEntry("id", "0");
	}

	private MoveVerificationException detects(MySqlTopology topology, String change, String column, String detail)
			throws Exception {
		String table = MoveDb.table("mv_detect");
		try (Connection source = open(topology, 0, ""); Connection target = open(topology, 1, "")) {
			try {
				String ddl = "CREATE TABLE `" + table + "` (k BIGINT NOT NULL, id INT NOT NULL, ts6 TIMESTAMP(6) NULL, "
						+ "bl BLOB, f FLOAT, vc VARCHAR(20), tx VARCHAR(20), nn VARCHAR(20), PRIMARY KEY (k, id))";
				execute(source, ddl);
				execute(target, ddl);
				execute(source, "SET time_zone = '+00:00'");
				for (int id = 1; id <= 3; id++) {
					execute(source, "INSERT INTO `" + table + "` VALUES (" + KEY + ", " + id
							+ ", '2026-03-08 02:30:00.257055', X'0102030400', 1.0000001192092896, 'abc', '', NULL)");
				}
				RowCopier copier = new RowCopier(table, "k", 100);
				MoveTable moveTable = copier.preflight(source, target);
				copier.copyAll(moveTable, source, target, KEY);
				copier.verify(moveTable, source, target, KEY);

				execute(target, String.format(change, "`" + table + "`"));

				MoveVerificationException failure = assertThatExceptionOfType(MoveVerificationException.class)
					.isThrownBy(() -> copier.verify(moveTable, source, target, KEY))
					.actual();
				assertThat(failure.table()).isEqualTo(table);
				assertThat(failure.getMessage()).contains("'" + table + "'", "key '" + KEY + "'", detail);
				if (column != null) {
					assertThat(failure.primaryKey()).containsExactly(java.util.Map.entry("k", Long.toString(KEY)),
							java.util.Map.entry("id", "2"));
					assertThat(failure.getMessage()).contains("{k=" + KEY + ", id=2}", "column '" + column + "'");
				}
				// a catch-up repairs what verification found
				assertThat(copier.catchUp(moveTable, source, target, KEY).changedAnything()).isTrue();
				assertThat(copier.verify(moveTable, source, target, KEY).rows()).isEqualTo(3);
				return failure;
			}
			finally {
				execute(source, "DROP TABLE IF EXISTS `" + table + "`");
				execute(target, "DROP TABLE IF EXISTS `" + table + "`");
			}
		}
	}

}
