package dev.shardline.benchmarks.e2e;

/**
 * The end-to-end workloads. Each operation is one statement through {@code JdbcTemplate}
 * (W5: one per shard), routed by a shard key; the routing check knows where each must land.
 */
public enum Workload {

	/** Point select by a key of shard-0, on its primary. */
	W1("point select, primary", false),

	/** {@code @ReadOnly} point select by a key of shard-0, on its replica. */
	W2("@ReadOnly point select, replica", false),

	/** Point select by keys of both shards, each on its shard's primary. */
	W3("keyed point select, 2 shards, primaries", false),

	/** Single-row insert with a unique id, keyed by customer over both shards, on primaries. */
	W4("keyed single-row insert, primaries", false),

	/** Read-only scatter-gather count over both shards (one statement on each replica). */
	W5("scatter-gather count, all shards, replicas", true);

	/** Rows seeded with {@code id = customer_id = 1..SEED_ROWS}, each on the shard of its key. */
	public static final int SEED_ROWS = 20_000;

	public static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS bench_items (id BIGINT PRIMARY KEY, "
			+ "customer_id BIGINT, payload VARCHAR(64), KEY(customer_id))";

	public static final String SELECT_BY_ID = "SELECT payload FROM bench_items WHERE id = ?";

	public static final String INSERT = "INSERT INTO bench_items (id, customer_id, payload) VALUES (?, ?, ?)";

	public static final String COUNT_BY_CUSTOMER = "SELECT COUNT(*) FROM bench_items WHERE customer_id = ?";

	/** The payload every inserted row gets (the same length as the seeded ones). */
	public static final String PAYLOAD = "payload-0123456789-0123456789-0123456789";

	private final String description;

	private final boolean scatter;

	Workload(String description, boolean scatter) {
		this.description = description;
		this.scatter = scatter;
	}

	/**
	 * What the workload does.
	 * @return a short description
	 */
	public String description() {
		return this.description;
	}

	/**
	 * Whether the workload needs the scatter-gather API.
	 * @return {@code true} for W5
	 */
	public boolean scatter() {
		return this.scatter;
	}

	/**
	 * Whether the scatter-gather API ({@code dev.shardline.scatter.ShardTemplate}) is on the
	 * class path, so W5 can run.
	 * @return {@code true} when it is
	 */
	static boolean scatterAvailable() {
		try {
			Class.forName("dev.shardline.scatter.ShardTemplate", false, Workload.class.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException ex) {
			return false;
		}
	}

}
