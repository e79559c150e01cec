package dev.shardline.actuate;

import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import dev.shardline.rebalance.RebalanceProgress;
import dev.shardline.rebalance.Rebalancer;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Rebalance meters (DESIGN.md): {@code shardline.rebalance.keys} and {@code shardline.rebalance.rows}
 * (gauges of the current or last plan, tag {@code state} = {@code done} or {@code total}; every
 * instance reports the plan's figures from the database), and {@code shardline.rebalance.throttled}
 * (timer: the waits of this instance's batches for lagging replicas or down primaries).
 */
public final class RebalanceMetrics implements MeterBinder {

	private final Rebalancer rebalancer;

	/**
	 * Creates the binder.
	 * @param rebalancer the rebalancer
	 */
	public RebalanceMetrics(Rebalancer rebalancer) {
		this.rebalancer = rebalancer;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		gauge(registry, "shardline.rebalance.keys", "Keys of the current rebalance plan", "done",
				RebalanceProgress::keysDone);
		gauge(registry, "shardline.rebalance.keys", "Keys of the current rebalance plan", "total",
				RebalanceProgress::keysTotal);
		gauge(registry, "shardline.rebalance.rows", "Rows of the current rebalance plan", "done",
				RebalanceProgress::rowsDone);
		gauge(registry, "shardline.rebalance.rows", "Rows of the current rebalance plan", "total",
				RebalanceProgress::rowsTotal);
		FunctionTimer
			.builder("shardline.rebalance.throttled", this.rebalancer, Rebalancer::throttleWaits,
					Rebalancer::throttledNanos, TimeUnit.NANOSECONDS)
			.description("Time rebalance batches waited for lagging replicas or a down primary")
			.register(registry);
	}

	private void gauge(MeterRegistry registry, String name, String description, String state,
			ToDoubleFunction<RebalanceProgress> value) {
		Gauge.builder(name, this.rebalancer, (rebalancer) -> {
			try {
				return value.applyAsDouble(rebalancer.progress());
			}
			catch (RuntimeException ex) {
				// The directory cannot be read: no figure rather than a failed scrape.
				return Double.NaN;
			}
		}).description(description).tag("state", state).register(registry);
	}

}
