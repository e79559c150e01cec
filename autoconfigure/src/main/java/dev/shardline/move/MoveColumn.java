package dev.shardline.move;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * One column of a {@link MoveTable} as {@code information_schema.COLUMNS} describes it, with
 * the SQL that reads its value in an exact, server-rendered text form and turns that text back
 * into the same stored value.
 * <p>
 * Every value travels as text the server renders and parses itself, never through a JDBC
 * type conversion: integers, {@code DECIMAL}, {@code BIT}, {@code ENUM}/{@code SET} (as their
 * number) and floating point (as the shortest decimal that round-trips the {@code DOUBLE})
 * travel as numbers; temporal values as the server's text (with the session's
 * {@code time_zone} pinned to {@code +00:00} by {@link RowCopier}); strings, binary strings and
 * spatial values (internal format: SRID and WKB) as {@code HEX()}. The same text is what the
 * per-row digest is computed from, so verification sees every bit that is copied.
 */
public final class MoveColumn {

	private static final boolean[] NUMBER = allowed("0123456789+-.eE");

	private static final boolean[] TEMPORAL_TEXT = allowed("0123456789-:. ");

	private static final boolean[] TEXT_FORM_TEXT = allowed("0123456789abcdefABCDEF:.-");

	private static final boolean[] HEX = allowed("0123456789ABCDEF");

	private final String name;

	private final int position;

	private final String dataType;

	private final String columnType;

	private final boolean nullable;

	private final String charset;

	private final String collation;

	private final String generationExpression;

	private final String generation;

	private final boolean autoIncrement;

	private final Kind kind;

	MoveColumn(String name, int position, String dataType, String columnType, boolean nullable, String charset,
			String collation, String generationExpression, String extra) {
		this.name = name;
		this.position = position;
		this.dataType = dataType.toLowerCase(Locale.ROOT);
		this.columnType = columnType;
		this.nullable = nullable;
		this.charset = charset;
		this.collation = collation;
		this.generationExpression = (generationExpression == null || generationExpression.isEmpty()) ? null
				: generationExpression;
		String upper = (extra != null) ? extra.toUpperCase(Locale.ROOT) : "";
		this.generation = (this.generationExpression == null) ? null
				: (upper.contains("STORED") || upper.contains("PERSISTENT")) ? "STORED" : "VIRTUAL";
		this.autoIncrement = upper.contains("AUTO_INCREMENT");
		this.kind = classify(this.dataType);
	}

	/**
	 * The column's name.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Its 1-based position in the table.
	 * @return the ordinal position
	 */
	public int position() {
		return this.position;
	}

	/**
	 * The full type ({@code COLUMN_TYPE}, e.g. {@code bigint(20) unsigned}).
	 * @return the column type
	 */
	public String columnType() {
		return this.columnType;
	}

	/**
	 * The type's name ({@code DATA_TYPE}, lower case, e.g. {@code bigint}).
	 * @return the data type
	 */
	public String dataType() {
		return this.dataType;
	}

	/**
	 * Whether the column accepts NULL.
	 * @return whether it is nullable
	 */
	public boolean nullable() {
		return this.nullable;
	}

	/**
	 * The character set of a character column.
	 * @return the character set or {@code null}
	 */
	public String charset() {
		return this.charset;
	}

	/**
	 * The collation of a character column.
	 * @return the collation or {@code null}
	 */
	public String collation() {
		return this.collation;
	}

	/**
	 * Whether the column is generated ({@code VIRTUAL} or {@code STORED}); generated columns are
	 * never written and not part of the row digest (the server derives them from the others).
	 * @return whether the column is generated
	 */
	public boolean generated() {
		return this.generationExpression != null;
	}

	/**
	 * The generation expression of a generated column.
	 * @return the expression or {@code null}
	 */
	public String generationExpression() {
		return this.generationExpression;
	}

	/**
	 * Whether the column is {@code AUTO_INCREMENT} (its values are copied as they are).
	 * @return whether it is auto-increment
	 */
	public boolean autoIncrement() {
		return this.autoIncrement;
	}

	/**
	 * How values of the column travel.
	 * @return the kind
	 */
	public Kind kind() {
		return this.kind;
	}

	/**
	 * The select expression that renders the column's value exactly, as ASCII text ({@code NULL}
	 * for NULL).
	 * @return the SQL expression
	 */
	public String readExpression() {
		String column = quote(this.name);
		return switch (this.kind) {
			case INTEGER, DECIMAL, TEMPORAL, TEXT_FORM -> "CAST(" + column + " AS CHAR CHARACTER SET ascii)";
			// CAST(float AS CHAR) prints 6 digits; the DOUBLE holding the same value prints the
			// shortest text that reads back to the same bits.
			case FLOATING -> "CAST(CAST(" + column + " AS DOUBLE) AS CHAR CHARACTER SET ascii)";
			case BIT, ENUM_SET -> "CAST(" + column + " + 0 AS CHAR CHARACTER SET ascii)";
			case STRING, BINARY, SPATIAL -> "HEX(" + column + ")";
			case JSON -> "HEX(CAST(" + column + " AS CHAR CHARACTER SET utf8mb4))";
			case UNSUPPORTED -> throw new IllegalStateException("Column " + this.name + " cannot be read exactly");
		};
	}

	/**
	 * The select expression the per-row digest is computed from: the {@link #readExpression()},
	 * except for strings, binary strings, spatial values and JSON, whose raw bytes are hashed
	 * ({@code MD5()} reads them in the column's own encoding, whatever the connection's), so a
	 * large value never has to be rendered as text: {@code HEX()} of a value longer than half
	 * of {@code max_allowed_packet} is NULL.
	 * @return the SQL expression
	 */
	public String digestExpression() {
		String column = quote(this.name);
		return switch (this.kind) {
			// MD5() answers in the connection's character set: cast it like the other parts, or
			// CONCAT_WS refuses the mix of collations
			case STRING, BINARY, SPATIAL -> "CAST(MD5(" + column + ") AS CHAR CHARACTER SET ascii)";
			case JSON -> "CAST(MD5(CAST(" + column + " AS CHAR CHARACTER SET utf8mb4)) AS CHAR CHARACTER SET ascii)";
			default -> readExpression();
		};
	}

	/**
	 * Whether values travel as {@code HEX()} text, which the server turns into NULL (with a
	 * warning) when it would exceed {@code max_allowed_packet}: the copy then reads a NULL
	 * flag too, to tell a real NULL from a value too large to send.
	 * @return whether the value travels as hex
	 */
	boolean travelsAsHex() {
		return this.kind == Kind.STRING || this.kind == Kind.BINARY || this.kind == Kind.SPATIAL
				|| this.kind == Kind.JSON;
	}

	/**
	 * The SQL literal that stores the value {@link #readExpression()} rendered.
	 * @param text the rendered value, {@code null} for NULL
	 * @return the SQL literal
	 * @throws IllegalArgumentException if the text is not what the read expression renders (it
	 * is checked character by character, so no text can change the statement)
	 */
	public String literal(String text) {
		StringBuilder sql = new StringBuilder((text != null) ? text.length() + 32 : 4);
		appendLiteral(sql, text);
		return sql.toString();
	}

	/**
	 * Appends the SQL literal that stores the value {@link #readExpression()} rendered: what
	 * {@link #literal(String)} returns, without building it apart (the copy's hot path).
	 * @param sql the statement being built
	 * @param text the rendered value, {@code null} for NULL
	 * @throws IllegalArgumentException as {@link #literal(String)} does; {@code sql} may then hold
	 * part of the literal
	 */
	void appendLiteral(StringBuilder sql, String text) {
		if (text == null) {
			sql.append("NULL");
			return;
		}
		switch (this.kind) {
			case INTEGER, DECIMAL, FLOATING, BIT, ENUM_SET -> sql.append(checked(text, NUMBER, false));
			case TEMPORAL -> sql.append('\'').append(checked(text, TEMPORAL_TEXT, true)).append('\'');
			case TEXT_FORM -> sql.append('\'').append(checked(text, TEXT_FORM_TEXT, true)).append('\'');
			case STRING -> sql.append('_').append(this.charset).append(" X'").append(checked(text, HEX, true)).append('\'');
			case BINARY, SPATIAL -> sql.append("X'").append(checked(text, HEX, true)).append('\'');
			case JSON -> sql.append("CAST(_utf8mb4 X'").append(checked(text, HEX, true)).append("' AS JSON)");
			case UNSUPPORTED -> throw new IllegalStateException("Column " + this.name + " cannot be written exactly");
		}
	}

	/**
	 * A readable rendering of a value {@link #readExpression()} rendered, for messages.
	 * @param text the rendered value
	 * @return the readable value
	 */
	String display(String text) {
		if (text == null) {
			return "NULL";
		}
		return switch (this.kind) {
			case TEMPORAL, TEXT_FORM -> "'" + text + "'";
			case STRING, JSON -> (this.kind == Kind.JSON || this.charset.toLowerCase(Locale.ROOT).startsWith("utf8"))
					? "'" + new String(HexFormat.of().parseHex(text), StandardCharsets.UTF_8) + "'" : "X'" + text + "'";
			case BINARY, SPATIAL -> "X'" + text + "'";
			default -> text;
		};
	}

	/**
	 * How this column's definition differs from another server's, or {@code null} if it does
	 * not (name, full type, nullability, character set, collation, generation).
	 * @param other the same column on the other server
	 * @return the difference or {@code null}
	 */
	String difference(MoveColumn other) {
		if (!this.name.equalsIgnoreCase(other.name)) {
			return "column " + this.position + " is '" + this.name + "' on the source but '" + other.name
					+ "' on the target";
		}
		if (!this.columnType.equalsIgnoreCase(other.columnType)) {
			return "type " + this.columnType + " on the source but " + other.columnType + " on the target";
		}
		if (this.nullable != other.nullable) {
			return (this.nullable ? "NULL" : "NOT NULL") + " on the source but " + (other.nullable ? "NULL" : "NOT NULL")
					+ " on the target";
		}
		if (!Objects.equals(this.charset, other.charset) || !Objects.equals(this.collation, other.collation)) {
			return "character set/collation " + this.charset + "/" + this.collation + " on the source but "
					+ other.charset + "/" + other.collation + " on the target";
		}
		if (!Objects.equals(this.generationExpression, other.generationExpression)
				|| !Objects.equals(this.generation, other.generation)) {
			return "generated " + describeGeneration() + " on the source but " + other.describeGeneration()
					+ " on the target";
		}
		return null;
	}

	private String describeGeneration() {
		return (this.generationExpression != null) ? "AS (" + this.generationExpression + ") " + this.generation
				: "(not generated)";
	}

	private String checked(String text, boolean[] allowed, boolean emptyAllowed) {
		if (text.isEmpty() && !emptyAllowed) {
			throw new IllegalArgumentException("Empty value read for column " + this.name);
		}
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c >= allowed.length || !allowed[c]) {
				throw new IllegalArgumentException(
						"Unexpected value read for column " + this.name + " (" + this.kind + "): " + text);
			}
		}
		return text;
	}

	/** The characters a rendered value of a kind may hold, as a table indexed by character. */
	private static boolean[] allowed(String characters) {
		boolean[] table = new boolean[128];
		for (int i = 0; i < characters.length(); i++) {
			table[characters.charAt(i)] = true;
		}
		return table;
	}

	/**
	 * Quotes an identifier with backticks.
	 * @param identifier the name
	 * @return the quoted name
	 */
	static String quote(String identifier) {
		return "`" + identifier.replace("`", "``") + "`";
	}

	/**
	 * Classifies a column by its {@code DATA_TYPE}.
	 * @param dataType the data type, e.g. {@code bigint} or {@code inet6}
	 * @return how values of that type travel ({@link Kind#UNSUPPORTED} if the engine cannot
	 * copy them exactly)
	 */
	public static Kind classify(String dataType) {
		return switch (dataType.toLowerCase(Locale.ROOT)) {
			case "tinyint", "smallint", "mediumint", "int", "integer", "bigint" -> Kind.INTEGER;
			case "decimal", "numeric" -> Kind.DECIMAL;
			case "float", "double", "real", "double precision" -> Kind.FLOATING;
			case "bit" -> Kind.BIT;
			case "enum", "set" -> Kind.ENUM_SET;
			case "date", "datetime", "timestamp", "time", "year" -> Kind.TEMPORAL;
			case "char", "varchar", "tinytext", "text", "mediumtext", "longtext" -> Kind.STRING;
			case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob" -> Kind.BINARY;
			case "inet6", "inet4", "uuid" -> Kind.TEXT_FORM;
			case "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
					"geometrycollection", "geomcollection" ->
				Kind.SPATIAL;
			case "json" -> Kind.JSON;
			default -> Kind.UNSUPPORTED;
		};
	}

	@Override
	public String toString() {
		return this.name + " " + this.columnType + (generated() ? " (generated)" : "");
	}

	/** How a column's values are read, written and digested. */
	public enum Kind {

		/** {@code TINYINT}..{@code BIGINT}, signed or unsigned (and {@code BOOLEAN}): decimal text. */
		INTEGER,

		/** {@code DECIMAL}: the server's exact decimal text. */
		DECIMAL,

		/**
		 * {@code FLOAT}/{@code DOUBLE}: the shortest decimal text of the value as a
		 * {@code DOUBLE}, which reads back to the same bits (a {@code FLOAT} is exact as a
		 * {@code DOUBLE}).
		 */
		FLOATING,

		/** {@code BIT(n)}: its unsigned number. */
		BIT,

		/** {@code ENUM}/{@code SET}: the index or bit set number (also keeps ENUM's '' error value). */
		ENUM_SET,

		/**
		 * {@code DATE}, {@code DATETIME}, {@code TIMESTAMP} (in a {@code +00:00} session),
		 * {@code TIME}, {@code YEAR}: the server's text with every fractional digit.
		 */
		TEMPORAL,

		/** Character strings (including MariaDB's {@code JSON}, a {@code LONGTEXT}): the bytes in hex. */
		STRING,

		/** Binary strings and BLOBs: the bytes in hex. */
		BINARY,

		/** MariaDB {@code INET6}, {@code INET4}, {@code UUID}: their canonical text. */
		TEXT_FORM,

		/** Spatial types: the internal format (SRID and WKB) in hex. */
		SPATIAL,

		/** MySQL's binary {@code JSON}: its text in hex (unverified: built for MySQL, tested on MariaDB only). */
		JSON,

		/** A type the engine cannot copy exactly: the table is refused. */
		UNSUPPORTED

	}

}
