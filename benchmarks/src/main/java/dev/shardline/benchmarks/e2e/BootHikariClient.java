package dev.shardline.benchmarks.e2e;

import java.util.List;

import dev.shardline.benchmarks.e2e.plainboot.PlainBootClient;

/**
 * The {@link SystemKind#BOOT_HIKARI} reference: the baseline's own pools and calls, made in a
 * JVM that also runs a Spring Boot application with Shardline switched off. The application
 * serves no operation; it is there so the JIT sees what it sees in any Boot application.
 */
final class BootHikariClient implements BenchClient {

	private final PlainBootClient application;

	private final HikariClient pools;

	BootHikariClient(PlainBootClient application, HikariClient pools) {
		this.application = application;
		this.pools = pools;
	}

	@Override
	public String selectOnPrimary(long key) {
		return this.pools.selectOnPrimary(key);
	}

	@Override
	public String selectOnReplica(long key) {
		return this.pools.selectOnReplica(key);
	}

	@Override
	public String selectKeyed(long key) {
		return this.pools.selectKeyed(key);
	}

	@Override
	public void insert(long id, long customerId) {
		this.pools.insert(id, customerId);
	}

	@Override
	public long countEverywhere(long customerId) {
		return this.pools.countEverywhere(customerId);
	}

	@Override
	public List<Thread> helperThreads() {
		return this.pools.helperThreads();
	}

	@Override
	public void close() {
		try {
			this.pools.close();
		}
		finally {
			this.application.close();
		}
	}

}
