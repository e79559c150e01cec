package dev.shardline.benchmarks.e2e;

/**
 * The systems compared; each runs in its own child JVM per repetition.
 */
public enum SystemKind {

	/** Plain HikariCP, one pool per node, the client picking the pool (the baseline). */
	BASELINE("hikari", "plain HikariCP (baseline)"),

	/**
	 * The baseline's pools and calls, made from inside a running Spring Boot application
	 * (Shardline switched off): a reference that tells what running in a Boot JVM costs (its
	 * start-up code shapes the JIT's profiles of the driver and Hikari) apart from what
	 * Shardline adds. Not judged.
	 */
	BOOT_HIKARI("boot-hikari", "Spring Boot app + plain HikariCP pools (reference)"),

	/** Shardline through {@code @ShardKey}/{@code @ReadOnly} on a Spring bean. */
	ANNOTATED("annotated", "Shardline, annotations"),

	/** Shardline through {@code ShardRouting.onShard(key)...get(...)}. */
	PROGRAMMATIC("programmatic", "Shardline, programmatic"),

	/**
	 * Spring Boot with its own single HikariCP data source, no Shardline: a startup reference
	 * only, so what Shardline adds to a Boot application's startup can be told apart from
	 * what Boot itself costs.
	 */
	BOOT_PLAIN("boot-plain", "Spring Boot + one HikariCP pool (startup reference)");

	private final String id;

	private final String label;

	SystemKind(String id, String label) {
		this.id = id;
		this.label = label;
	}

	/**
	 * The short name used in arguments and results.
	 * @return the id
	 */
	public String id() {
		return this.id;
	}

	/**
	 * The name used in reports.
	 * @return the label
	 */
	public String label() {
		return this.label;
	}

	/**
	 * Whether this system runs Shardline, and with it a replication monitor whose probes the
	 * servers count.
	 * @return true for the annotated and programmatic systems
	 */
	boolean shardline() {
		return this == ANNOTATED || this == PROGRAMMATIC;
	}

	static SystemKind of(String id) {
		for (SystemKind kind : values()) {
			if (kind.id.equals(id)) {
				return kind;
			}
		}
		throw new IllegalArgumentException("Unknown system '" + id + "'");
	}

}
