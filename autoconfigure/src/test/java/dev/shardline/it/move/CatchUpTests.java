package dev.shardline.it.move;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.shardline.move.CatchUp;
import dev.shardline.move.FinalSync;
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
 * Catch-up after a copy: rows inserted, updated (including a swap of unique values) and deleted
 * on the source since the copy are reflected exactly on the target, rows only on the target
 * are removed, and other keys' rows are never touched. Keys of every JDBC shape (Long, String,
 * byte[]) with composite and string primary keys.
 */
@RealTopology(shards = 2, replicas = 0)
class CatchUpTests {

	private static final long KEY = 4_200_000_003L;

	private static final long OTHER = 4_200_000_004L;

	@Test
	void insertsUpdatesAndDeletesOnTheSourceAreReflected(MySqlTopology topology) throws Exception {
		String table = MoveDb.table("mv_catchup");
		try (Connection source = open(topology, 0, ""); Connection target = open(topology, 1, "")) {
			try {
				String ddl = "CREATE TABLE `" + table + "` (k BIGINT NOT NULL, id BIGINT NOT NULL, "
						+ "ts6 TIMESTAMP(6) NULL, amount DECIMAL(20,6), note VARCHAR(100), "
						+ "PRIMARY KEY (k, id), UNIQUE KEY (note))";
				execute(source, ddl);
				execute(target, ddl);
				List<String> values = new ArrayList<>();
				for (int id = 1; id <= 50; id++) {
					values.add("(" + KEY + ", " + id + ", '2026-03-08 07:30:00.000001', " + id + ".5, 'n" + id + "')");
				}
				execute(source, "INSERT INTO `" + table + "` VALUES " + String.join(", ", values));
				execute(source, "INSERT INTO `" + table + "` VALUES (" + OTHER + ", 1, NULL, 1, 'source-other')");
				execute(target, "INSERT INTO `" + table + "` VALUES (" + OTHER + ", 7, NULL, 7, 'target-other')");
				RowCopier copier = new RowCopier(table, "k", 7);
				MoveTable moveTable = copier.preflight(source, target);
				assertThat(copier.copyAll(moveTable, source, target, KEY)).isEqualTo(50);

				// the application keeps writing the key on the source during the copy
				execute(source, "INSERT INTO `" + table + "` VALUES (" + KEY + ", 51, NULL, NULL, NULL), (" + KEY
						+ ", 52, '2030-01-01 00:00:00.999999', -1, 'n52'), (" + KEY + ", 53, NULL, 0, '')");
				execute(source, "UPDATE `" + table + "` SET ts6 = ts6 + INTERVAL 1 MICROSECOND WHERE k = " + KEY
						+ " AND id = 1");
				execute(source, "UPDATE `" + table + "` SET amount = amount + 0.000001 WHERE k = " + KEY + " AND id = 2");
				// a swap of unique values: the target must drop both old rows before inserting either
				execute(source, "UPDATE `" + table + "` SET note = 'tmp' WHERE k = " + KEY + " AND id = 3",
						"UPDATE `" + table + "` SET note = 'n3' WHERE k = " + KEY + " AND id = 4",
						"UPDATE `" + table + "` SET note = 'n4' WHERE k = " + KEY + " AND id = 3");
				execute(source, "DELETE FROM `" + table + "` WHERE k = " + KEY + " AND id BETWEEN 10 AND 14");
				// and a row exists only on the target (say, from an aborted earlier attempt)
				execute(target, "INSERT INTO `" + table + "` VALUES (" + KEY + ", 999, NULL, NULL, 'stale')");

				CatchUp catchUp = copier.catchUp(moveTable, source, target, KEY);

				assertThat(catchUp).isEqualTo(new CatchUp(3, 4, 6));
				assertThat(copier.verify(moveTable, source, target, KEY).rows()).isEqualTo(48);
				assertThat(keyRows(target, table, KEY)).containsExactlyElementsOf(keyRows(source, table, KEY));
				assertThat(copier.catchUp(moveTable, source, target, KEY)).isEqualTo(new CatchUp(0, 0, 0));
				// other keys: the source's not copied, the target's not touched
				assertThat(keyRows(target, table, OTHER)).containsExactly("7|null|7.000000|target-other");

				// the final phase in one pass: the same result, proven by an independent verify after it
				execute(source, "UPDATE `" + table + "` SET note = 'last' WHERE k = " + KEY + " AND id = 20",
						"INSERT INTO `" + table + "` VALUES (" + KEY + ", 60, NULL, 6, 'n60')",
						"DELETE FROM `" + table + "` WHERE k = " + KEY + " AND id = 21");
				FinalSync sync = copier.catchUpAndVerify(moveTable, source, target, KEY);
				assertThat(sync.catchUp()).isEqualTo(new CatchUp(1, 1, 1));
				assertThat(sync.verification()).isEqualTo(copier.verify(moveTable, source, target, KEY));
				assertThat(keyRows(target, table, KEY)).containsExactlyElementsOf(keyRows(source, table, KEY));

				assertThat(copier.deleteAll(moveTable, target, KEY)).isEqualTo(48);
				assertThat(keyRows(target, table, KEY)).isEmpty();
				assertThat(keyRows(target, table, OTHER)).hasSize(1);
				assertThat(keyRows(source, table, KEY)).hasSize(48);
			}
			finally {
				execute(source, "DROP TABLE IF EXISTS `" + table + "`");
				execute(target, "DROP TABLE IF EXISTS `" + table + "`");
			}
		}
	}

	@Test
	void stringAndBinaryKeysWithStringPrimaryKeys(MySqlTopology topology) throws Exception {
		String byText = MoveDb.table("mv_text_key");
		String byBytes = MoveDb.table("mv_bytes_key");
		try (Connection source = open(topology, 0, ""); Connection target = open(topology, 1, "")) {
			try {
				String textDdl = "CREATE TABLE `" + byText + "` (tenant CHAR(36) NOT NULL, "
						+ "name VARCHAR(40) COLLATE utf8mb4_general_ci NOT NULL, val TEXT, PRIMARY KEY (tenant, name))"
						+ " DEFAULT CHARSET = utf8mb4";
				String bytesDdl = "CREATE TABLE `" + byBytes + "` (owner BINARY(16) NOT NULL, seq VARBINARY(8) NOT NULL, "
						+ "val INT, PRIMARY KEY (owner, seq))";
				for (Connection c : List.of(source, target)) {
					execute(c, textDdl, bytesDdl);
				}
				String tenant = UUID.randomUUID().toString();
				execute(source, "INSERT INTO `" + byText + "` VALUES ('" + tenant + "', 'a', '1'), ('" + tenant
						+ "', 'B', '2'), ('" + tenant + "', '\u00e7a', '3'), ('" + tenant + "', '\uD83D\uDE00 x', '4'), ('"
						+ tenant + "', 'quote''s', '5')");
				byte[] owner = new byte[16];
				owner[15] = 0;
				owner[0] = 7;
				execute(source, "INSERT INTO `" + byBytes + "` VALUES (X'07000000000000000000000000000000', X'00', 1), "
						+ "(X'07000000000000000000000000000000', X'0000', 2), (X'07000000000000000000000000000000', X'', 3)");

				RowCopier texts = new RowCopier(byText, "tenant", 2);
				MoveTable textTable = texts.preflight(source, target);
				assertThat(texts.copyAll(textTable, source, target, tenant)).isEqualTo(5);
				execute(source, "UPDATE `" + byText + "` SET val = 'changed' WHERE tenant = '" + tenant + "' AND name = 'B'",
						"DELETE FROM `" + byText + "` WHERE tenant = '" + tenant + "' AND name = 'quote''s'",
						"INSERT INTO `" + byText + "` VALUES ('" + tenant + "', 'new ', NULL)");
				assertThat(texts.catchUp(textTable, source, target, tenant)).isEqualTo(new CatchUp(1, 1, 1));
				assertThat(texts.verify(textTable, source, target, tenant).rows()).isEqualTo(5);

				RowCopier bytes = new RowCopier(byBytes, "owner", 100);
				MoveTable bytesTable = bytes.preflight(source, target);
				assertThat(bytes.copyAll(bytesTable, source, target, owner)).isEqualTo(3);
				execute(source, "UPDATE `" + byBytes + "` SET val = 20 WHERE seq = X'0000'");
				assertThat(bytes.catchUp(bytesTable, source, target, owner)).isEqualTo(new CatchUp(0, 1, 0));
				assertThat(bytes.verify(bytesTable, source, target, owner).rows()).isEqualTo(3);
				assertThat(rows(target, "SELECT HEX(seq), val FROM `" + byBytes + "` ORDER BY seq"))
					.containsExactly("|3", "00|1", "0000|20");
			}
			finally {
				for (Connection c : List.of(source, target)) {
					execute(c, "DROP TABLE IF EXISTS `" + byText + "`", "DROP TABLE IF EXISTS `" + byBytes + "`");
				}
			}
		}
	}

	@Test
	void aConstraintViolationOnTheTargetFailsWithTheServersErrorAndLeavesTheSessionAsItWas(MySqlTopology topology)
			throws Exception {
		String table = MoveDb.table("mv_conflict");
		try (Connection source = open(topology, 0, ""); Connection target = open(topology, 1, "")) {
			try {
				String ddl = "CREATE TABLE `" + table + "` (k BIGINT NOT NULL, id BIGINT NOT NULL, email VARCHAR(50), "
						+ "PRIMARY KEY (k, id), UNIQUE KEY (email))";
				execute(source, ddl);
				execute(target, ddl);
				List<String> values = new ArrayList<>();
				for (int id = 1; id <= 3000; id++) {
					values.add("(" + KEY + ", " + id + ", 'user" + id + "@example.com')");
				}
				execute(source, "INSERT INTO `" + table + "` VALUES " + String.join(", ", values));
				// another key on the target already holds one of the unique values
				execute(target, "INSERT INTO `" + table + "` VALUES (" + OTHER + ", 1, 'user2500@example.com')");
				execute(target, "SET time_zone = '+03:00', sql_mode = 'STRICT_ALL_TABLES'");
				RowCopier copier = new RowCopier(table, "k", 200);
				MoveTable moveTable = copier.preflight(source, target);

				java.sql.SQLException failure = org.assertj.core.api.Assertions
					.catchThrowableOfType(java.sql.SQLException.class,
							() -> copier.copyAll(moveTable, source, target, KEY));

				assertThat(failure.getSQLState()).isEqualTo("23000");
				assertThat(failure.getMessage()).contains("Copying rows of table '" + table + "' for key '" + KEY + "'",
						"Duplicate entry 'user2500@example.com'");
				assertThat(rows(target, "SELECT @@session.time_zone, @@session.sql_mode"))
					.containsExactly("+03:00|STRICT_ALL_TABLES");
				// the connections stay usable: remove the conflict and copy again
				execute(target, "DELETE FROM `" + table + "` WHERE k = " + OTHER);
				assertThat(copier.copyAll(moveTable, source, target, KEY)).isEqualTo(3000);
				assertThat(copier.verify(moveTable, source, target, KEY).rows()).isEqualTo(3000);
				// differences of more rows than one statement matches: handled in chunks
				execute(target, "DELETE FROM `" + table + "` WHERE k = " + KEY + " AND id <= 1200");
				execute(source, "UPDATE `" + table + "` SET email = CONCAT('x', email) WHERE k = " + KEY
						+ " AND id > 2200");
				assertThat(copier.catchUp(moveTable, source, target, KEY)).isEqualTo(new CatchUp(1200, 800, 0));
				execute(source, "DELETE FROM `" + table + "` WHERE k = " + KEY + " AND id BETWEEN 1 AND 700");
				execute(source, "UPDATE `" + table + "` SET email = CONCAT('y', email) WHERE k = " + KEY
						+ " AND id > 1400");
				FinalSync sync = copier.catchUpAndVerify(moveTable, source, target, KEY);
				assertThat(sync.catchUp()).isEqualTo(new CatchUp(0, 1600, 700));
				assertThat(sync.verification().rows()).isEqualTo(2300);
				assertThat(copier.verify(moveTable, source, target, KEY)).isEqualTo(sync.verification());
			}
			finally {
				execute(source, "DROP TABLE IF EXISTS `" + table + "`");
				execute(target, "DROP TABLE IF EXISTS `" + table + "`");
			}
		}
	}

	private static List<String> keyRows(Connection connection, String table, long key) throws Exception {
		return rows(connection, "SELECT id, CAST(ts6 AS CHAR), amount, note FROM `" + table
				+ "` WHERE k = ? ORDER BY id", key);
	}

}
