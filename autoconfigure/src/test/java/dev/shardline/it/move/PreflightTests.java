package dev.shardline.it.move;

import java.sql.Connection;
import java.util.List;

import dev.shardline.move.MoveRefusedException;
import dev.shardline.move.MoveTable;
import dev.shardline.move.RowCopier;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import org.junit.jupiter.api.Test;

import static dev.shardline.it.move.MoveDb.execute;
import static dev.shardline.it.move.MoveDb.open;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tables that cannot be moved safely are refused before anything is written, with a message
 * naming the table, the column and the reason.
 */
@RealTopology(shards = 2, replicas = 0)
class PreflightTests {

	private static final String ADMIN = "admin:";

	private static final String TABLE = "CREATE TABLE `%s` (customer_id BIGINT NOT NULL, order_id BIGINT NOT NULL, "
			+ "amount DECIMAL(10,2) NOT NULL, PRIMARY KEY (customer_id, order_id))";

	@Test
	void missingOnTheTarget(MySqlTopology topology) throws Exception {
		MoveRefusedException refusal = refused(topology, List.of(TABLE), List.of(), "customer_id");
		assertThat(refusal.column()).isNull();
		assertThat(refusal.getMessage()).contains("does not exist in schema '" + topology.database() + "'");
	}

	@Test
	void missingKeyColumn(MySqlTopology topology) throws Exception {
		MoveRefusedException refusal = refused(topology, List.of(TABLE), List.of(TABLE), "tenant_id");
		assertThat(refusal.column()).isEqualTo("tenant_id");
		assertThat(refusal.getMessage()).contains("(column 'tenant_id')", "the key column does not exist");
	}

	@Test
	void differentColumnType(MySqlTopology topology) throws Exception {
		MoveRefusedException refusal = refused(topology, List.of(TABLE),
				List.of(TABLE.replace("DECIMAL(10,2)", "DECIMAL(12,2)")), "customer_id");
		assertThat(refusal.column()).isEqualTo("amount");
		assertThat(refusal.getMessage()).contains("type decimal(10,2) on the source but decimal(12,2) on the target");
	}

	@Test
	void differentNullability(MySqlTopology topology) throws Exception {
		MoveRefusedException refusal = refused(topology, List.of(TABLE),
				List.of(TABLE.replace("(10,2) NOT NULL", "(10,2) NULL")), "customer_id");
		assertThat(refusal.column()).isEqualTo("amount");
		assertThat(refusal.getMessage()).contains("NOT NULL on the source but NULL on the target");
	}

	@Test
	void extraColumnOnTheTarget(MySqlTopology topology) throws Exception {
		MoveRefusedException refusal = refused(topology, List.of(TABLE),
				List.of(TABLE.replace("NOT NULL, PRIMARY", "NOT NULL, note TEXT, PRIMARY")), "customer_id");
		assertThat(refusal.column()).isEqualTo("note");
		assertThat(refusal.getMessage()).contains("exists on the target", "not on the source");
	}

	@Test
	void foreignKey(MySqlTopology topology) throws Exception {
		String parent = "CREATE TABLE `%s_parent` (customer_id BIGINT PRIMARY KEY)";
		String child = TABLE.replace("))", "), CONSTRAINT `%<s_fk` FOREIGN KEY (customer_id) REFERENCES `%<s_parent` "
				+ "(customer_id))");
		MoveRefusedException refusal = refused(topology, List.of(parent, child), List.of(parent, child), "customer_id");
		assertThat(refusal.getMessage()).contains("foreign keys", "_fk", "on the source");
	}

	@Test
	void userTrigger(MySqlTopology topology) throws Exception {
		String trigger = "CREATE TRIGGER `%s_audit` BEFORE DELETE ON `%<s` FOR EACH ROW SET @deleted = 1";
		MoveRefusedException refusal = refused(topology, List.of(TABLE), List.of(TABLE, ADMIN + trigger), "customer_id");
		assertThat(refusal.getMessage()).contains("triggers [", "_audit]", "on the target");
	}

	@Test
	void shardlineTriggersAreAccepted(MySqlTopology topology) throws Exception {
		String table = MoveDb.table("mv_pre");
		String trigger = "CREATE TRIGGER `shardline_fence_" + table + "` BEFORE INSERT ON `" + table
				+ "` FOR EACH ROW SET @fenced = 1";
		try (Connection source = open(topology, 0, ""); Connection target = open(topology, 1, "")) {
			try {
				execute(source, String.format(TABLE, table));
				execute(target, String.format(TABLE, table));
				asAdmin(topology, 0, trigger);
				asAdmin(topology, 1, trigger);
				MoveTable moveTable = new RowCopier(table, "customer_id", 10).preflight(source, target);
				assertThat(moveTable.primaryKey()).containsExactly("customer_id", "order_id");
				assertThat(moveTable.triggers()).containsExactly("shardline_fence_" + table);
			}
			finally {
				execute(source, "DROP TABLE IF EXISTS `" + table + "`");
				execute(target, "DROP TABLE IF EXISTS `" + table + "`");
			}
		}
	}

	@Test
	void oneConnectionCannotBeBothSourceAndTarget(MySqlTopology topology) throws Exception {
		try (Connection both = open(topology, 0, "")) {
			org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
				.isThrownBy(() -> new RowCopier("any", "customer_id", 10).preflight(both, both))
				.withMessage("Source and target must be different connections");
		}
	}

	@Test
	void noPrimaryKey(MySqlTopology topology) throws Exception {
		String heap = "CREATE TABLE `%s` (customer_id BIGINT NOT NULL, amount INT, KEY (customer_id))";
		MoveRefusedException refusal = refused(topology, List.of(heap), List.of(heap), "customer_id");
		assertThat(refusal.getMessage()).contains("has no primary key");
	}

	/** Creating a trigger takes SUPER on a server with binary logging: the harness' administrator. */
	private static void asAdmin(MySqlTopology topology, int shard, String sql) throws Exception {
		try (Connection admin = topology.shard(shard).primary().openAdminConnection()) {
			execute(admin, sql);
		}
	}

	/** Creates the statements (with %s the table; "admin:" first: as the administrator) on each side and expects a refusal naming the table. */
	private static MoveRefusedException refused(MySqlTopology topology, List<String> onSource, List<String> onTarget,
			String keyColumn) throws Exception {
		String table = MoveDb.table("mv_pre");
		try (Connection source = open(topology, 0, ""); Connection target = open(topology, 1, "")) {
			try {
				for (String sql : onSource) {
					execute(source, String.format(sql, table));
				}
				for (String sql : onTarget) {
					if (sql.startsWith(ADMIN)) {
						asAdmin(topology, 1, String.format(sql.substring(ADMIN.length()), table));
					}
					else {
						execute(target, String.format(sql, table));
					}
				}
				MoveRefusedException refusal = assertThatExceptionOfType(MoveRefusedException.class)
					.isThrownBy(() -> new RowCopier(table, keyColumn, 10).preflight(source, target))
					.actual();
				assertThat(refusal.table()).isEqualTo(table);
				assertThat(refusal.getMessage()).startsWith("Cannot move rows of table '" + table + "'");
				return refusal;
			}
			finally {
				for (Connection c : List.of(source, target)) {
					execute(c, "DROP TABLE IF EXISTS `" + table + "`", "DROP TABLE IF EXISTS `" + table + "_parent`");
				}
			}
		}
	}

}
