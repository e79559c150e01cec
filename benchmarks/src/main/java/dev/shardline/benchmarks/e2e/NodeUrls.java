package dev.shardline.benchmarks.e2e;

/**
 * The topology's nodes as the parent hands them to a child: system properties named as
 * Shardline's configuration ({@code shardline.shards.shard-0.primary.url}, ...), so a Spring
 * child binds them as they are and the baseline reads the same values.
 */
final class NodeUrls {

	/** Pool size of every node's pool, in every system. */
	static final int POOL_SIZE = 8;

	/** Shardline's default {@code connection-timeout} (its {@code replication.connect-timeout}), mirrored. */
	static final long CONNECTION_TIMEOUT_MILLIS = 2000;

	/** Shardline's default {@code validation-timeout} (half the connection timeout), mirrored. */
	static final long VALIDATION_TIMEOUT_MILLIS = 1000;

	private NodeUrls() {
	}

	static String primaryUrl(int shard) {
		return required("shardline.shards.shard-" + shard + ".primary.url");
	}

	static String replicaUrl(int shard) {
		return required("shardline.shards.shard-" + shard + ".replicas[0].url");
	}

	static String username() {
		return required("shardline.shards.shard-0.primary.username");
	}

	static String password() {
		return required("shardline.shards.shard-0.primary.password");
	}

	private static String required(String name) {
		String value = System.getProperty(name);
		if (value == null) {
			throw new IllegalStateException("System property " + name + " is not set (the parent passes it)");
		}
		return value;
	}

}
