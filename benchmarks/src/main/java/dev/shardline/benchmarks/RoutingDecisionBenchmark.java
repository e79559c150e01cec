package dev.shardline.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.shardline.annotation.ReadOnly;
import dev.shardline.annotation.ShardKey;
import dev.shardline.ring.HashRing;
import dev.shardline.routing.RouteListener;
import dev.shardline.routing.RoutingAdvisor;
import dev.shardline.routing.ShardRouter;
import dev.shardline.routing.ShardRoutingDataSource;
import dev.shardline.strategy.RingShardingStrategy;
import dev.shardline.topology.NodeSpec;
import dev.shardline.topology.ShardSpec;
import dev.shardline.topology.Topology;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;

/**
 * The whole routing decision as a call pays it: the AOP interceptor, key extraction, ring
 * look-up, and the data source's look-up key resolution (the node choice), against the same
 * call without Shardline's advice. No connection is taken: this isolates Shardline's cost.
 * By shard count (each shard a primary and a replica), to show the decision does not grow
 * with it beyond the ring look-up.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoutingDecisionBenchmark {

	@Param({ "2", "16", "256", "1024" })
	public int shards;

	/**
	 * Whether the pools are started, so every read consults its replica's pool figures (busy or
	 * not); {@code -p startedPools=false,true} gives that check's cost as a paired ratio.
	 */
	@Param({ "false" })
	public boolean startedPools;

	private Topology topology;

	private ScheduledExecutorService housekeeping;

	private Repository routed;

	private Repository direct;

	private Repository noopAdvised;

	private long key;

	@Setup(Level.Trial)
	public void setUp() {
		List<ShardSpec> specs = new ArrayList<>();
		Map<String, Integer> weights = new LinkedHashMap<>();
		for (int i = 0; i < this.shards; i++) {
			specs.add(shard("shard-" + i));
			weights.put("shard-" + i, 1);
		}
		// One housekeeping thread for all pools: at 1,024 shards one each would be 2,048 threads.
		this.housekeeping = Executors.newSingleThreadScheduledExecutor();
		this.topology = Topology.create(specs, "shard-0", (config) -> config.setScheduledExecutor(this.housekeeping));
		ShardRouter router = new ShardRouter(this.topology, new RingShardingStrategy(new HashRing(weights)), List.of(),
				false, false, RouteListener.NONE);
		// As the replication monitor leaves healthy replicas: up, fresh.
		for (dev.shardline.topology.ShardNode node : this.topology.nodes()) {
			node.health().lag(0, System.currentTimeMillis(), Long.MAX_VALUE);
			node.health().state(dev.shardline.topology.NodeHealth.State.UP, null);
			if (this.startedPools) {
				try {
					node.pool().getConnection().close();
					while (node.pool().getHikariPoolMXBean().getTotalConnections() < 4) {
						Thread.onSpinWait();
					}
				}
				catch (java.sql.SQLException ex) {
					throw new IllegalStateException(ex);
				}
			}
		}
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerSingleton("router", router);
		LookupKeys lookupKeys = new LookupKeys(router);
		RoutingAdvisor advisor = new RoutingAdvisor(beanFactory.getBeanProvider(ShardRouter.class));
		ProxyFactory factory = new ProxyFactory(new Repository(lookupKeys));
		factory.setProxyTargetClass(true);
		factory.addAdvisor(advisor);
		this.routed = (Repository) factory.getProxy();
		this.direct = new Repository(lookupKeys);
		ProxyFactory noop = new ProxyFactory(new Repository(lookupKeys));
		noop.setProxyTargetClass(true);
		noop.addAdvice((MethodInterceptor) MethodInvocation::proceed);
		this.noopAdvised = (Repository) noop.getProxy();
	}

	private ShardSpec shard(String name) {
		return new ShardSpec(name, 1, node("jdbc:h2:mem:" + name, null),
				List.of(node("jdbc:h2:mem:" + name + "-replica", "default")));
	}

	private NodeSpec node(String url, String group) {
		// Started pools at full size (Hikari's default minimum-idle), so the busy check reads
		// the active count too.
		return new NodeSpec(url, "sa", null, this.startedPools ? Map.of("maximum-pool-size", "4", "minimum-idle", "4")
				: Map.of("minimum-idle", "0"), 1, group);
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.topology.close();
		this.housekeeping.shutdownNow();
	}

	/** A keyed read through Shardline's advice, resolving the node as a connection fetch would. */
	@Benchmark
	public Object routedReadOnly() {
		return this.routed.read(this.key++);
	}

	/** A keyed write through Shardline's advice. */
	@Benchmark
	public Object routedWrite() {
		return this.routed.write(this.key++);
	}

	/**
	 * The same method behind a do-nothing interceptor: what any AOP advice costs (the
	 * invocation object and argument array are the allocation).
	 */
	@Benchmark
	public Object noopAdvice() {
		return this.noopAdvised.read(this.key++);
	}

	/** The same method without Shardline's advice (the look-up key is then the default node). */
	@Benchmark
	public Object unrouted() {
		return this.direct.read(this.key++);
	}

	/** The annotated bean. */
	public static class Repository {

		private final LookupKeys lookupKeys;

		public Repository(LookupKeys lookupKeys) {
			this.lookupKeys = lookupKeys;
		}

		@ReadOnly
		public Object read(@ShardKey long customerId) {
			return this.lookupKeys.current();
		}

		public Object write(@ShardKey long customerId) {
			return this.lookupKeys.current();
		}

	}

	/** Exposes the routing data source's look-up key resolution. */
	public static final class LookupKeys extends ShardRoutingDataSource {

		LookupKeys(ShardRouter router) {
			super(router);
		}

		Object current() {
			return determineCurrentLookupKey();
		}

	}

}
