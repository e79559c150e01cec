package dev.shardline.actuate;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.zaxxer.hikari.HikariPoolMXBean;
import dev.shardline.ShardlineException;
import dev.shardline.budget.ConnectionBudget;
import dev.shardline.directory.DirectorySync;
import dev.shardline.directory.KeyMover;
import dev.shardline.directory.ShardDirectory;
import dev.shardline.rebalance.Rebalancer;
import dev.shardline.replication.ReplicationMonitor;
import dev.shardline.routing.RouteReason;
import dev.shardline.routing.RoutingStatistics;
import dev.shardline.routing.ShardRouter;
import dev.shardline.strategy.RingShardingStrategy;
import dev.shardline.strategy.ShardingStrategy;
import dev.shardline.topology.Shard;
import dev.shardline.topology.ShardNode;
import dev.shardline.topology.Topology;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code shardline} Actuator endpoint: every shard and node (URL without credentials,
 * configured and current role, state, lag and when it was measured, pool figures, its
 * connection budget against the server's {@code max_connections}), connection totals, ring
 * shares and routing counters, rebalance progress; one shard; where a key would route now;
 * and operator controls (re-probe, drain and un-drain a replica, plan, start, pause, resume and
 * cancel a rebalance). Write operations are off unless the endpoint's access is raised to
 * unrestricted.
 */
@Endpoint(id = "shardline", defaultAccess = Access.READ_ONLY)
public class ShardlineEndpoint {

	private final Topology topology;

	private final ShardRouter router;

	private final ShardingStrategy strategy;

	private final RoutingStatistics statistics;

	private final ReplicationMonitor monitor;

	private final ShardDirectory directory;

	private final DirectorySync directorySync;

	private final KeyMover mover;

	private final ConnectionBudget budget;

	private final Rebalancer rebalancer;

	/**
	 * Creates the endpoint.
	 * @param router the router (and through it the topology)
	 * @param strategy the sharding strategy
	 * @param statistics routing counters
	 * @param monitor the replication monitor
	 * @param directory the directory, or null when it is off
	 */
	public ShardlineEndpoint(ShardRouter router, ShardingStrategy strategy, RoutingStatistics statistics,
			ReplicationMonitor monitor, ShardDirectory directory) {
		this(router, strategy, statistics, monitor, directory, null, null);
	}

	/**
	 * Creates the endpoint with the directory's change-log sync and mover (recent moves).
	 * @param router the router (and through it the topology)
	 * @param strategy the sharding strategy
	 * @param statistics routing counters
	 * @param monitor the replication monitor
	 * @param directory the directory, or null when it is off
	 * @param directorySync the directory's sync, or null
	 * @param mover the key mover, or null
	 */
	public ShardlineEndpoint(ShardRouter router, ShardingStrategy strategy, RoutingStatistics statistics,
			ReplicationMonitor monitor, ShardDirectory directory, DirectorySync directorySync, KeyMover mover) {
		this(router, strategy, statistics, monitor, directory, directorySync, mover, null);
	}

	/**
	 * Creates the endpoint with the directory's sync and mover, and connection figures.
	 * @param router the router (and through it the topology)
	 * @param strategy the sharding strategy
	 * @param statistics routing counters
	 * @param monitor the replication monitor
	 * @param directory the directory, or null when it is off
	 * @param directorySync the directory's sync, or null
	 * @param mover the key mover, or null
	 * @param budget the connection budget, or null to leave connection totals out
	 */
	public ShardlineEndpoint(ShardRouter router, ShardingStrategy strategy, RoutingStatistics statistics,
			ReplicationMonitor monitor, ShardDirectory directory, DirectorySync directorySync, KeyMover mover,
			ConnectionBudget budget) {
		this(router, strategy, statistics, monitor, directory, directorySync, mover, budget, null);
	}

	/**
	 * Creates the endpoint with everything, including rebalance progress and controls.
	 * @param router the router (and through it the topology)
	 * @param strategy the sharding strategy
	 * @param statistics routing counters
	 * @param monitor the replication monitor
	 * @param directory the directory, or null when it is off
	 * @param directorySync the directory's sync, or null
	 * @param mover the key mover, or null
	 * @param budget the connection budget, or null to leave connection totals out
	 * @param rebalancer the rebalancer, or null
	 */
	public ShardlineEndpoint(ShardRouter router, ShardingStrategy strategy, RoutingStatistics statistics,
			ReplicationMonitor monitor, ShardDirectory directory, DirectorySync directorySync, KeyMover mover,
			ConnectionBudget budget, Rebalancer rebalancer) {
		this.rebalancer = rebalancer;
		this.directorySync = directorySync;
		this.mover = mover;
		this.budget = budget;
		this.topology = router.topology();
		this.router = router;
		this.strategy = strategy;
		this.statistics = statistics;
		this.monitor = monitor;
		this.directory = directory;
	}

	/** Everything: {@code GET /actuator/shardline}. */
	@ReadOperation
	public Map<String, Object> overview() {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("defaultShard", this.topology.defaultShard().name());
		result.put("strategy", (this.strategy instanceof RingShardingStrategy) ? "ring"
				: this.strategy.getClass().getSimpleName());
		result.put("monitorChecks", this.monitor.completedChecks());
		if (this.directory != null) {
			result.put("directory", DirectoryDescriptions.describe(this.directory, this.directorySync, this.mover, true));
		}
		if (this.rebalancer != null) {
			result.put("rebalance", rebalance());
		}
		if (this.budget != null) {
			result.put("connections", connectionTotals());
		}
		Map<String, Object> shards = new LinkedHashMap<>();
		for (Shard shard : this.topology.shards()) {
			shards.put(shard.name(), describe(shard));
		}
		result.put("shards", shards);
		return result;
	}

	/**
	 * Connection totals over every node: what one instance may open (pool maximums plus the
	 * monitor's connection per node), that times the expected instances, and what this
	 * instance's pools hold now.
	 */
	private Map<String, Object> connectionTotals() {
		long poolMaximum = 0;
		long open = 0;
		for (ShardNode node : this.topology.nodes()) {
			poolMaximum += node.pool().getMaximumPoolSize();
			HikariPoolMXBean pool = node.pool().getHikariPoolMXBean();
			open += (pool != null) ? pool.getTotalConnections() : 0;
		}
		long monitor = (long) ConnectionBudget.MONITOR_CONNECTIONS * this.topology.nodes().size();
		Map<String, Object> totals = new LinkedHashMap<>();
		totals.put("nodes", this.topology.nodes().size());
		totals.put("poolMaximum", poolMaximum);
		totals.put("monitor", monitor);
		totals.put("perInstance", poolMaximum + monitor);
		totals.put("expectedInstances", this.budget.expectedInstances());
		totals.put("allInstances", (poolMaximum + monitor) * this.budget.expectedInstances());
		totals.put("open", open);
		return totals;
	}

	/** A node's budget against what its server allows (once read). */
	private Map<String, Object> nodeBudget(ShardNode node) {
		Map<String, Object> budget = new LinkedHashMap<>();
		budget.put("perInstance", this.budget.perInstance(node));
		budget.put("allInstances", this.budget.allInstances(node));
		ConnectionBudget.ServerLimits limits = this.budget.limits(node);
		boolean known = limits != null && limits.maxConnections() >= 0;
		budget.put("serverMaxConnections", known ? limits.maxConnections() : null);
		budget.put("serverThreadsConnected", known ? limits.threadsConnected() : null);
		budget.put("exceeded", known ? this.budget.allInstances(node) > limits.maxConnections() : null);
		return budget;
	}

	/** One shard: {@code GET /actuator/shardline/{shard}}. */
	@ReadOperation
	public Map<String, Object> shard(@Selector String shard) {
		Shard found = this.topology.shard(shard);
		return (found != null) ? describe(found) : null;
	}

	/**
	 * Where a key's work would go now: {@code GET /actuator/shardline/route/{key}}. A key of
	 * digits (with an optional minus) is a number, {@code uuid:...} a UUID, {@code string:...}
	 * forces a string; anything else is a string.
	 */
	@ReadOperation
	public Map<String, Object> route(@Selector String route, @Selector String key) {
		if (!"route".equals(route)) {
			return null;
		}
		Object parsed = parseKey(key);
		ShardRouter.RouteExplanation explanation = this.router.explain(parsed);
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("key", key);
		result.put("keyType", parsed.getClass().getSimpleName());
		result.put("shard", explanation.shard());
		result.put("writeNode", explanation.writeNode());
		if (explanation.writeProblem() != null) {
			result.put("writeProblem", explanation.writeProblem());
		}
		result.put("readNodes", explanation.readNodes());
		result.put("readReason", explanation.readReason());
		return result;
	}

	/** Re-probes every node now: {@code POST /actuator/shardline}. */
	@WriteOperation
	public Map<String, Object> reprobe() {
		this.monitor.checkNow();
		return overview();
	}

	/**
	 * Operator actions: {@code POST /actuator/shardline/{node}/drain} or {@code .../undrain}
	 * drains a replica (named by its pool name; no new reads, work in flight finishes) or puts it
	 * back; {@code POST /actuator/shardline/rebalance/{plan|start|pause|resume|cancel}} controls
	 * the rebalance ({@code plan} alone plans {@code add}). Pool names start with
	 * {@code shardline-}, so none is {@code rebalance}. No request body: operations with body
	 * parameters only match requests with a JSON content type, which would refuse plain POSTs.
	 * @param node the node's pool name, or {@code rebalance}
	 * @param action the action
	 * @return the node, or the rebalance's progress
	 */
	@WriteOperation
	public Map<String, Object> nodeAction(@Selector String node, @Selector String action) {
		if ("rebalance".equals(node)) {
			return rebalanceAction(action, "add", null);
		}
		ShardNode found = this.topology.nodes().stream().filter((n) -> n.name().equals(node)).findFirst().orElse(null);
		if (found == null) {
			return null;
		}
		switch (action) {
			case "drain" -> found.health().drained(true);
			case "undrain" -> found.health().drained(false);
			default -> throw new ShardlineException("Unknown action '" + action + "': use drain or undrain");
		}
		return NodeDescriptions.describe(this.topology.shard(found.shard()), found);
	}

	/**
	 * Plans a rebalance of a kind: {@code POST /actuator/shardline/rebalance/plan/add} (keys to
	 * their owners under the current ring).
	 * @param rebalance {@code rebalance}
	 * @param plan {@code plan}
	 * @param kind {@code add}
	 * @return the rebalance's progress, or null (404) for another path
	 */
	@WriteOperation
	public Map<String, Object> rebalancePlan(@Selector String rebalance, @Selector String plan, @Selector String kind) {
		if (!"rebalance".equals(rebalance) || !"plan".equals(plan)) {
			return null;
		}
		return rebalanceAction("plan", kind, null);
	}

	/**
	 * Plans removing a shard: {@code POST /actuator/shardline/rebalance/plan/remove/{shard}} (its
	 * keys to their owners in the ring without it).
	 * @param rebalance {@code rebalance}
	 * @param plan {@code plan}
	 * @param kind {@code remove}
	 * @param shard the shard to empty
	 * @return the rebalance's progress, or null (404) for another path
	 */
	@WriteOperation
	public Map<String, Object> rebalancePlanShard(@Selector String rebalance, @Selector String plan,
			@Selector String kind, @Selector String shard) {
		if (!"rebalance".equals(rebalance) || !"plan".equals(plan)) {
			return null;
		}
		return rebalanceAction("plan", kind, shard);
	}

	private Map<String, Object> rebalanceAction(String action, String kind, String shard) {
		if (this.rebalancer == null) {
			throw new ShardlineException("Rebalancing needs the directory (shardline.directory.enabled: true)");
		}
		switch (action) {
			case "plan" -> this.rebalancer.plan(kind, shard);
			case "start" -> this.rebalancer.startPlan();
			case "pause" -> this.rebalancer.pausePlan();
			case "resume" -> this.rebalancer.resumePlan();
			case "cancel" -> this.rebalancer.cancelPlan();
			default -> throw new ShardlineException(
					"Unknown rebalance action '" + action + "': use plan, start, pause, resume or cancel");
		}
		return RebalanceDescriptions.describe(this.rebalancer.progress());
	}

	/** The rebalance section: the current (or last) plan's progress, or why it cannot be read. */
	private Map<String, Object> rebalance() {
		try {
			Map<String, Object> described = RebalanceDescriptions.describe(this.rebalancer.progress());
			described.put("batchesInFlightHere", this.rebalancer.batchesInFlight());
			return described;
		}
		catch (RuntimeException ex) {
			// The plan lives in the directory's database: while it is down the rest of the overview still answers.
			Map<String, Object> unknown = new LinkedHashMap<>();
			unknown.put("state", "unknown");
			unknown.put("lastError", ex.getMessage());
			return unknown;
		}
	}

	private Map<String, Object> describe(Shard shard) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("name", shard.name());
		if (this.strategy instanceof RingShardingStrategy ring) {
			result.put("ringShare", ring.ring().share(shard.name()));
		}
		result.put("currentPrimary", shard.currentPrimary().name());
		if (shard.writeBlock() != null) {
			result.put("writesRefused", shard.writeBlock());
		}
		List<Map<String, Object>> nodes = new ArrayList<>();
		for (ShardNode node : shard.nodes()) {
			Map<String, Object> described = NodeDescriptions.describe(shard, node);
			if (this.budget != null) {
				described.put("connectionBudget", nodeBudget(node));
			}
			nodes.add(described);
		}
		result.put("nodes", nodes);
		result.put("routing", counters(shard));
		return result;
	}

	private Map<String, Object> counters(Shard shard) {
		Map<String, Object> byRole = new LinkedHashMap<>();
		for (boolean primary : new boolean[] { true, false }) {
			Map<String, Long> byReason = new LinkedHashMap<>();
			for (RouteReason reason : RouteReason.values()) {
				long count = this.statistics.count(shard.name(), primary, reason);
				if (count > 0) {
					byReason.put(reason.tag(), count);
				}
			}
			byRole.put(primary ? "primary" : "replica", byReason);
		}
		return byRole;
	}

	static Object parseKey(String key) {
		if (key.startsWith("string:")) {
			return key.substring("string:".length());
		}
		if (key.startsWith("uuid:")) {
			return UUID.fromString(key.substring("uuid:".length()));
		}
		if (key.matches("-?\\d{1,19}")) {
			BigInteger number = new BigInteger(key);
			if (number.bitLength() < 64) {
				return number.longValue();
			}
		}
		return key;
	}

}
