package dev.shardline.it.chaos;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import dev.shardline.directory.KeyMover;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.TopologyNode;
import dev.shardline.test.TopologyShard;

/**
 * Injects and heals the faults of a schedule through the harness (SIGKILL/restart,
 * SIGSTOP/SIGCONT, SQL thread, {@code MASTER_DELAY}) or an instance's pool, and runs the key
 * moves. Primaries run with durable settings ({@code sync_binlog=1},
 * {@code innodb_flush_log_at_trx_commit=1}), also after a restart.
 */
final class FaultInjector {

	/** A fault in place, and how to heal it. */
	record Injected(FaultSchedule.Step step, String shard, List<String> nodes, String instance, long injectedNanos,
			Runnable heal) {
	}

	private final MySqlTopology topology;

	private final List<ChaosInstance> instances;

	private final ChaosKeys keys;

	private final Duration maxLag;

	private final List<String> moves = new ArrayList<>();

	private String movingKeyOwner = "shard-1";

	FaultInjector(MySqlTopology topology, List<ChaosInstance> instances, ChaosKeys keys, Duration maxLag) {
		this.topology = topology;
		this.instances = instances;
		this.keys = keys;
		this.maxLag = maxLag;
	}

	/** What each key move did (or why it failed). */
	List<String> moves() {
		return this.moves;
	}

	Injected inject(FaultSchedule.Step step) {
		TopologyShard shard = (step.shard() >= 0) ? this.topology.shard(step.shard()) : null;
		long at = System.nanoTime();
		switch (step.kind()) {
			case REPLICA_KILL -> {
				TopologyNode node = shard.replica(step.replica());
				node.kill();
				return injected(step, shard, node, node::restart, at);
			}
			case REPLICA_FREEZE -> {
				TopologyNode node = shard.replica(step.replica());
				node.freeze();
				return injected(step, shard, node, node::thaw, at);
			}
			case REPLICA_SQL_STOPPED -> {
				TopologyNode node = shard.replica(step.replica());
				node.stopReplicaSqlThread();
				return injected(step, shard, node, node::startReplicaSqlThread, at);
			}
			case REPLICA_DELAY_PAST_MAX_LAG -> {
				TopologyNode node = shard.replica(step.replica());
				node.setReplicationDelay(this.maxLag.plusSeconds(2));
				return injected(step, shard, node, () -> node.setReplicationDelay(Duration.ZERO), at);
			}
			case REPLICAS_DELAY_WITHIN_MAX_LAG -> {
				shard.replicas().forEach((node) -> node.setReplicationDelay(Duration.ofSeconds(1)));
				return new Injected(step, shard.name(), shard.replicas().stream().map(TopologyNode::name).toList(), null,
						at, () -> shard.replicas().forEach((node) -> node.setReplicationDelay(Duration.ZERO)));
			}
			case REPLICA_POOL_EXHAUSTED -> {
				ChaosInstance instance = this.instances.get(0);
				HikariDataSource pool = instance.topology().shard(shard.name()).replicas().get(step.replica()).pool();
				List<Connection> held = hold(pool);
				return new Injected(step, shard.name(), List.of(shard.replica(step.replica()).name()), instance.name(),
						at, () -> held.forEach(FaultInjector::close));
			}
			case PRIMARY_KILL -> {
				TopologyNode node = shard.primary();
				node.kill();
				return injected(step, shard, node, () -> {
					node.restart();
					durable(node);
				}, at);
			}
			case PRIMARY_FREEZE -> {
				TopologyNode node = shard.primary();
				node.freeze();
				return injected(step, shard, node, node::thaw, at);
			}
			case KEY_MOVE -> {
				move();
				return new Injected(step, null, List.of(), null, at, () -> {
				});
			}
			default -> throw new IllegalArgumentException(step.kind().name());
		}
	}

	ChaosRecording.Window heal(Injected injected) {
		injected.heal().run();
		return new ChaosRecording.Window(injected.step().kind(), injected.shard(), injected.nodes(),
				injected.instance(), injected.injectedNanos(), System.nanoTime());
	}

	/** Makes a primary durable: every commit is on disk before it is acknowledged. */
	static void durable(TopologyNode primary) {
		try (Connection connection = primary.openAdminConnection(); Statement statement = connection.createStatement()) {
			statement.execute("SET GLOBAL sync_binlog = 1");
			statement.execute("SET GLOBAL innodb_flush_log_at_trx_commit = 1");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot make " + primary + " durable", ex);
		}
	}

	private static Injected injected(FaultSchedule.Step step, TopologyShard shard, TopologyNode node, Runnable heal,
			long at) {
		return new Injected(step, shard.name(), List.of(node.name()), null, at, heal);
	}

	/** Takes every connection of the pool (waiting for ones in use to come back). */
	private static List<Connection> hold(HikariDataSource pool) {
		List<Connection> held = new ArrayList<>();
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (held.size() < pool.getMaximumPoolSize()) {
			try {
				held.add(pool.getConnection());
			}
			catch (SQLException ex) {
				if (System.nanoTime() > deadline) {
					held.forEach(FaultInjector::close);
					throw new IllegalStateException("Could not take every connection of " + pool.getPoolName(), ex);
				}
			}
		}
		return held;
	}

	private void move() {
		String target = this.movingKeyOwner.equals("shard-1") ? "shard-0" : "shard-1";
		long started = System.nanoTime();
		try {
			KeyMover.MoveReport report = this.instances.get(0).mover().move(this.keys.moving(), target);
			this.movingKeyOwner = target;
			this.moves.add("moved key " + this.keys.moving() + " " + report.from() + " -> " + target + ": "
					+ report.rows() + " rows, write pause " + report.writePause().toMillis() + " ms, "
					+ Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms in all");
		}
		catch (RuntimeException ex) {
			this.moves.add("FAILED move of key " + this.keys.moving() + " to " + target + ": " + ex);
		}
	}

	private static void close(Connection connection) {
		try {
			connection.close();
		}
		catch (SQLException ex) {
			// returned to the pool as broken: nothing to do
		}
	}

}
