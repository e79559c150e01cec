package dev.shardline.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import dev.shardline.replication.GtidWaits;
import dev.shardline.topology.ShardNode;

import org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource;

/**
 * Routes each physical connection to the node the current route resolves to. Sits behind
 * {@link ShardlineDataSource}, which defers the fetch to the first statement. A read whose
 * replica cannot give a connection is retried once on another node before any statement ran.
 */
public class ShardRoutingDataSource extends AbstractRoutingDataSource {

	private final ShardRouter router;

	/**
	 * Creates the data source over every node's pool.
	 * @param router the router that picks nodes
	 */
	public ShardRoutingDataSource(ShardRouter router) {
		this.router = router;
		Map<Object, Object> targets = new LinkedHashMap<>();
		for (ShardNode node : router.topology().nodes()) {
			targets.put(node.name(), node.dataSource());
		}
		setTargetDataSources(targets);
		setDefaultTargetDataSource(router.topology().defaultShard().primary().dataSource());
		setLenientFallback(false);
		afterPropertiesSet();
	}

	@Override
	public Connection getConnection() throws SQLException {
		ShardNode node = this.router.select();
		Connection connection;
		try {
			connection = node.dataSource().getConnection();
		}
		catch (SQLException ex) {
			node = this.router.connectionFailed(node, ex);
			connection = node.dataSource().getConnection();
		}
		String gtid = this.router.takeGtidWait();
		if (gtid != null) {
			if (awaitGtid(connection, gtid, this.router.policy().gtidWait())) {
				this.router.routedAfterWait(node);
			}
			else {
				connection.close();
				node = this.router.gtidWaitFailed(node);
				connection = node.dataSource().getConnection();
			}
		}
		this.router.bindIfInTransaction(node);
		this.router.connectionRouted(node);
		if (this.router.tracksWrites(node)) {
			connection = WriteTrackingConnection.wrap(connection, this.router, node,
					this.router.policy().readYourWrites() == RoutingPolicy.Mode.GTID);
		}
		return connection;
	}

	private static boolean awaitGtid(Connection connection, String gtid, Duration timeout) {
		try {
			return GtidWaits.await(connection, GtidCoverage.parse(gtid), timeout);
		}
		catch (SQLException | IllegalArgumentException ex) {
			return false;
		}
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		throw new SQLException("Shardline's data source takes credentials from shardline.shards.*; "
				+ "getConnection(username, password) is not supported");
	}

	@Override
	protected DataSource determineTargetDataSource() {
		// Used by unwrap()/isWrapperFor(): must not bind a transaction or count a route.
		return this.router.peek().dataSource();
	}

	/**
	 * Resolves the current route to a node, as a connection fetch does (the node's pool
	 * name is the look-up key).
	 */
	@Override
	protected Object determineCurrentLookupKey() {
		return this.router.select().name();
	}

	/** The router behind this data source. */
	public ShardRouter getRouter() {
		return this.router;
	}

}
