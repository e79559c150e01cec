package dev.shardline.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.shardline.routing.MdcRouteObserver;
import dev.shardline.routing.RouteReason;
import dev.shardline.topology.NodeSpec;
import dev.shardline.topology.ShardNode;
import dev.shardline.topology.ShardSpec;
import dev.shardline.topology.Topology;
import io.micrometer.observation.ObservationRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What publishing the route to the logging MDC (logback's adapter, as with the starter) and to
 * the current observation costs per routed call: one connection routed, then the route left.
 * Run with {@code -prof gc} for the bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouteObserverBenchmark {

	private Topology topology;

	private ShardNode node;

	private MdcRouteObserver observer;

	@Setup(Level.Trial)
	public void setUp() {
		this.topology = Topology.create(List.of(new ShardSpec("shard-0", 1,
				new NodeSpec("jdbc:h2:mem:observer", "sa", null, Map.of("minimum-idle", "0"), 1, null), List.of())),
				"shard-0", (config) -> {
				});
		this.node = this.topology.shards().get(0).primary();
		this.observer = new MdcRouteObserver(ObservationRegistry.create());
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.topology.close();
	}

	/** A routed call's share: the route published when its connection is routed, removed when it ends. */
	@Benchmark
	public void routedCall() {
		this.observer.connectionRouted(this.node, "primary", RouteReason.WRITE);
		this.observer.routeLeft();
	}

}
