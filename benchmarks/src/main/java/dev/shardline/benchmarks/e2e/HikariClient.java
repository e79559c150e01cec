package dev.shardline.benchmarks.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.shardline.ring.HashRing;
import dev.shardline.ring.ShardKeys;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The baseline: one plain HikariCP pool per node, configured as Shardline configures its
 * pools, and the client choosing the pool itself with the same ring. The statements run
 * through {@code JdbcTemplate} as in the Shardline systems, so only routing differs.
 */
final class HikariClient implements BenchClient {

	private final HashRing ring = Keys.ring();

	/** Our shard index for each of the ring's shard indexes (the ring keeps its map's order). */
	private final int[] shardOfRingIndex = this.ring.shardNames().stream().mapToInt(Keys.SHARDS::indexOf).toArray();

	private final List<HikariDataSource> pools = new ArrayList<>();

	private final JdbcTemplate[] primaries = new JdbcTemplate[2];

	private final JdbcTemplate[] replicas = new JdbcTemplate[2];

	private final ScatterExecutor executor;

	HikariClient(int clientThreads) {
		for (int shard = 0; shard < 2; shard++) {
			this.primaries[shard] = new JdbcTemplate(pool("shard-" + shard + "-primary", NodeUrls.primaryUrl(shard)));
			this.replicas[shard] = new JdbcTemplate(pool("shard-" + shard + "-replica-0", NodeUrls.replicaUrl(shard)));
		}
		this.executor = ScatterExecutor.forClientThreads(clientThreads);
	}

	private HikariDataSource pool(String name, String url) {
		HikariConfig config = new HikariConfig();
		config.setPoolName(name);
		config.setJdbcUrl(url);
		config.setUsername(NodeUrls.username());
		config.setPassword(NodeUrls.password());
		config.setMaximumPoolSize(NodeUrls.POOL_SIZE);
		config.setConnectionTimeout(NodeUrls.CONNECTION_TIMEOUT_MILLIS);
		config.setValidationTimeout(NodeUrls.VALIDATION_TIMEOUT_MILLIS);
		// As Shardline's pools: no first connection at construction.
		config.setInitializationFailTimeout(-1);
		HikariDataSource pool = new HikariDataSource(config);
		this.pools.add(pool);
		return pool;
	}

	private JdbcTemplate primaryFor(long key) {
		// The same ring and key hash as Shardline, without boxing the key: the strictest baseline.
		return this.primaries[this.shardOfRingIndex[this.ring.indexForHash(ShardKeys.hash(key))]];
	}

	@Override
	public String selectOnPrimary(long key) {
		return this.primaries[0].queryForObject(Workload.SELECT_BY_ID, String.class, key);
	}

	@Override
	public String selectOnReplica(long key) {
		return this.replicas[0].queryForObject(Workload.SELECT_BY_ID, String.class, key);
	}

	@Override
	public String selectKeyed(long key) {
		return primaryFor(key).queryForObject(Workload.SELECT_BY_ID, String.class, key);
	}

	@Override
	public void insert(long id, long customerId) {
		primaryFor(customerId).update(Workload.INSERT, id, customerId, Workload.PAYLOAD);
	}

	/** An insert on shard-0's primary without the ring (for {@link Breakdown}). */
	void insertOnShard0(long id, long customerId) {
		this.primaries[0].update(Workload.INSERT, id, customerId, Workload.PAYLOAD);
	}

	@Override
	public long countEverywhere(long customerId) {
		Future<Long> first = this.executor
			.submit(() -> this.replicas[0].queryForObject(Workload.COUNT_BY_CUSTOMER, Long.class, customerId));
		Future<Long> second = this.executor
			.submit(() -> this.replicas[1].queryForObject(Workload.COUNT_BY_CUSTOMER, Long.class, customerId));
		try {
			return first.get(10, TimeUnit.SECONDS) + second.get(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Scatter failed", ex);
		}
	}

	@Override
	public List<Thread> helperThreads() {
		return this.executor.threads();
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
		this.pools.forEach(HikariDataSource::close);
	}

}
