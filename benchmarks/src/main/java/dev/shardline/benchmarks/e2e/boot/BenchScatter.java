package dev.shardline.benchmarks.e2e.boot;

import java.time.Duration;

import dev.shardline.benchmarks.e2e.ScatterExecutor;
import dev.shardline.routing.ShardRouting;
import dev.shardline.scatter.ShardTemplate;
import dev.shardline.topology.Topology;

/**
 * Shardline's scatter-gather template on the same executor shape the baseline uses. Built
 * here rather than taken from the context, so the executor is the benchmark's and no
 * application bean of that type is needed.
 */
public final class BenchScatter implements AutoCloseable {

	private final ScatterExecutor executor;

	private final ShardTemplate template;

	BenchScatter(ShardRouting routing, Topology topology, int clientThreads, Duration timeout) {
		this.executor = ScatterExecutor.forClientThreads(clientThreads);
		this.template = new ShardTemplate(routing, topology, this.executor, timeout, null);
	}

	/**
	 * The template.
	 * @return the template, scattering to primaries
	 */
	public ShardTemplate template() {
		return this.template;
	}

	/**
	 * The executor the template runs on.
	 * @return the executor
	 */
	public ScatterExecutor executor() {
		return this.executor;
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

}
