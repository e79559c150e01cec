package dev.shardline.autoconfigure;

import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.shardline.actuate.ShardlineEndpoint;
import dev.shardline.budget.ConnectionBudget;
import dev.shardline.actuate.ShardlineHealthContributor;
import dev.shardline.actuate.RebalanceMetrics;
import dev.shardline.actuate.ShardlineMetrics;
import dev.shardline.directory.DirectorySync;
import dev.shardline.directory.KeyMover;
import dev.shardline.directory.MoveHistory;
import dev.shardline.directory.ShardDirectory;
import dev.shardline.rebalance.Rebalancer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;
import dev.shardline.replication.ReplicationMonitor;
import dev.shardline.routing.MdcRouteObserver;
import dev.shardline.routing.RoutingStatistics;
import dev.shardline.routing.ShardRouter;
import dev.shardline.scatter.ScatterListener;
import dev.shardline.strategy.ShardingStrategy;
import dev.shardline.topology.PoolCustomizer;
import dev.shardline.topology.Topology;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Shardline's observability: the {@code shardline} endpoint, the {@code shardline} health
 * contributor, and meters (Hikari's for every pool, lag and routing counters), each when its
 * part of Actuator or Micrometer is present.
 */
@AutoConfiguration(after = ShardlineAutoConfiguration.class)
@ConditionalOnBean(ShardRouter.class)
public final class ShardlineActuatorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint
		ShardlineEndpoint shardlineEndpoint(ShardRouter router, ShardingStrategy strategy, RoutingStatistics statistics,
				ReplicationMonitor monitor, ObjectProvider<ShardDirectory> directory, ObjectProvider<DirectorySync> sync,
				ObjectProvider<KeyMover> mover, ObjectProvider<ConnectionBudget> budget,
				ObjectProvider<Rebalancer> rebalancer) {
			return new ShardlineEndpoint(router, strategy, statistics, monitor, directory.getIfAvailable(),
					sync.getIfAvailable(), mover.getIfAvailable(), budget.getIfAvailable(), rebalancer.getIfAvailable());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthContributor.class)
	@ConditionalOnEnabledHealthIndicator("shardline")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "shardlineHealthContributor")
		ShardlineHealthContributor shardlineHealthContributor(Topology topology,
				ObjectProvider<ShardDirectory> directory, ObjectProvider<DirectorySync> sync) {
			return new ShardlineHealthContributor(topology, directory.getIfAvailable(), sync.getIfAvailable());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		ShardlineMetrics shardlineMetrics(Topology topology, RoutingStatistics statistics) {
			return new ShardlineMetrics(topology, statistics);
		}

		@Bean
		@ConditionalOnBean(KeyMover.class)
		MeterBinder shardlineMoveMetrics(KeyMover mover) {
			return (registry) -> {
				for (MoveHistory.Outcome outcome : MoveHistory.Outcome.values()) {
					FunctionCounter.builder("shardline.directory.moves", mover.history(), (h) -> h.count(outcome))
						.description("Key moves by outcome: moved, rolled-back, failed")
						.tag("outcome", outcome.tag())
						.register(registry);
				}
			};
		}

		@Bean
		@ConditionalOnBean(Rebalancer.class)
		RebalanceMetrics shardlineRebalanceMetrics(Rebalancer rebalancer) {
			return new RebalanceMetrics(rebalancer);
		}

		@Bean
		ScatterListener shardlineScatterTimer(ObjectProvider<MeterRegistry> registry) {
			return (shards, nanos, failed) -> {
				MeterRegistry available = registry.getIfAvailable();
				if (available != null) {
					io.micrometer.core.instrument.Timer.builder("shardline.scatter")
						.description("Scatter-gather calls over several shards")
						.tag("outcome", failed ? "failed" : "complete")
						.register(available)
						.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "org.slf4j.MDC", "io.micrometer.observation.ObservationRegistry" })
	static class RouteObservationConfiguration {

		@Bean
		MdcRouteObserver shardlineRouteObserver(ShardRouter router, ShardlineProperties properties,
				ObjectProvider<io.micrometer.observation.ObservationRegistry> observations) {
			MdcRouteObserver observer = new MdcRouteObserver(observations.getIfAvailable(),
					properties.getObservability().isMdc());
			router.setRouteObserver(observer);
			return observer;
		}

	}

	/** Hikari metrics for every pool, registered before the pools start (in the main configuration's phase). */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ MeterRegistry.class, MicrometerMetricsTrackerFactory.class })
	static class PoolMetricsConfiguration {

		@Bean
		static PoolCustomizer shardlinePoolMetrics(ObjectProvider<MeterRegistry> registry) {
			return (config) -> {
				MeterRegistry available = registry.getIfAvailable();
				if (available != null && config.getMetricsTrackerFactory() == null
						&& config.getMetricRegistry() == null) {
					config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(available));
				}
			};
		}

	}

}
