package dev.shardline.it.chaos;

import java.util.List;
import java.util.Map;

/**
 * What the servers and the instances held after a chaos run, once every fault was healed,
 * replication had caught up and the load had stopped.
 *
 * @param nodes the rows of the written table on every node
 * @param directory the directory's entries (key → owning shard), read from its primary
 * @param activeConnections per instance and pool, Hikari's active connections
 * @param health per instance and component (shards, nodes, directory) and per node's monitor
 * state, the status; {@code UP} is healthy
 */
record ServerState(List<NodeRows> nodes, Map<Long, String> directory, Map<String, Integer> activeConnections,
		Map<String, String> health) {

	/**
	 * The rows on one node.
	 * @param node the harness name of the node
	 * @param shard the shard it belongs to
	 * @param rows row id → shard key
	 */
	record NodeRows(String node, String shard, Map<Long, Long> rows) {
	}

}
