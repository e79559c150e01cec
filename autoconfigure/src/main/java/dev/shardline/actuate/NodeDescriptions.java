package dev.shardline.actuate;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.zaxxer.hikari.HikariPoolMXBean;
import dev.shardline.topology.NodeHealth;
import dev.shardline.topology.Shard;
import dev.shardline.topology.ShardNode;

/**
 * Describes a node for the endpoint and health details: never a credential (URLs come
 * without them).
 */
final class NodeDescriptions {

	private NodeDescriptions() {
	}

	/** The key of a node inside its shard: {@code primary} or {@code replica-<i>}, as configured. */
	static String key(ShardNode node) {
		return (node.replicaIndex() < 0) ? "primary" : "replica-" + node.replicaIndex();
	}

	static Map<String, Object> describe(Shard shard, ShardNode node) {
		NodeHealth health = node.health();
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("name", node.name());
		result.put("url", node.url());
		result.put("configuredRole", node.role().tag());
		result.put("currentRole", (node == shard.currentPrimary()) ? "primary" : "replica");
		if (node.group() != null) {
			result.put("group", node.group());
			result.put("weight", node.weight());
		}
		result.put("state", health.state().tag());
		result.put("since", Instant.ofEpochMilli(health.stateSinceMillis()).toString());
		if (health.drained()) {
			result.put("drained", true);
		}
		if (node != shard.currentPrimary()) {
			long lag = health.lagNanos();
			result.put("lagSeconds", (lag >= 0) ? lag / 1e9 : null);
			result.put("lagMeasuredAt",
					(health.measuredAtMillis() > 0) ? Instant.ofEpochMilli(health.measuredAtMillis()).toString() : null);
		}
		if (health.lastError() != null) {
			result.put("lastError", health.lastError());
		}
		result.put("pool", pool(node));
		return result;
	}

	static Map<String, Object> pool(ShardNode node) {
		Map<String, Object> pool = new LinkedHashMap<>();
		HikariPoolMXBean bean = node.pool().getHikariPoolMXBean();
		pool.put("active", (bean != null) ? bean.getActiveConnections() : 0);
		pool.put("idle", (bean != null) ? bean.getIdleConnections() : 0);
		pool.put("pending", (bean != null) ? bean.getThreadsAwaitingConnection() : 0);
		pool.put("total", (bean != null) ? bean.getTotalConnections() : 0);
		pool.put("max", node.pool().getMaximumPoolSize());
		return pool;
	}

}
