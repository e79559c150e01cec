package dev.shardline.benchmarks.e2e.boot;

import java.util.List;
import java.util.Map;

import dev.shardline.benchmarks.e2e.BenchClient;
import dev.shardline.benchmarks.e2e.Workload;
import dev.shardline.routing.ShardRouting;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Starts the Spring Boot application and exposes it as a {@link BenchClient}, either through
 * the annotated bean or through the programmatic API.
 */
public final class ShardlineClients {

	private ShardlineClients() {
	}

	/**
	 * Starts the application; the nodes come from {@code shardline.shards.*} system properties.
	 * @param clientThreads the client threads (sizes the scatter executor)
	 * @param programmatic {@code true}: calls go through {@code ShardRouting}, else through
	 * the annotated {@link ItemRepository}
	 * @return the running client; closing it closes the application
	 */
	public static BenchClient start(int clientThreads, boolean programmatic) {
		ConfigurableApplicationContext context = startContext(clientThreads);
		try {
			return programmatic ? new Programmatic(context) : new Annotated(context);
		}
		catch (RuntimeException ex) {
			context.close();
			throw ex;
		}
	}

	/**
	 * Starts the application itself; the nodes come from {@code shardline.shards.*} system
	 * properties.
	 * @param clientThreads the client threads (sizes the scatter executor)
	 * @return the running application
	 */
	public static ConfigurableApplicationContext startContext(int clientThreads) {
		return new SpringApplicationBuilder(BenchApplication.class).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(Map.of("shardline.hikari.maximum-pool-size", "8", "bench.client-threads",
					Integer.toString(clientThreads)))
			.run();
	}

	private abstract static class ContextClient implements BenchClient {

		final ConfigurableApplicationContext context;

		final BenchScatter scatter;

		ContextClient(ConfigurableApplicationContext context) {
			this.context = context;
			this.scatter = context.getBean(BenchScatter.class);
		}

		@Override
		public List<Thread> helperThreads() {
			return this.scatter.executor().threads();
		}

		@Override
		public void close() {
			this.context.close();
		}

	}

	/** Through the annotated bean: {@code @ShardKey}, {@code @ReadOnly}. */
	private static final class Annotated extends ContextClient {

		private final ItemRepository items;

		Annotated(ConfigurableApplicationContext context) {
			super(context);
			this.items = context.getBean(ItemRepository.class);
		}

		@Override
		public String selectOnPrimary(long key) {
			return this.items.find(key);
		}

		@Override
		public String selectOnReplica(long key) {
			return this.items.findReadOnly(key);
		}

		@Override
		public String selectKeyed(long key) {
			return this.items.find(key);
		}

		@Override
		public void insert(long id, long customerId) {
			this.items.insert(id, customerId, Workload.PAYLOAD);
		}

		@Override
		public long countEverywhere(long customerId) {
			return this.items.countEverywhere(customerId);
		}

	}

	/** Through {@code shardRouting.onShard(key)...}, as code that cannot be annotated does. */
	private static final class Programmatic extends ContextClient {

		private final ShardRouting routing;

		private final JdbcTemplate jdbc;

		Programmatic(ConfigurableApplicationContext context) {
			super(context);
			this.routing = context.getBean(ShardRouting.class);
			this.jdbc = context.getBean(JdbcTemplate.class);
		}

		@Override
		public String selectOnPrimary(long key) {
			return this.routing.onShard(key)
				.get(() -> this.jdbc.queryForObject(Workload.SELECT_BY_ID, String.class, key));
		}

		@Override
		public String selectOnReplica(long key) {
			return this.routing.onShard(key)
				.readOnly()
				.get(() -> this.jdbc.queryForObject(Workload.SELECT_BY_ID, String.class, key));
		}

		@Override
		public String selectKeyed(long key) {
			return selectOnPrimary(key);
		}

		@Override
		public void insert(long id, long customerId) {
			this.routing.onShard(customerId)
				.run(() -> this.jdbc.update(Workload.INSERT, id, customerId, Workload.PAYLOAD));
		}

		@Override
		public long countEverywhere(long customerId) {
			return this.scatter.template()
				.readOnly()
				.sumLong(this.jdbc, Workload.COUNT_BY_CUSTOMER, customerId)
				.value();
		}

	}

}
