package dev.shardline.replication;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.shardline.topology.ShardNode;

/**
 * The monitor's own connection to one node, outside the node's pool (probes must neither
 * wait for nor occupy request connections), with connect and read timeouts so a dead or
 * frozen node costs at most the connect timeout.
 */
final class NodeProbe implements AutoCloseable {

	private static final Executor DIRECT = Runnable::run;

	final ShardNode node;

	private final Duration timeout;

	final AtomicBoolean inFlight = new AtomicBoolean();

	/** Whether the heartbeat table was created (or its creation refused) on this node; probe task only. */
	boolean heartbeatTableChecked;

	private Connection connection;

	NodeProbe(ShardNode node, Duration timeout) {
		this.node = node;
		this.timeout = timeout;
	}

	/** A working connection, opened (again) when needed. Only the probing task calls it. */
	Connection connection() throws SQLException {
		if (this.connection == null || this.connection.isClosed()) {
			Properties properties = new Properties();
			if (this.node.pool().getUsername() != null) {
				properties.setProperty("user", this.node.pool().getUsername());
			}
			if (this.node.pool().getPassword() != null) {
				properties.setProperty("password", this.node.pool().getPassword());
			}
			int millis = (int) Math.max(250, this.timeout.toMillis());
			// Connector/J (and MariaDB's driver) names; other drivers ignore them. connectTimeout
			// bounds TCP connect only; socketTimeout also bounds a hung handshake or query.
			properties.setProperty("connectTimeout", Integer.toString(millis));
			properties.setProperty("socketTimeout", Integer.toString(millis));
			Connection opened = DriverManager.getConnection(this.node.pool().getJdbcUrl(), properties);
			try {
				opened.setNetworkTimeout(DIRECT, millis);
			}
			catch (SQLException | UnsupportedOperationException ex) {
				// Not every driver supports it; the driver properties above still apply.
			}
			opened.setAutoCommit(true);
			this.connection = opened;
		}
		return this.connection;
	}

	/** Drops the connection after a failure so the next probe reconnects. */
	void reset() {
		Connection current = this.connection;
		this.connection = null;
		if (current != null) {
			try {
				current.abort(DIRECT);
			}
			catch (SQLException | RuntimeException ex) {
				// Already broken.
			}
		}
	}

	@Override
	public void close() {
		reset();
	}

}
