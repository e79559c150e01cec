package dev.shardline.benchmarks.e2e;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.shardline.test.MySqlTopology;
import dev.shardline.test.TopologyNode;

/**
 * Checks, on the servers' own statement counters, that a window's operations went where they
 * should: W1/W3/W4 on primaries only, W2 on shard-0's replica only, W5 on both replicas, W3
 * and W4 split between the shards exactly as their keys say, and nothing anywhere else.
 *
 * <p>The replication monitor of every live Shardline child keeps probing during a window (one
 * heartbeat round a second at the default {@code check-interval}: an upsert on each primary, a
 * read on each replica), so every node may be off by a small allowance; a misrouted share of the
 * load, or an extra statement per operation, is far beyond it.
 */
final class RoutingCheck {

	private RoutingCheck() {
	}

	/**
	 * The allowance per node and counter for background statements during one measured slice.
	 * @param windowSeconds the slice's length
	 * @param monitors how many replication monitors were running (live Shardline children)
	 * @return statements
	 */
	static long allowance(double windowSeconds, int monitors) {
		// heartbeat rounds that can fall into the window, at most two statements per counter each;
		// at least one monitor's worth, so a run of the baseline alone keeps the same margin
		return Math.max(1, monitors) * (2 + 2 * ((long) Math.ceil(windowSeconds) + 1));
	}

	static Verdict check(Workload workload, long ops, long opsShard0, long opsShard1, long[][] delta,
			MySqlTopology topology, long allowance) {
		List<TopologyNode> nodes = topology.nodes();
		Layout layout = new Layout(nodes.stream().map(TopologyNode::name).toList(),
				nodes.indexOf(topology.shard(0).primary()), nodes.indexOf(topology.shard(0).replica(0)),
				nodes.indexOf(topology.shard(1).primary()), nodes.indexOf(topology.shard(1).replica(0)));
		return check(workload, ops, opsShard0, opsShard1, delta, layout, allowance);
	}

	static Verdict check(Workload workload, long ops, long opsShard0, long opsShard1, long[][] delta, Layout layout,
			long allowance) {
		List<String> nodes = layout.names();
		int p0 = layout.primary0();
		int r0 = layout.replica0();
		int p1 = layout.primary1();
		int r1 = layout.replica1();
		long[][] expected = new long[nodes.size()][2];
		boolean[][] checked = new boolean[nodes.size()][2];
		for (boolean[] row : checked) {
			Arrays.fill(row, true);
		}
		List<String> problems = new ArrayList<>();
		switch (workload) {
			case W1 -> expected[p0][ServerCounters.SELECT] = ops;
			case W2 -> expected[r0][ServerCounters.SELECT] = ops;
			case W3 -> {
				expected[p0][ServerCounters.SELECT] = opsShard0;
				expected[p1][ServerCounters.SELECT] = opsShard1;
			}
			case W4 -> {
				expected[p0][ServerCounters.INSERT] = opsShard0;
				expected[p1][ServerCounters.INSERT] = opsShard1;
				// replication applies the primaries' inserts there: not the client's statements
				checked[r0][ServerCounters.INSERT] = false;
				checked[r1][ServerCounters.INSERT] = false;
			}
			case W5 -> {
				expected[r0][ServerCounters.SELECT] = ops;
				expected[r1][ServerCounters.SELECT] = ops;
			}
		}
		if ((workload == Workload.W3 || workload == Workload.W4) && ops > 0) {
			double share = (double) opsShard0 / ops;
			if (share < 0.35 || share > 0.65 || opsShard0 + opsShard1 != ops) {
				problems.add(String.format("keys not spread over both shards: %d + %d of %d", opsShard0, opsShard1,
						ops));
			}
		}
		if (ops <= 0) {
			problems.add("no operations completed");
		}
		StringBuilder detail = new StringBuilder();
		for (int n = 0; n < nodes.size(); n++) {
			detail.append(String.format("%n      %-18s", nodes.get(n)));
			for (int c = 0; c < 2; c++) {
				String counter = (c == ServerCounters.SELECT) ? "Com_select" : "Com_insert";
				long observed = delta[n][c];
				if (!checked[n][c]) {
					detail.append(String.format(" %s %7d (replicated, not checked)", counter, observed));
					continue;
				}
				boolean ok = Math.abs(observed - expected[n][c]) <= allowance;
				detail.append(String.format(" %s %7d (expected %7d)%s", counter, observed, expected[n][c],
						ok ? "" : " <-- WRONG"));
				if (!ok) {
					problems.add(String.format("%s %s %d, expected %d +/- %d", nodes.get(n), counter, observed,
							expected[n][c], allowance));
				}
			}
		}
		return new Verdict(problems.isEmpty(), String.join("; ", problems), detail.toString(), allowance);
	}

	/**
	 * Where the nodes are in the counters' arrays.
	 * @param names node names, in counter order
	 * @param primary0 shard-0's primary
	 * @param replica0 shard-0's replica
	 * @param primary1 shard-1's primary
	 * @param replica1 shard-1's replica
	 */
	record Layout(List<String> names, int primary0, int replica0, int primary1, int replica1) {
	}

	/**
	 * The outcome.
	 * @param passed whether every node saw what it should
	 * @param problems what was wrong, empty when passed
	 * @param perNode the counts per node, one line each
	 * @param allowance the background allowance applied per node and counter
	 */
	record Verdict(boolean passed, String problems, String perNode, long allowance) {
	}

}
