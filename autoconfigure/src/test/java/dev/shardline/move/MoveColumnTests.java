package dev.shardline.move;

import java.util.List;

import dev.shardline.move.MoveColumn.Kind;
import dev.shardline.move.RowCopier.RowDigest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The pure logic of the move engine: how a column type travels, the literals built from what
 * the server rendered (checked so that no value can change a statement), definition
 * differences and primary-key matching.
 */
class MoveColumnTests {

	@Test
	void classifiesEveryTypeByDataType() {
		assertThat(List.of("tinyint", "SMALLINT", "mediumint", "int", "bigint")).allMatch((t) -> MoveColumn.classify(t) == Kind.INTEGER);
		assertThat(MoveColumn.classify("decimal")).isEqualTo(Kind.DECIMAL);
		assertThat(List.of("float", "double")).allMatch((t) -> MoveColumn.classify(t) == Kind.FLOATING);
		assertThat(MoveColumn.classify("bit")).isEqualTo(Kind.BIT);
		assertThat(List.of("enum", "set")).allMatch((t) -> MoveColumn.classify(t) == Kind.ENUM_SET);
		assertThat(List.of("date", "datetime", "timestamp", "time", "year"))
			.allMatch((t) -> MoveColumn.classify(t) == Kind.TEMPORAL);
		assertThat(List.of("char", "varchar", "tinytext", "text", "mediumtext", "longtext"))
			.allMatch((t) -> MoveColumn.classify(t) == Kind.STRING);
		assertThat(List.of("binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"))
			.allMatch((t) -> MoveColumn.classify(t) == Kind.BINARY);
		assertThat(List.of("inet6", "inet4", "uuid")).allMatch((t) -> MoveColumn.classify(t) == Kind.TEXT_FORM);
		assertThat(List.of("point", "geometry", "polygon", "geomcollection", "geometrycollection"))
			.allMatch((t) -> MoveColumn.classify(t) == Kind.SPATIAL);
		assertThat(MoveColumn.classify("json")).isEqualTo(Kind.JSON);
		assertThat(MoveColumn.classify("vector")).isEqualTo(Kind.UNSUPPORTED);
	}

	@Test
	void readsEachKindInItsExactForm() {
		assertThat(column("f", "float", "float").readExpression())
			.isEqualTo("CAST(CAST(`f` AS DOUBLE) AS CHAR CHARACTER SET ascii)");
		assertThat(column("b", "bit", "bit(64)").readExpression()).isEqualTo("CAST(`b` + 0 AS CHAR CHARACTER SET ascii)");
		assertThat(column("t", "timestamp", "timestamp(6)").readExpression())
			.isEqualTo("CAST(`t` AS CHAR CHARACTER SET ascii)");
		assertThat(column("we`ird", "blob", "blob").readExpression()).isEqualTo("HEX(`we``ird`)");
	}

	@Test
	void digestsLargeKindsByTheMd5OfTheirBytes() {
		assertThat(column("b", "longblob", "longblob").digestExpression())
			.isEqualTo("CAST(MD5(`b`) AS CHAR CHARACTER SET ascii)");
		assertThat(column("s", "varchar", "varchar(10)").travelsAsHex()).isTrue();
		assertThat(column("t", "datetime", "datetime(6)").digestExpression())
			.isEqualTo(column("t", "datetime", "datetime(6)").readExpression());
		assertThat(column("t", "datetime", "datetime(6)").travelsAsHex()).isFalse();
	}

	@Test
	void buildsLiteralsFromRenderedValues() {
		assertThat(column("n", "bigint", "bigint(20) unsigned").literal("18446744073709551615"))
			.isEqualTo("18446744073709551615");
		assertThat(column("f", "float", "float").literal("-3.4028234663852886e38")).isEqualTo("-3.4028234663852886e38");
		assertThat(column("t", "time", "time(6)").literal("-838:59:59.000000")).isEqualTo("'-838:59:59.000000'");
		assertThat(column("s", "varchar", "varchar(10)").literal("F09F9880")).isEqualTo("_utf8mb4 X'F09F9880'");
		assertThat(column("s", "varchar", "varchar(10)").literal("")).isEqualTo("_utf8mb4 X''");
		assertThat(column("b", "blob", "blob").literal("")).isEqualTo("X''");
		assertThat(column("u", "uuid", "uuid").literal("123e4567-e89b-12d3-a456-426614174000"))
			.isEqualTo("'123e4567-e89b-12d3-a456-426614174000'");
		assertThat(column("j", "json", "json").literal("5B5D")).isEqualTo("CAST(_utf8mb4 X'5B5D' AS JSON)");
		assertThat(column("x", "int", "int(11)").literal(null)).isEqualTo("NULL");
	}

	@Test
	void refusesTextThatCouldChangeTheStatement() {
		assertThatIllegalArgumentException().isThrownBy(() -> column("n", "int", "int(11)").literal("1); DROP TABLE t; --"));
		assertThatIllegalArgumentException().isThrownBy(() -> column("n", "int", "int(11)").literal(""));
		assertThatIllegalArgumentException().isThrownBy(() -> column("t", "datetime", "datetime").literal("2026-01-01' OR '1"));
		assertThatIllegalArgumentException().isThrownBy(() -> column("s", "text", "text").literal("41'"));
		assertThatIllegalArgumentException().isThrownBy(() -> column("i", "inet6", "inet6").literal("::1' --"));
	}

	@Test
	void showsValuesReadably() {
		assertThat(column("s", "varchar", "varchar(10)").display("6162632020")).isEqualTo("'abc  '");
		assertThat(column("b", "varbinary", "varbinary(4)").display("00FF")).isEqualTo("X'00FF'");
		assertThat(column("t", "timestamp", "timestamp(6)").display("2026-03-08 02:30:00.257055"))
			.isEqualTo("'2026-03-08 02:30:00.257055'");
		assertThat(column("t", "timestamp", "timestamp(6)").display(null)).isEqualTo("NULL");
	}

	@Test
	void namesHowDefinitionsDiffer() {
		MoveColumn amount = column("amount", "decimal", "decimal(10,2)");
		assertThat(amount.difference(column("amount", "decimal", "decimal(10,2)"))).isNull();
		assertThat(amount.difference(column("amount", "decimal", "decimal(12,2)")))
			.isEqualTo("type decimal(10,2) on the source but decimal(12,2) on the target");
		assertThat(amount.difference(column("total", "decimal", "decimal(10,2)"))).contains("'amount'", "'total'");
		MoveColumn virtual = new MoveColumn("g", 2, "int", "int(11)", true, null, null, "`a` * 2", "VIRTUAL GENERATED");
		MoveColumn stored = new MoveColumn("g", 2, "int", "int(11)", true, null, null, "`a` * 2", "STORED GENERATED");
		assertThat(virtual.generated()).isTrue();
		assertThat(virtual.difference(stored)).isEqualTo("generated AS (`a` * 2) VIRTUAL on the source but AS (`a` * 2) "
				+ "STORED on the target");
		// MySQL reports '' for an ordinary column's expression, MariaDB NULL: both mean "not generated"
		assertThat(new MoveColumn("c", 1, "int", "int(11)", true, null, null, "", "").generated()).isFalse();
		assertThat(new MoveColumn("c", 1, "int", "int(11)", false, null, null, null, "auto_increment").autoIncrement())
			.isTrue();
	}

	@Test
	void matchesRowsByPrimaryKeyWithExactLiterals() {
		MoveColumn k = column("k", "bigint", "bigint(20)");
		MoveColumn name = column("name", "varchar", "varchar(10)");
		List<RowDigest> rows = List.of(new RowDigest("1,61", new String[] { "1", "61" }, "d1"),
				new RowDigest("1,", new String[] { "1", "" }, "d2"));
		assertThat(RowCopier.match(List.of(k, name), rows))
			.isEqualTo("(`k` = 1 AND `name` = _utf8mb4 X'61') OR (`k` = 1 AND `name` = _utf8mb4 X'')");
		assertThat(RowCopier.match(List.of(k), List.of(new RowDigest("5", new String[] { "5" }, "d"),
				new RowDigest("6", new String[] { "6" }, "d"))))
			.isEqualTo("`k` IN (5, 6)");
	}

	private static MoveColumn column(String name, String dataType, String columnType) {
		boolean text = MoveColumn.classify(dataType) == Kind.STRING;
		return new MoveColumn(name, 1, dataType, columnType, true, text ? "utf8mb4" : null,
				text ? "utf8mb4_general_ci" : null, null, "");
	}

}
