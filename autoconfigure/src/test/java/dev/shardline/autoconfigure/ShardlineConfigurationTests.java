package dev.shardline.autoconfigure;

import javax.sql.DataSource;

import dev.shardline.routing.ShardlineDataSource;
import dev.shardline.topology.Topology;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Activation, and every kind of bad configuration failing startup with its full property
 * path and a fix (never a password).
 */
class ShardlineConfigurationTests {

	private static final String SECRET = "Zebra-Cobalt-7731";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ShardlineAutoConfiguration.class, DataSourceAutoConfiguration.class));

	private static String[] twoShards() {
		return new String[] { "shardline.shards.shard-0.primary.url=jdbc:h2:mem:cfg0", "shardline.shards.shard-0.primary.username=sa",
				"shardline.shards.shard-1.primary.url=jdbc:h2:mem:cfg1", "shardline.shards.shard-1.primary.username=sa",
				"shardline.shards.shard-1.replicas[0].url=jdbc:h2:mem:cfg1r", "shardline.shards.shard-1.replicas[0].username=sa" };
	}

	@Test
	void inactiveWithoutShardlineProperties() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(Topology.class)
			.doesNotHaveBean(ShardlineDataSource.class));
	}

	@Test
	void offWhenDisabled() {
		this.runner.withPropertyValues(twoShards())
			.withPropertyValues("shardline.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(Topology.class));
	}

	@Test
	void oneDataSourceWithAPoolPerNode() {
		this.runner.withPropertyValues(twoShards()).run((context) -> {
			assertThat(context).hasSingleBean(DataSource.class);
			assertThat(context.getBean(DataSource.class)).isInstanceOf(ShardlineDataSource.class);
			assertThat(context.getBean(Topology.class).nodes()).extracting((node) -> node.pool().getPoolName())
				.containsExactly("shardline-shard-0-primary", "shardline-shard-1-primary", "shardline-shard-1-replica-0");
		});
	}

	@Test
	void shardsAreListedInNaturalNameOrder() {
		this.runner.withPropertyValues("shardline.shards.shard-10.primary.url=jdbc:h2:mem:o10",
				"shardline.shards.shard-2.primary.url=jdbc:h2:mem:o2", "shardline.shards.shard-1.primary.url=jdbc:h2:mem:o1")
			.run((context) -> assertThat(context.getBean(Topology.class).shards()).extracting((shard) -> shard.name())
				.containsExactly("shard-1", "shard-2", "shard-10"));
	}

	@Test
	void perNodeHikariSettingsOverrideTheDefaults() {
		this.runner.withPropertyValues(twoShards())
			.withPropertyValues("shardline.hikari.maximum-pool-size=3",
					"shardline.shards.shard-1.replicas[0].hikari.maximum-pool-size=7",
					"shardline.shards.shard-1.replicas[0].hikari.connection-timeout=1500")
			.run((context) -> {
				Topology topology = context.getBean(Topology.class);
				assertThat(topology.shard("shard-0").primary().pool().getMaximumPoolSize()).isEqualTo(3);
				assertThat(topology.shard("shard-1").replicas().get(0).pool().getMaximumPoolSize()).isEqualTo(7);
				assertThat(topology.shard("shard-1").replicas().get(0).pool().getConnectionTimeout()).isEqualTo(1500);
			});
	}

	@Test
	void poolsOpenConnectionsOnDemandAndRetireIdleOnesUnlessConfiguredOtherwise() {
		this.runner.withPropertyValues(twoShards())
			.withPropertyValues("shardline.hikari.idle-timeout=120000",
					"shardline.shards.shard-1.replicas[0].hikari.minimum-idle=2",
					"shardline.shards.shard-1.replicas[0].hikari.data-source-properties.cachePrepStmts=true")
			.run((context) -> {
				Topology topology = context.getBean(Topology.class);
				com.zaxxer.hikari.HikariDataSource primary = topology.shard("shard-0").primary().pool();
				assertThat(primary.getMinimumIdle()).isZero();
				assertThat(primary.getIdleTimeout()).isEqualTo(120_000);
				assertThat(primary.getMaxLifetime()).isEqualTo(1_800_000);
				assertThat(primary.getMaximumPoolSize()).isEqualTo(10);
				assertThat(primary.getHikariPoolMXBean().getTotalConnections()).isZero();
				com.zaxxer.hikari.HikariDataSource replica = topology.shard("shard-1").replicas().get(0).pool();
				assertThat(replica.getMinimumIdle()).isEqualTo(2);
				assertThat(replica.getIdleTimeout()).isEqualTo(120_000);
				assertThat(replica.getDataSourceProperties()).containsEntry("cachePrepStmts", "true");
				assertThat(topology.shard("shard-1").primary().pool().getDataSourceProperties()).isEmpty();
				dev.shardline.budget.ConnectionBudget budget = context.getBean(dev.shardline.budget.ConnectionBudget.class);
				assertThat(budget.expectedInstances()).isEqualTo(1);
				assertThat(budget.perInstance(topology.shard("shard-0").primary())).isEqualTo(11);
				// H2 has no max_connections: once reached, the node is recorded as not reporting it (and not
				// asked again). (shard-1's nodes are down here: the monitor's heartbeat SQL is MySQL's.)
				org.awaitility.Awaitility.await()
					.atMost(java.time.Duration.ofSeconds(20))
					.until(() -> budget.limits(topology.shard("shard-0").primary()) != null);
				assertThat(budget.limits(topology.shard("shard-0").primary()).maxConnections()).isEqualTo(-1);
			});
	}

	@Test
	void shardlinePropertiesButNoShards() {
		assertFailure(this.runner.withPropertyValues("shardline.routing.missing-key=fail"), "shardline.shards",
				"no shards are configured");
	}

	@Test
	void nodeWithoutUrl() {
		assertFailure(this.runner.withPropertyValues("shardline.shards.shard-0.primary.url=jdbc:h2:mem:u0",
				"shardline.shards.shard-1.primary.url=jdbc:h2:mem:u1", "shardline.shards.shard-1.replicas[0].username=app"),
				"shardline.shards.shard-1.replicas[0].url", "the url is missing");
		assertFailure(this.runner.withPropertyValues("shardline.shards.shard-0.weight=1"),
				"shardline.shards.shard-0.primary.url", "no primary");
	}

	@Test
	void defaultShardMustExist() {
		assertFailure(this.runner.withPropertyValues(twoShards()).withPropertyValues("shardline.default-shard=shard-9"),
				"shardline.default-shard", "shard-9");
	}

	@Test
	void duplicateUrlsNameBothNodesButNoPassword() {
		assertFailure(this.runner.withPropertyValues(
				"shardline.shards.shard-0.primary.url=jdbc:mysql://db1:3306/app?password=" + SECRET,
				"shardline.shards.shard-1.primary.url=jdbc:mysql://db1:3306/app?password=" + SECRET),
				"shardline.shards.shard-1.primary.url", "shardline.shards.shard-0.primary");
	}

	@Test
	void copyPacingDefaultsToTheMoverDefault() {
		assertThat(new ShardlineProperties().getDirectory().getMoveCopyNiceRatio())
			.isEqualTo(dev.shardline.move.CopyPacer.DEFAULT_NICE_RATIO);
	}

	@Test
	void zeroAndNegativeSizes() {
		assertFailure(this.runner.withPropertyValues(twoShards()).withPropertyValues("shardline.shards.shard-0.weight=0"),
				"shardline.shards.shard-0.weight", "at least 1");
		assertFailure(this.runner.withPropertyValues(twoShards())
			.withPropertyValues("shardline.shards.shard-1.replicas[0].weight=-2"), "shardline.shards.shard-1.replicas[0].weight",
				"at least 1");
		assertFailure(this.runner.withPropertyValues(twoShards()).withPropertyValues("shardline.ring.virtual-nodes=0"),
				"shardline.ring.virtual-nodes", "at least 1");
		assertFailure(this.runner.withPropertyValues(twoShards())
			.withPropertyValues("shardline.shards.shard-1.primary.hikari.maximum-pool-size=0"),
				"shardline.shards.shard-1.primary.hikari.maximum-pool-size", "cannot be less than 1");
		assertFailure(this.runner.withPropertyValues(twoShards()).withPropertyValues("shardline.hikari.minimum-idle=-1"),
				"shardline.hikari.minimum-idle", "negative");
		assertFailure(this.runner.withPropertyValues(twoShards()).withPropertyValues("shardline.expected-instances=0"),
				"shardline.expected-instances", "at least 1");
		assertFailure(this.runner.withPropertyValues(twoShards())
			.withPropertyValues("shardline.directory.enabled=true", "shardline.directory.move-copy-nice-ratio=-0.5"),
				"shardline.directory.move-copy-nice-ratio", "at least 0");
	}

	@Test
	void rebalanceSizesFractionLeaseAndDrainingShards() {
		ApplicationContextRunner directory = this.runner.withPropertyValues(twoShards())
			.withPropertyValues("shardline.directory.enabled=true");
		assertFailure(directory.withPropertyValues("shardline.rebalance.workers=0"), "shardline.rebalance.workers",
				"at least 1");
		assertFailure(directory.withPropertyValues("shardline.rebalance.batch-rows=-5"), "shardline.rebalance.batch-rows",
				"at least 1");
		assertFailure(directory.withPropertyValues("shardline.rebalance.batch-keys=0"), "shardline.rebalance.batch-keys",
				"at least 1");
		assertFailure(directory.withPropertyValues("shardline.rebalance.lag-throttle-fraction=0"),
				"shardline.rebalance.lag-throttle-fraction", "above 0 and at most 1");
		assertFailure(directory.withPropertyValues("shardline.rebalance.lag-throttle-fraction=1.5"),
				"shardline.rebalance.lag-throttle-fraction", "above 0 and at most 1");
		assertFailure(directory.withPropertyValues("shardline.rebalance.nice-ratio=-1"),
				"shardline.rebalance.nice-ratio", "at least 0");
		assertFailure(directory.withPropertyValues("shardline.rebalance.lease=0s"), "shardline.rebalance.lease",
				"must be positive");
		assertFailure(directory.withPropertyValues("shardline.rebalance.draining=shard-7"),
				"shardline.rebalance.draining", "'shard-7', which is not configured");
		assertFailure(directory.withPropertyValues("shardline.rebalance.draining=shard-0,shard-1"),
				"shardline.rebalance.draining", "drains every shard");
	}

	@Test
	void unknownOrMalformedHikariSettings() {
		assertFailure(this.runner.withPropertyValues(twoShards())
			.withPropertyValues("shardline.shards.shard-0.primary.hikari.maximum-pool-sise=5"),
				"shardline.shards.shard-0.primary.hikari.maximum-pool-sise", "not a HikariCP setting");
		assertFailure(this.runner.withPropertyValues(twoShards())
			.withPropertyValues("shardline.shards.shard-0.primary.hikari.maximum-pool-size=many"),
				"shardline.shards.shard-0.primary.hikari.maximum-pool-size", "cannot be applied");
	}

	@Test
	void unknownEnumValueNamesTheProperty() {
		this.runner.withPropertyValues(twoShards()).withPropertyValues("shardline.strategy=modulo").run((context) -> {
			assertThat(context).hasFailed();
			BindException bind = findCause(context.getStartupFailure(), BindException.class);
			assertThat(bind).isNotNull();
			assertThat(bind.getProperty().getName().toString()).isEqualTo("shardline.strategy");
		});
		this.runner.withPropertyValues(twoShards()).withPropertyValues("shardline.routing.missing-key=explode").run(
				(context) -> assertThat(findCause(context.getStartupFailure(), BindException.class).getProperty().getName())
					.hasToString("shardline.routing.missing-key"));
	}

	@Test
	void rangeGapsOverlapsAndUnknownShards() {
		String[] base = { "shardline.strategy=range" };
		assertFailure(this.runner.withPropertyValues(twoShards()).withPropertyValues(base)
			.withPropertyValues("shardline.range[0].from=0", "shardline.range[0].to=100", "shardline.range[0].shard=shard-0",
					"shardline.range[1].from=200", "shardline.range[1].shard=shard-1"),
				"shardline.range[1]", "gap");
		assertFailure(this.runner.withPropertyValues(twoShards()).withPropertyValues(base)
			.withPropertyValues("shardline.range[0].from=0", "shardline.range[0].to=100", "shardline.range[0].shard=shard-0",
					"shardline.range[1].from=50", "shardline.range[1].shard=shard-1"),
				"shardline.range[1]", "overlaps");
		assertFailure(this.runner.withPropertyValues(twoShards()).withPropertyValues(base)
			.withPropertyValues("shardline.range[0].from=0", "shardline.range[0].shard=shard-7"),
				"shardline.range[0].shard", "shard-7");
		assertFailure(this.runner.withPropertyValues(twoShards()).withPropertyValues(base), "shardline.range",
				"no ranges");
	}

	@Test
	void validRangesStart() {
		this.runner.withPropertyValues(twoShards())
			.withPropertyValues("shardline.strategy=range", "shardline.range[0].from=0", "shardline.range[0].to=100",
					"shardline.range[0].shard=shard-0", "shardline.range[1].from=100", "shardline.range[1].shard=shard-1")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(Topology.class));
	}

	private void assertFailure(ApplicationContextRunner runner, String property, String problem) {
		runner.run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context);
			assertThat(analysis).as("failure analysis of %s", context.getStartupFailure()).isNotNull();
			String report = analysis.getDescription() + "\n" + analysis.getAction();
			assertThat(analysis.getDescription()).contains(property + ": ").contains(problem);
			assertThat(analysis.getAction()).contains(property + ": ");
			assertThat(report).doesNotContain(SECRET);
			assertThat(String.valueOf(context.getStartupFailure())).doesNotContain(SECRET);
		});
	}

	private static FailureAnalysis analyze(AssertableApplicationContext context) {
		InvalidShardlineConfigurationException cause = findCause(context.getStartupFailure(),
				InvalidShardlineConfigurationException.class);
		return (cause != null) ? new ShardlineConfigurationFailureAnalyzer().analyze(context.getStartupFailure(), cause)
				: null;
	}

	private static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		return null;
	}

}
