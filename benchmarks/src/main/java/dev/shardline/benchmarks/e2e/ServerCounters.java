package dev.shardline.benchmarks.e2e;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.shardline.test.MySqlTopology;
import dev.shardline.test.TopologyNode;

/**
 * Statement counters of every node, read on the servers ({@code Com_select},
 * {@code Com_insert}) through one long-lived admin connection per node: opening a connection
 * runs the driver's own start-up queries, which would count.
 */
final class ServerCounters implements AutoCloseable {

	static final int SELECT = 0;

	static final int INSERT = 1;

	private static final String STATUS = "SHOW GLOBAL STATUS WHERE Variable_name IN ('Com_select', 'Com_insert')";

	private final List<TopologyNode> nodes;

	private final List<Connection> connections = new ArrayList<>();

	/** What one reading adds to the counters it reads, per node and counter. */
	private final long[][] ownCount;

	ServerCounters(MySqlTopology topology) throws SQLException {
		this.nodes = topology.nodes();
		try {
			for (TopologyNode node : this.nodes) {
				this.connections.add(node.openAdminConnection());
			}
			this.ownCount = calibrate();
		}
		catch (SQLException | RuntimeException ex) {
			close();
			throw ex;
		}
	}

	List<TopologyNode> nodes() {
		return this.nodes;
	}

	/**
	 * Reads every node's counters.
	 * @return {@code [node][SELECT|INSERT]}
	 * @throws SQLException when a node does not answer
	 */
	long[][] read() throws SQLException {
		long[][] counts = new long[this.nodes.size()][2];
		for (int n = 0; n < this.nodes.size(); n++) {
			try (Statement statement = this.connections.get(n).createStatement();
					ResultSet rs = statement.executeQuery(STATUS)) {
				while (rs.next()) {
					int counter = "Com_select".equalsIgnoreCase(rs.getString(1)) ? SELECT : INSERT;
					counts[n][counter] = rs.getLong(2);
				}
			}
		}
		return counts;
	}

	/**
	 * The statements between two readings, less the later reading's own.
	 * @param before the earlier reading
	 * @param after the later reading
	 * @return {@code [node][SELECT|INSERT]}
	 */
	long[][] delta(long[][] before, long[][] after) {
		long[][] delta = new long[before.length][2];
		for (int n = 0; n < before.length; n++) {
			for (int c = 0; c < 2; c++) {
				delta[n][c] = after[n][c] - before[n][c] - this.ownCount[n][c];
			}
		}
		return delta;
	}

	private long[][] calibrate() throws SQLException {
		// Whether SHOW STATUS counts itself as a SELECT differs between servers: measure it, on
		// an idle topology, and keep the smallest of a few differences.
		long[][] own = null;
		long[][] previous = read();
		for (int round = 0; round < 3; round++) {
			long[][] next = read();
			if (own == null) {
				own = new long[next.length][2];
				for (long[] row : own) {
					Arrays.fill(row, Long.MAX_VALUE);
				}
			}
			for (int n = 0; n < next.length; n++) {
				for (int c = 0; c < 2; c++) {
					own[n][c] = Math.min(own[n][c], next[n][c] - previous[n][c]);
				}
			}
			previous = next;
		}
		return own;
	}

	long ownCount(int node, int counter) {
		return this.ownCount[node][counter];
	}

	@Override
	public void close() {
		for (Connection connection : this.connections) {
			try {
				connection.close();
			}
			catch (SQLException ex) {
				// closing at the end: nothing left to do with it
			}
		}
	}

}
