package dev.shardline.it.move;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TimeZone;

import dev.shardline.move.MoveColumn;
import dev.shardline.move.MoveTable;
import dev.shardline.move.RowCopier;
import dev.shardline.move.Verification;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyNode;
import org.junit.jupiter.api.Test;

import static dev.shardline.it.move.MoveDb.checksum;
import static dev.shardline.it.move.MoveDb.columnTexts;
import static dev.shardline.it.move.MoveDb.execute;
import static dev.shardline.it.move.MoveDb.open;
import static dev.shardline.it.move.MoveDb.rows;
import static dev.shardline.it.move.MoveDb.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every column type arrives byte for byte: a table with every type MariaDB offers, rows at the
 * extremes, NULLs, zero dates, a DATETIME in the JVM zone's DST gap, generated and
 * AUTO_INCREMENT columns, copied from shard-0 to shard-1 with the JVM in America/New_York, the
 * servers in UTC and the sessions in yet other zones and SQL modes, then compared by the
 * servers' own CHECKSUM TABLE and column by column, independently of the engine.
 */
@RealTopology(shards = 2, replicas = 0)
class ExactCopyTests {

	static final long KEY = 4_200_000_001L;

	static final String SESSION = "SELECT @@session.time_zone, @@session.sql_mode, @@session.net_write_timeout";

	static final String DECIMAL_MAX = "9".repeat(35) + "." + "9".repeat(30);

	static final List<String> HEX_COLUMNS = List.of("ch", "vc", "tx", "lt", "bn", "vb", "bl", "js", "pt", "ge", "gs",
			"b1", "b64");

	static final List<String> FLOAT_COLUMNS = List.of("f", "d");

	static final List<String> OTHER_COLUMNS = List.of("k", "id", "ti", "tiu", "si", "siu", "mi", "miu", "i", "iu", "bi",
			"biu", "bo", "de", "de0", "dd", "dt0", "dt3", "dt6", "ts0", "ts3", "ts6", "created_at", "tm",
			"tm6", "yr", "en", "st", "ip", "uu", "gv");

	static String typesTable(String name) {
		return "CREATE TABLE `" + name + "` (k BIGINT NOT NULL, id INT NOT NULL AUTO_INCREMENT, "
				+ "ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, "
				+ "miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED, bo BOOLEAN, "
				+ "de DECIMAL(65,30), de0 DECIMAL(10,0), f FLOAT, d DOUBLE, b1 BIT(1), b64 BIT(64), "
				+ "dd DATE, dt0 DATETIME, dt3 DATETIME(3), dt6 DATETIME(6), "
				+ "ts0 TIMESTAMP NULL DEFAULT NULL, ts3 TIMESTAMP(3) NULL DEFAULT NULL, ts6 TIMESTAMP(6) NULL DEFAULT NULL, "
				+ "created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), tm TIME, tm6 TIME(6), yr YEAR, "
				+ "ch CHAR(10), vc VARCHAR(100), tx TEXT, lt VARCHAR(20) CHARACTER SET latin1, "
				+ "bn BINARY(16), vb VARBINARY(100), bl BLOB, en ENUM('small','medium','large'), st SET('a','b','c'), "
				+ "js JSON, ip INET6, uu UUID, pt POINT, ge GEOMETRY, "
				+ "gv DECIMAL(21,0) AS (biu DIV 2) VIRTUAL, gs VARCHAR(120) AS (CONCAT(vc, '!')) STORED, "
				+ "PRIMARY KEY (k, id), KEY (id)) DEFAULT CHARSET = utf8mb4";
	}

	static final String COLUMNS = "k, id, ti, tiu, si, siu, mi, miu, i, iu, bi, biu, bo, de, de0, f, d, b1, b64, "
			+ "dd, dt0, dt3, dt6, ts0, ts3, ts6, created_at, tm, tm6, yr, ch, vc, tx, lt, bn, vb, bl, en, st, js, ip, "
			+ "uu, pt, ge";

	/** Rows at the extremes; to be inserted in a UTC, non-strict session with NO_AUTO_VALUE_ON_ZERO. */
	static List<String> typeRows(long key) {
		byte[] blob = new byte[3000];
		new Random(7).nextBytes(blob);
		blob[blob.length - 1] = 0;
		blob[blob.length - 2] = 0;
		String blobHex = java.util.HexFormat.of().formatHex(blob);
		String nulls = ", NULL".repeat(24);
		return List.of(
				// minima, AUTO_INCREMENT 0, empty strings, the string 'NULL'
				"(" + key + ", 0, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0, 0, -"
						+ DECIMAL_MAX + ", -9999999999, -3.4028234663852886e38, -1.7976931348623157e308, b'0', b'0', "
						+ "'1000-01-01', '1000-01-01 00:00:00', '1000-01-01 00:00:00.000', '1000-01-01 00:00:00.000000', "
						+ "'1970-01-01 00:00:01', '1970-01-01 00:00:01.000', '1970-01-01 00:00:01.000000', "
						+ "'1970-01-01 00:00:01.000001', '-838:59:59', '-838:59:59.000000', 1901, '', '', 'NULL', '', "
						+ "X'00000000000000000000000000000000', X'', X'', 'small', '', '[]', '::', "
						+ "'00000000-0000-0000-0000-000000000000', ST_GeomFromText('POINT(0 0)'), "
						+ "ST_GeomFromText('POINT(0 0)'))",
				// maxima, BOOLEAN holding 2, 4-byte characters, trailing spaces and zero bytes
				"(" + key + ", 2147483647, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, "
						+ "9223372036854775807, 18446744073709551615, 2, " + DECIMAL_MAX + ", 9999999999, "
						+ "3.4028234663852886e38, 1.7976931348623157e308, b'1', 0xFFFFFFFFFFFFFFFF, '9999-12-31', "
						+ "'9999-12-31 23:59:59', '9999-12-31 23:59:59.999', '9999-12-31 23:59:59.999999', "
						+ "'2038-01-19 03:14:07', '2038-01-19 03:14:07.999', '2038-01-19 03:14:07.999999', "
						+ "'2026-12-06 05:29:09.257055', '838:59:59', '838:59:59.000000', 2155, 'pad', 'trailing  ', "
						+ "'4-byte \uD83D\uDE00 \uD834\uDD1E \u00e9', 'caf\u00e9 ', X'01000000000000000000000000000000', "
						+ "X'FF00', X'" + blobHex + "', 'large', 'a,b,c', "
						+ "'{\"a\": [1, 2.5, \"x\"], \"b\": null, \"c\": \"\uD83D\uDE00\"}', "
						+ "'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'ffffffff-ffff-ffff-ffff-ffffffffffff', "
						+ "ST_GeomFromText('POINT(1.5 -2.25)', 4326), "
						+ "ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0))'))",
				// NULL in every nullable column
				"(" + key + ", 5" + nulls + ", '2026-03-08 02:30:00.500000'" + ", NULL".repeat(17) + ")",
				// the JVM zone's DST gap, zero dates, ENUM's '' error value, YEAR 0, a FLOAT needing 8 digits
				"(" + key + ", 7, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.000000000000000000000000000001, 0, "
						+ "1.0000001192092896, 0.1, b'1', b'1000000000000000000000000000000000000000000000000000000000000000', "
						+ "'0000-00-00', '0000-00-00 00:00:00', '2026-03-08 02:30:00.001', '2026-03-08 02:30:00.257055', "
						+ "'0000-00-00 00:00:00', '2026-03-08 07:30:00.999', '2026-03-08 02:30:00.257055', "
						+ "'2026-11-01 05:30:00.000001', '-00:00:01', '-00:00:00.000001', 0, '\uD83D\uDE00', "
						+ "' lead and trail ', '', 'x', X'FFFFFFFFFFFFFFFFFFFFFFFFFFFF0000', X'00000000', X'00', 'bogus', "
						+ "'b', 'null', '::ffff:1.2.3.4', '123e4567-e89b-12d3-a456-426614174000', "
						+ "ST_GeomFromText('POINT(1e-300 1e300)'), "
						+ "ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 1),LINESTRING(0 0,1 1))'))",
				// TIME over 24 h, subnormal FLOAT and DOUBLE, the NY fall-back fold
				"(" + key + ", 9" + ", NULL".repeat(13) + ", 1.4E-45, 4.9E-324, NULL, NULL, '2026-03-08', "
						+ "'2026-11-01 01:30:00', NULL, NULL, '2026-11-01 05:30:00', NULL, NULL, "
						+ "'2026-11-01 06:30:00.000001', '25:00:00', '25:00:00.123456'" + ", NULL".repeat(15) + ")");
	}

	/** Creates the table on both servers and fills the source with the type rows. */
	static void createTypes(Connection source, Connection target, String table, long key) throws Exception {
		execute(source, typesTable(table));
		execute(target, typesTable(table));
		String mode = string(source, "SELECT @@session.sql_mode");
		String zone = string(source, "SELECT @@session.time_zone");
		execute(source, "SET time_zone = '+00:00', sql_mode = 'NO_AUTO_VALUE_ON_ZERO'");
		for (String row : typeRows(key)) {
			execute(source, "INSERT INTO `" + table + "` (" + COLUMNS + ") VALUES " + row);
		}
		execute(source, "SET time_zone = '" + zone + "', sql_mode = '" + mode + "'");
	}

	static void assertSameRows(Connection source, Connection target, String table) throws Exception {
		assertThat(columnTexts(target, table, "k, id", HEX_COLUMNS, FLOAT_COLUMNS, OTHER_COLUMNS))
			.containsExactlyElementsOf(columnTexts(source, table, "k, id", HEX_COLUMNS, FLOAT_COLUMNS, OTHER_COLUMNS));
		assertThat(checksum(target, table)).isEqualTo(checksum(source, table));
	}

	@Test
	void everyTypeArrivesExactlyWhateverTheZonesAndModes(MySqlTopology topology) throws Exception {
		String table = MoveDb.table("mv_types");
		TimeZone jvmZone = TimeZone.getDefault();
		TimeZone.setDefault(TimeZone.getTimeZone("America/New_York"));
		try (Connection source = open(topology, 0, "?useServerPrepStmts=true");
				Connection target = open(topology, 1, "")) {
			try {
				// sessions far from the servers' UTC, in modes that change how values parse and show
				execute(source, "SET time_zone = '+05:30', sql_mode = 'ANSI_QUOTES,PAD_CHAR_TO_FULL_LENGTH,NO_BACKSLASH_ESCAPES'");
				execute(target, "SET time_zone = '-09:00', "
						+ "sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,EMPTY_STRING_IS_NULL,TIME_ROUND_FRACTIONAL'");
				createTypes(source, target, table, KEY);
				List<String> sourceSession = rows(source, SESSION);
				List<String> targetSession = rows(target, SESSION);
				assertThat(sourceSession.get(0)).startsWith("+05:30|").contains("PAD_CHAR_TO_FULL_LENGTH");
				RowCopier copier = new RowCopier(table, "k", 2);
				MoveTable moveTable = copier.preflight(source, target);
				assertThat(moveTable.columns()).filteredOn(MoveColumn::generated)
					.extracting(MoveColumn::name)
					.containsExactly("gv", "gs");

				assertThat(copier.copyAll(moveTable, source, target, KEY)).isEqualTo(5);
				Verification verification = copier.verify(moveTable, source, target, KEY);

				assertThat(verification.rows()).isEqualTo(5);
				assertSameRows(source, target, table);
				// the engine left the caller's session settings as it found them
				assertThat(rows(source, SESSION)).isEqualTo(sourceSession);
				assertThat(rows(target, SESSION)).isEqualTo(targetSession);
				// spot checks of what the target now stores, against the literals inserted on the source
				execute(target, "SET time_zone = '+00:00'");
				assertThat(rows(target, "SELECT id FROM `" + table + "` ORDER BY id"))
					.containsExactly("0", "5", "7", "9", "2147483647");
				assertThat(rows(target, "SELECT CAST(biu AS CHAR), bo, CAST(ts6 AS CHAR), HEX(vc), CAST(de AS CHAR) FROM `"
						+ table + "` WHERE id = 2147483647"))
					.containsExactly("18446744073709551615|2|2038-01-19 03:14:07.999999|747261696C696E672020|"
							+ DECIMAL_MAX);
				assertThat(rows(target, "SELECT CAST(dt6 AS CHAR), CAST(ts6 AS CHAR), CAST(tm6 AS CHAR), en + 0, "
						+ "CAST(CAST(f AS DOUBLE) AS CHAR), CAST(dd AS CHAR), HEX(bn) FROM `" + table + "` WHERE id = 7"))
					.containsExactly("2026-03-08 02:30:00.257055|2026-03-08 02:30:00.257055|-00:00:00.000001|0|"
							+ "1.0000001192092896|0000-00-00|FFFFFFFFFFFFFFFFFFFFFFFFFFFF0000");
				assertThat(rows(target, "SELECT CAST(tm6 AS CHAR) FROM `" + table + "` WHERE id IN (0, 9) ORDER BY id"))
					.containsExactly("-838:59:59.000000", "25:00:00.123456");
			}
			finally {
				TimeZone.setDefault(jvmZone);
				execute(source, "DROP TABLE IF EXISTS `" + table + "`");
				execute(target, "DROP TABLE IF EXISTS `" + table + "`");
			}
		}
	}

	@Test
	void connectorJSessionZoneSettingsChangeNothing(MySqlTopology topology) throws Exception {
		String table = MoveDb.table("mv_types_tz");
		TimeZone jvmZone = TimeZone.getDefault();
		TimeZone.setDefault(TimeZone.getTimeZone("America/New_York"));
		try {
			// forceConnectionTimeZoneToSession names the JVM's zone to the server: it needs the zone tables
			loadNewYork(topology.shard(1).primary());
			try (Connection source = open(topology, 0,
					"?connectionTimeZone=LOCAL&preserveInstants=true&cacheDefaultTimeZone=false");
					Connection target = open(topology, 1,
							"?connectionTimeZone=LOCAL&forceConnectionTimeZoneToSession=true&rewriteBatchedStatements=true")) {
				try {
					assertThat(string(target, "SELECT @@session.time_zone")).isEqualTo("America/New_York");
					createTypes(source, target, table, KEY);
					RowCopier copier = new RowCopier(table, "k", 1000);
					MoveTable moveTable = copier.preflight(source, target);
					assertThat(copier.copyAll(moveTable, source, target, KEY)).isEqualTo(5);
					assertThat(copier.verify(moveTable, source, target, KEY).rows()).isEqualTo(5);
					assertSameRows(source, target, table);
					assertThat(string(target, "SELECT @@session.time_zone")).isEqualTo("America/New_York");
				}
				finally {
					execute(source, "DROP TABLE IF EXISTS `" + table + "`");
					execute(target, "DROP TABLE IF EXISTS `" + table + "`");
				}
			}
		}
		finally {
			TimeZone.setDefault(jvmZone);
		}
	}

	@Test
	void randomFloatingPointValuesKeepEveryBit(MySqlTopology topology) throws Exception {
		String table = MoveDb.table("mv_floats");
		try (Connection source = open(topology, 0, ""); Connection target = open(topology, 1, "")) {
			try {
				String ddl = "CREATE TABLE `" + table + "` (k BIGINT NOT NULL, id INT NOT NULL, f FLOAT, d DOUBLE, "
						+ "f2 FLOAT(10,4), PRIMARY KEY (k, id))";
				execute(source, ddl);
				execute(target, ddl);
				Random random = new Random(11);
				List<String> values = new ArrayList<>();
				for (int id = 0; values.size() < 2000; id++) {
					float f = Float.intBitsToFloat(random.nextInt());
					double d = Double.longBitsToDouble(random.nextLong());
					if (Float.isFinite(f) && Double.isFinite(d)) {
						values.add("(" + KEY + ", " + id + ", " + f + ", " + d + ", " + (random.nextInt(2_000_000) / 7.0)
								+ ")");
					}
				}
				values.add("(" + KEY + ", -1, " + Float.MIN_VALUE + ", " + Double.MIN_VALUE + ", NULL)");
				values.add("(" + KEY + ", -2, " + Math.nextUp(1.0f) + ", " + Math.nextUp(1.0) + ", NULL)");
				execute(source, "INSERT INTO `" + table + "` (k, id, f, d, f2) VALUES " + String.join(", ", values));
				RowCopier copier = new RowCopier(table, "k", 500);
				MoveTable moveTable = copier.preflight(source, target);

				assertThat(copier.copyAll(moveTable, source, target, KEY)).isEqualTo(2002);
				copier.verify(moveTable, source, target, KEY);
				assertThat(checksum(target, table)).isEqualTo(checksum(source, table));
				assertThat(rows(target, "SELECT CAST(CAST(f AS DOUBLE) AS CHAR), d FROM `" + table + "` WHERE id = -2"))
					.containsExactly("1.0000001192092896|1.0000000000000002");
			}
			finally {
				execute(source, "DROP TABLE IF EXISTS `" + table + "`");
				execute(target, "DROP TABLE IF EXISTS `" + table + "`");
			}
		}
	}

	@Test
	void largeValuesCopyExactlyAndOnesTooLargeForTextFailLoudly(MySqlTopology topology) throws Exception {
		String table = MoveDb.table("mv_large");
		try (Connection source = open(topology, 0, ""); Connection target = open(topology, 1, "")) {
			try {
				String ddl = "CREATE TABLE `" + table + "` (k BIGINT NOT NULL, id INT NOT NULL, b LONGBLOB, t LONGTEXT, "
						+ "PRIMARY KEY (k, id)) DEFAULT CHARSET = utf8mb4";
				execute(source, ddl);
				execute(target, ddl);
				long packet = Long.parseLong(string(source, "SELECT @@max_allowed_packet"));
				// rows around the statement size limit: each larger than one INSERT may hold with others
				execute(source, "INSERT INTO `" + table + "` VALUES (" + KEY + ", 1, REPEAT(X'00FF', 1500000), "
						+ "REPEAT('\u00e9 ', 1000000)), (" + KEY + ", 2, X'', ''), (" + KEY + ", 3, REPEAT(X'01', 2500000), NULL)");
				RowCopier copier = new RowCopier(table, "k", 100);
				MoveTable moveTable = copier.preflight(source, target);
				assertThat(copier.copyAll(moveTable, source, target, KEY)).isEqualTo(3);
				copier.verify(moveTable, source, target, KEY);
				assertThat(checksum(target, table)).isEqualTo(checksum(source, table));

				// HEX() of a value over half of max_allowed_packet is NULL: never copied as NULL
				execute(source, "INSERT INTO `" + table + "` VALUES (" + KEY + ", 4, REPEAT('x', " + (packet / 2 + 10)
						+ "), NULL)");
				assertThatExceptionOfType(java.sql.SQLException.class)
					.isThrownBy(() -> copier.copyAll(moveTable, source, target, KEY))
					.withMessageContaining("Copying rows of table '" + table + "' for key '" + KEY + "'")
					.withMessageContaining("Column 'b' of the row with primary key [" + KEY + ", 4]")
					.withMessageContaining("max_allowed_packet");
				// and verification, which hashes raw bytes, sees the row is missing
				assertThatExceptionOfType(dev.shardline.move.MoveVerificationException.class)
					.isThrownBy(() -> copier.verify(moveTable, source, target, KEY))
					.withMessageContaining("{k=" + KEY + ", id=");
			}
			finally {
				execute(source, "DROP TABLE IF EXISTS `" + table + "`");
				execute(target, "DROP TABLE IF EXISTS `" + table + "`");
			}
		}
	}

	/** Loads America/New_York into the server's time zone tables (once). */
	static void loadNewYork(TopologyNode node) throws Exception {
		Path tool = Path.of("/usr/bin/mariadb-tzinfo-to-sql");
		try (Connection admin = node.openAdminConnection()) {
			if ("1".equals(string(admin, "SELECT COUNT(*) FROM mysql.time_zone_name WHERE Name = 'America/New_York'"))) {
				return;
			}
			// Not a skip: the test must run. mariadb-tzinfo-to-sql comes with mariadb-server (README).
			if (!Files.isExecutable(tool)) {
				throw new IllegalStateException(tool + " is needed to load a named zone: install mariadb-server");
			}
			Process process = new ProcessBuilder(tool.toString(), "/usr/share/zoneinfo/America/New_York",
					"America/New_York")
				.redirectError(ProcessBuilder.Redirect.DISCARD)
				.start();
			String script = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(process.waitFor()).isZero();
			String database = string(admin, "SELECT DATABASE()");
			execute(admin, "USE mysql");
			for (String statement : script.split(";\n")) {
				if (!statement.isBlank()) {
					execute(admin, statement);
				}
			}
			execute(admin, "USE `" + database + "`");
		}
	}

}
