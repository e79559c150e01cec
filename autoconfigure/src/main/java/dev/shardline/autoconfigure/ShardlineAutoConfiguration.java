package dev.shardline.autoconfigure;

import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import dev.shardline.budget.ConnectionBudget;
import dev.shardline.directory.DirectoryBackfill;
import dev.shardline.directory.DirectoryPlacementCheck;
import dev.shardline.directory.DirectorySync;
import dev.shardline.directory.DirectoryUnavailableException;
import dev.shardline.directory.KeyMover;
import dev.shardline.directory.MoveHistory;
import dev.shardline.id.ShardlineIdGenerator;
import dev.shardline.id.ShardlineIdLayout;
import dev.shardline.id.ShardlineIds;
import dev.shardline.directory.RebalancePlanner;
import dev.shardline.directory.ShardDirectory;
import dev.shardline.rebalance.DrainingDirectory;
import dev.shardline.rebalance.RebalancePlanning;
import dev.shardline.rebalance.RebalanceStore;
import dev.shardline.rebalance.RebalanceThrottle;
import dev.shardline.rebalance.Rebalancer;
import dev.shardline.replication.ReplicationMonitor;
import dev.shardline.ring.HashRing;
import dev.shardline.routing.RouteTaskDecorator;
import dev.shardline.routing.RoutingAdvisor;
import dev.shardline.routing.RoutingPolicy;
import dev.shardline.routing.RoutingStatistics;
import dev.shardline.routing.ShardRouter;
import dev.shardline.routing.ShardRouting;
import dev.shardline.scatter.ScatterListener;
import dev.shardline.scatter.ShardTemplate;
import dev.shardline.routing.ShardRoutingDataSource;
import dev.shardline.routing.ShardlineDataSource;
import dev.shardline.strategy.RangeShardingStrategy;
import dev.shardline.strategy.RingShardingStrategy;
import dev.shardline.strategy.ShardKeyConverter;
import dev.shardline.strategy.ShardingStrategy;
import dev.shardline.topology.NodeSpec;
import dev.shardline.topology.PoolCustomizer;
import dev.shardline.topology.Shard;
import dev.shardline.topology.ShardSpec;
import dev.shardline.topology.Topology;
import dev.shardline.web.ConsistencyToken;
import dev.shardline.web.ReadYourWritesFilter;

import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceInitializationAutoConfiguration;
import org.springframework.boot.sql.autoconfigure.init.ConditionalOnSqlInitialization;
import org.springframework.boot.sql.autoconfigure.init.SqlInitializationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.task.TaskDecorator;
import org.springframework.jdbc.datasource.init.DatabasePopulator;

/**
 * Shardline's auto-configuration: one pool per node, the routing {@link DataSource} (the
 * application's only one), the annotation advisor and the programmatic API. Active when any
 * {@code shardline.*} property is set and {@code shardline.enabled} is not false.
 */
@AutoConfiguration(before = { DataSourceAutoConfiguration.class, DataSourceInitializationAutoConfiguration.class,
		TaskExecutionAutoConfiguration.class })
@Conditional(OnShardlineConfiguredCondition.class)
@ConditionalOnBooleanProperty(name = "shardline.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ShardlineProperties.class)
public final class ShardlineAutoConfiguration {

	/** Cap of the default scatter thread count, whatever the number of shards. */
	static final int MAX_DEFAULT_SCATTER_THREADS = 64;

	@Bean(destroyMethod = "close")
	Topology shardlineTopology(ShardlineProperties properties, ObjectProvider<PoolCustomizer> customizers) {
		ShardlineConfigurationValidator.validate(properties);
		List<PoolCustomizer> ordered = customizers.orderedStream().toList();
		return Topology.create(shardSpecs(properties), properties.effectiveDefaultShard(),
				(config) -> ordered.forEach((customizer) -> customizer.customize(config)));
	}

	/**
	 * HikariCP defaults for every node's pool, under the user's {@code shardline.hikari.*} and
	 * per-node settings: no idle connections kept (minimum-idle 0, so a pool opens nothing
	 * until work needs it and nothing while its node is down), an idle connection retires after
	 * 60 s, and any connection after 30 minutes (Hikari's own default, well under MySQL's
	 * {@code wait_timeout} of 8 hours). The pool's maximum stays Hikari's 10.
	 */
	static final Map<String, String> POOL_DEFAULTS = Map.of("minimum-idle", "0", "idle-timeout", "60000",
			"max-lifetime", "1800000");

	static List<ShardSpec> shardSpecs(ShardlineProperties properties) {
		List<ShardSpec> specs = new ArrayList<>();
		// Natural name order (shard-2 before shard-10): property sources do not all keep
		// declaration order, and the endpoint and health should list shards the same way everywhere.
		Map<String, ShardlineProperties.Shard> ordered = new java.util.TreeMap<>(ShardlineAutoConfiguration::naturalOrder);
		ordered.putAll(properties.getShards());
		ordered.forEach((name, shard) -> {
			List<NodeSpec> replicas = new ArrayList<>();
			for (ShardlineProperties.Replica replica : shard.getReplicas()) {
				replicas.add(nodeSpec(properties, replica, replica.getWeight(), replica.getGroup()));
			}
			specs.add(new ShardSpec(name, shard.getWeight(), nodeSpec(properties, shard.getPrimary(), 0, null),
					replicas));
		});
		return specs;
	}

	static int naturalOrder(String a, String b) {
		int i = 0;
		int j = 0;
		while (i < a.length() && j < b.length()) {
			char ca = a.charAt(i);
			char cb = b.charAt(j);
			if (Character.isDigit(ca) && Character.isDigit(cb)) {
				int endA = i;
				while (endA < a.length() && Character.isDigit(a.charAt(endA))) {
					endA++;
				}
				int endB = j;
				while (endB < b.length() && Character.isDigit(b.charAt(endB))) {
					endB++;
				}
				int compared = new java.math.BigInteger(a.substring(i, endA)).compareTo(new java.math.BigInteger(b.substring(j, endB)));
				if (compared != 0) {
					return compared;
				}
				i = endA;
				j = endB;
			}
			else {
				if (ca != cb) {
					return Character.compare(ca, cb);
				}
				i++;
				j++;
			}
		}
		int byLength = Integer.compare(a.length() - i, b.length() - j);
		return (byLength != 0) ? byLength : a.compareTo(b);
	}

	private static NodeSpec nodeSpec(ShardlineProperties properties, ShardlineProperties.Node node, int weight,
			String group) {
		Map<String, String> hikari = new LinkedHashMap<>();
		// No request waits longer than connect-timeout for a dead or hung node, unless the
		// pool settings say otherwise (Hikari's own default would be 30 s).
		long connectMillis = Math.max(250, properties.getReplication().getConnectTimeout().toMillis());
		hikari.put("connection-timeout", Long.toString(connectMillis));
		hikari.put("validation-timeout", Long.toString(Math.max(250, connectMillis / 2)));
		// Fleet-sized defaults: a pool opens connections on demand and lets idle ones retire,
		// so what an instance holds on a node follows its load, not its configuration.
		hikari.putAll(POOL_DEFAULTS);
		hikari.putAll(properties.getHikari());
		hikari.putAll(node.getHikari());
		return new NodeSpec(node.getUrl(), node.getUsername(), node.getPassword(), hikari, weight, group);
	}

	@Bean
	@ConditionalOnMissingBean
	ShardingStrategy shardingStrategy(ShardlineProperties properties) {
		if (properties.getStrategy() == ShardlineProperties.Strategy.RANGE) {
			return new RangeShardingStrategy(ShardlineConfigurationValidator.rules(properties.getRange()));
		}
		Map<String, Integer> weights = new LinkedHashMap<>();
		properties.getShards().forEach((name, shard) -> weights.put(name, shard.getWeight()));
		Integer virtualNodes = properties.getRing().getVirtualNodes();
		return new RingShardingStrategy((virtualNodes != null) ? new HashRing(weights, virtualNodes)
				: new HashRing(weights));
	}

	@Bean
	RoutingStatistics shardlineRoutingStatistics(Topology topology) {
		return new RoutingStatistics(topology);
	}

	@Bean
	ShardRouter shardRouter(Topology topology, ShardingStrategy strategy, ObjectProvider<ShardKeyConverter> converters,
			ShardlineProperties properties, RoutingStatistics statistics) {
		return new ShardRouter(topology, strategy, converters.orderedStream().toList(), routingPolicy(properties),
				statistics);
	}

	static RoutingPolicy routingPolicy(ShardlineProperties properties) {
		ShardlineProperties.Routing routing = properties.getRouting();
		ShardlineProperties.Replication replication = properties.getReplication();
		RoutingPolicy.Mode mode = switch (routing.getReadYourWrites()) {
			case NONE -> RoutingPolicy.Mode.NONE;
			case SESSION -> RoutingPolicy.Mode.SESSION;
			case GTID -> RoutingPolicy.Mode.GTID;
		};
		Duration gtidWait = Duration.ofMillis(Math.min(100, replication.getCheckInterval().toMillis()));
		return new RoutingPolicy(routing.getMissingKey() == ShardlineProperties.MissingKey.FAIL,
				routing.isTransactionalReadOnly(), replication.getMaxLag(),
				replication.getFallback() == ShardlineProperties.Fallback.FAIL,
				replication.getPrimaryDownReads() == ShardlineProperties.PrimaryDownReads.FAIL, mode,
				routing.getReadYourWritesWindow(), gtidWait, Clock.systemUTC());
	}

	@Bean
	ReplicationMonitor shardlineReplicationMonitor(Topology topology, ShardlineProperties properties) {
		ShardlineProperties.Replication replication = properties.getReplication();
		ReplicationMonitor.Settings settings = new ReplicationMonitor.Settings(
				(replication.getMethod() == ShardlineProperties.LagMethod.HEARTBEAT) ? ReplicationMonitor.Method.HEARTBEAT
						: ReplicationMonitor.Method.REPLICA_STATUS,
				replication.getHeartbeatTable(), replication.isCreateHeartbeatTable(), replication.getMaxLag(),
				replication.getCheckInterval(), replication.getConnectTimeout(), replication.isDiscoverPrimary(),
				properties.getRouting().getReadYourWrites() == ShardlineProperties.ReadYourWrites.GTID);
		return new ReplicationMonitor(topology, settings, Clock.systemUTC(), ReplicationMonitor.newWriterId());
	}

	@Bean
	ConnectionBudget shardlineConnectionBudget(Topology topology, ReplicationMonitor monitor,
			ShardlineProperties properties) {
		return new ConnectionBudget(topology, properties.getExpectedInstances(), monitor::completedChecks,
				properties.getReplication().getCheckInterval());
	}

	@Bean
	ShardlineDataSource dataSource(ShardRouter router, ShardlineProperties properties) {
		return new ShardlineDataSource(new ShardRoutingDataSource(router), true, defaultIsolation(properties));
	}

	private static int defaultIsolation(ShardlineProperties properties) {
		String configured = properties.getHikari().get("transaction-isolation");
		if (configured != null) {
			try {
				return Connection.class.getField(configured.trim().toUpperCase()).getInt(null);
			}
			catch (ReflectiveOperationException ex) {
				// Hikari rejects it with its own message when the pools start.
			}
		}
		// The MySQL and MariaDB default.
		return Connection.TRANSACTION_REPEATABLE_READ;
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static RoutingAdvisor shardlineRoutingAdvisor(ObjectProvider<ShardRouter> router) {
		return new RoutingAdvisor(router);
	}

	@Bean
	ShardRouting shardRouting(ShardRouter router) {
		return new ShardRouting(router);
	}

	@Bean(destroyMethod = "shutdown")
	ScatterThreads shardlineScatterThreads(Topology topology, ShardlineProperties properties) {
		Integer configured = properties.getScatter().getThreads();
		return new ScatterThreads((configured != null) ? configured : defaultScatterThreads(topology.shards().size()));
	}

	/** Two per shard (two scatters at once run every shard in parallel), at least 4, at most 64. */
	static int defaultScatterThreads(int shards) {
		return Math.min(MAX_DEFAULT_SCATTER_THREADS, Math.max(4, 2 * shards));
	}

	@Bean
	ShardTemplate shardTemplate(ShardRouting routing, Topology topology, ShardlineProperties properties,
			ScatterThreads threads, ObjectProvider<ScatterListener> listeners) {
		List<ScatterListener> all = listeners.orderedStream().toList();
		ScatterListener listener = (shards, nanos, failed) -> all.forEach((l) -> l.completed(shards, nanos, failed));
		return new ShardTemplate(routing, topology, threads.executor(), properties.getScatter().getTimeout(), listener);
	}

	/**
	 * The scatter-gather threads. Deliberately not an {@code Executor} bean: one would make
	 * Boot back off its application task executor (and @Async would lose its task decorator).
	 */
	static final class ScatterThreads {

		private final java.util.concurrent.ThreadPoolExecutor executor;

		ScatterThreads(int threads) {
			java.util.concurrent.atomic.AtomicInteger counter = new java.util.concurrent.atomic.AtomicInteger();
			// Bounded threads and queue: a burst of scatters waits for threads rather than creating them.
			this.executor = new java.util.concurrent.ThreadPoolExecutor(threads, threads, 60,
					java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(10_000),
					(runnable) -> {
						Thread thread = new Thread(runnable, "shardline-scatter-" + counter.incrementAndGet());
						thread.setDaemon(true);
						return thread;
					});
			// Threads retire after a minute without scatter work: an idle application keeps none.
			this.executor.allowCoreThreadTimeOut(true);
		}

		java.util.concurrent.Executor executor() {
			return this.executor;
		}

		void shutdown() {
			this.executor.shutdown();
		}

	}

	@Bean
	ShardlineIds shardlineIds(ShardRouter router, Topology topology, ShardlineProperties properties) {
		ShardlineIdLayout layout = ShardlineIdLayout.DEFAULT;
		if (topology.shards().size() > layout.maxShards()) {
			throw new InvalidShardlineConfigurationException(List.of(new ConfigurationProblem("shardline.shards",
					topology.shards().size() + " shards exceed the " + layout.maxShards() + " that Shardline IDs can name",
					"use at most " + layout.maxShards() + " shards")));
		}
		router.setIdShards(layout::shardOf);
		return new ShardlineIds(new ShardlineIdGenerator(layout, properties.getId().getWorkerId(), Clock.systemUTC()),
				router);
	}

	@Bean
	@ConditionalOnMissingBean(TaskDecorator.class)
	RouteTaskDecorator shardlineTaskDecorator() {
		return new RouteTaskDecorator();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(DatabasePopulator.class)
	@ConditionalOnSqlInitialization
	@EnableConfigurationProperties(SqlInitializationProperties.class)
	static class SqlInitializationConfiguration {

		@Bean
		ShardlineScriptDatabaseInitializer shardlineScriptDatabaseInitializer(ShardlineDataSource dataSource,
				SqlInitializationProperties initProperties, ShardRouting routing, Topology topology,
				ShardlineProperties properties) {
			return new ShardlineScriptDatabaseInitializer(dataSource, initProperties, routing,
					properties.getSchema().isAllShards() ? topology.shards() : List.of(topology.defaultShard()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "com.github.benmanes.caffeine.cache.Caffeine")
	@ConditionalOnBooleanProperty("shardline.directory.enabled")
	static class DirectoryConfiguration {

		@Bean
		ShardDirectory shardlineDirectory(ShardRouter router, Topology topology, ShardlineProperties properties) {
			ShardlineProperties.Directory settings = properties.getDirectory();
			String shardName = (settings.getShard() != null) ? settings.getShard() : topology.defaultShard().name();
			Shard shard = topology.shard(shardName);
			ShardDirectory directory = new ShardDirectory(() -> shard, settings.getTable(), settings.getCacheSize(),
					settings.getCacheTtl(), settings.isAssignOnFirstWrite(),
					properties.getReplication().getConnectTimeout());
			if (settings.isCreateTable()) {
				directory.createTable();
			}
			try {
				DirectoryPlacementCheck.check(directory, placement(properties),
						settings.isRefuseUnrecordedPlacementChange());
			}
			catch (DirectoryUnavailableException ex) {
				LogFactory.getLog(ShardlineAutoConfiguration.class)
					.warn("Could not compare the sharding strategy with the directory's placement: " + ex.getMessage());
			}
			List<String> draining = properties.getRebalance().getDraining();
			router.setDirectory(draining.isEmpty() ? directory
					: new DrainingDirectory(directory, weights(properties), virtualNodes(properties), Set.copyOf(draining)));
			return directory;
		}

		static Map<String, Integer> weights(ShardlineProperties properties) {
			Map<String, Integer> weights = new LinkedHashMap<>();
			properties.getShards().forEach((name, shard) -> weights.put(name, shard.getWeight()));
			return weights;
		}

		static int virtualNodes(ShardlineProperties properties) {
			Integer virtualNodes = properties.getRing().getVirtualNodes();
			return (virtualNodes != null) ? virtualNodes : HashRing.DEFAULT_VIRTUAL_NODES;
		}

		/** A description of how keys not in the directory are placed: equal when they would route alike. */
		static String placement(ShardlineProperties properties) {
			if (properties.getStrategy() == ShardlineProperties.Strategy.RANGE) {
				StringBuilder ranges = new StringBuilder("range");
				for (ShardlineProperties.Range range : properties.getRange()) {
					ranges.append(' ').append(range.getFrom()).append("..").append(range.getTo()).append('=')
						.append(range.getShard());
				}
				return ranges.toString();
			}
			Integer virtualNodes = properties.getRing().getVirtualNodes();
			StringBuilder ring = new StringBuilder("ring virtual-nodes=")
				.append((virtualNodes != null) ? virtualNodes : HashRing.DEFAULT_VIRTUAL_NODES);
			new java.util.TreeMap<>(properties.getShards())
				.forEach((name, shard) -> ring.append(' ').append(name).append(':').append(shard.getWeight()));
			return ring.toString();
		}

		@Bean
		DirectoryBackfill shardlineDirectoryBackfill(ShardDirectory directory, DirectorySync sync, ShardRouter router,
				ShardlineProperties properties) {
			ShardlineProperties.Directory settings = properties.getDirectory();
			return new DirectoryBackfill(directory, sync, router, settings.getMoveTables(), settings.getKeyType(),
					settings.getBackfillBatchKeys());
		}

		@Bean
		DirectorySync shardlineDirectorySync(ShardDirectory directory, ShardlineProperties properties,
				ObjectProvider<KeyMover> mover) {
			ShardlineProperties.Directory settings = properties.getDirectory();
			return new DirectorySync(directory, ReplicationMonitor.newWriterId(),
					properties.getReplication().getCheckInterval(), () -> {
						KeyMover available = mover.getIfAvailable();
						if (available != null) {
							available.recoverStalledMoves();
						}
					}, settings.getMoveTimeout());
		}

		@Bean
		KeyMover shardlineKeyMover(ShardDirectory directory, DirectorySync sync, ShardRouter router,
				ShardlineProperties properties, ObjectProvider<KeyMover.StepListener> listener) {
			ShardlineProperties.Directory settings = properties.getDirectory();
			return new KeyMover(directory, sync, router, settings.getMoveTables(),
					new KeyMover.Settings(settings.getMoveTimeout(), settings.getMoveStaleAfter(),
							settings.getMoveBatchRows(), settings.getMoveCopyNiceRatio()),
					new MoveHistory(20), listener.getIfAvailable());
		}

		@Bean
		RebalanceStore shardlineRebalanceStore(ShardDirectory directory) {
			return new RebalanceStore(directory);
		}

		@Bean
		Rebalancer shardlineRebalancer(RebalanceStore store, ShardDirectory directory, DirectorySync sync,
				ShardRouter router, ShardingStrategy strategy, KeyMover mover, ShardlineProperties properties) {
			ShardlineProperties.Rebalance settings = properties.getRebalance();
			RebalancePlanning planning = new RebalancePlanning(directory, router, strategy, weights(properties),
					virtualNodes(properties), Set.copyOf(settings.getDraining()), properties.getDirectory().getMoveTables(),
					properties.getDirectory().getKeyType(), store);
			RebalanceThrottle throttle = new RebalanceThrottle(router.topology(), properties.getReplication().getMaxLag(),
					settings.getLagThrottleFraction());
			return new Rebalancer(store, planning, mover, throttle, sync.instanceId(),
					new Rebalancer.Settings(settings.getWorkers(), settings.getBatchRows(), settings.getBatchKeys(),
							settings.getLease(), properties.getReplication().getCheckInterval(), settings.getNiceRatio()));
		}

		@Bean
		RebalancePlanner shardlineRebalancePlanner(ShardDirectory directory, ShardRouter router,
				ShardlineProperties properties) {
			return new RebalancePlanner(directory, router, properties.getDirectory().getMoveTables());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "org.flywaydb.core.Flyway",
			"org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy" })
	static class FlywayConfiguration {

		@Bean
		@ConditionalOnMissingBean(type = "org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy")
		ShardlineFlywayMigrationStrategy shardlineFlywayMigrationStrategy(ShardRouting routing, Topology topology,
				ShardlineProperties properties) {
			List<String> shards = properties.getSchema().isAllShards()
					? topology.shards().stream().map(Shard::name).toList() : List.of(topology.defaultShard().name());
			return new ShardlineFlywayMigrationStrategy(routing, shards);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "liquibase.integration.spring.SpringLiquibase")
	static class LiquibaseConfiguration {

		@Bean
		static ShardlineLiquibasePostProcessor shardlineLiquibasePostProcessor(ObjectProvider<ShardRouting> routing,
				ObjectProvider<ShardlineProperties> properties) {
			return new ShardlineLiquibasePostProcessor(routing, properties);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "jakarta.servlet.Filter")
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	static class ReadYourWritesWebConfiguration {

		@Bean
		FilterRegistrationBean<ReadYourWritesFilter> shardlineReadYourWritesFilter(ShardRouter router,
				ShardlineProperties properties) {
			ShardlineProperties.Web web = properties.getWeb();
			ConsistencyToken token = null;
			Duration maxAge = properties.getRouting().getReadYourWritesWindow().plusSeconds(60);
			if (web.isConsistencyCookie()) {
				token = new ConsistencyToken(ConsistencyToken.secretFrom(web.getConsistencyCookieSecret()),
						Clock.systemUTC(), maxAge);
			}
			FilterRegistrationBean<ReadYourWritesFilter> registration = new FilterRegistrationBean<>(
					new ReadYourWritesFilter(router, token, web.getConsistencyCookieName(), maxAge));
			registration.setName("shardlineReadYourWritesFilter");
			// Early, so the whole request (and every filter that touches the database) is one unit of work.
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
			registration.setEnabled(properties.getRouting().getReadYourWrites() != ShardlineProperties.ReadYourWrites.NONE);
			return registration;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "jakarta.persistence.EntityManagerFactory")
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	static class OpenInViewWarningConfiguration {

		@Bean
		OpenInViewWarning shardlineOpenInViewWarning(Environment environment, Topology topology) {
			return new OpenInViewWarning(environment, topology.shards().size());
		}

	}

}
