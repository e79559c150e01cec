package dev.shardline.routing;

import java.sql.Connection;

import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;

/**
 * The application's one {@code DataSource}. It hands out connection handles that fetch the
 * physical connection only when the first statement needs it, so the route the interceptor
 * set up (and, in a transaction, the first keyed call) decides the node.
 */
public class ShardlineDataSource extends LazyConnectionDataSourceProxy {

	private final ShardRoutingDataSource routingDataSource;

	/**
	 * Creates the data source.
	 * @param routingDataSource the routing data source behind it
	 * @param defaultAutoCommit the pools' auto-commit default
	 * @param defaultTransactionIsolation the nodes' default isolation ({@link Connection} constant)
	 */
	public ShardlineDataSource(ShardRoutingDataSource routingDataSource, boolean defaultAutoCommit,
			int defaultTransactionIsolation) {
		// Known defaults: otherwise the proxy would fetch a connection to learn them.
		setDefaultAutoCommit(defaultAutoCommit);
		setDefaultTransactionIsolation(defaultTransactionIsolation);
		setTargetDataSource(routingDataSource);
		this.routingDataSource = routingDataSource;
	}

	/**
	 * Does not reveal the routing data source: tools that walk routing targets (Boot's {@code db}
	 * health indicator) would open a connection to every node on each call. Shardline's own
	 * health contributor reports every node from the monitor's state instead.
	 */
	@Override
	public boolean isWrapperFor(Class<?> type) throws java.sql.SQLException {
		if (org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource.class.isAssignableFrom(type)) {
			return false;
		}
		return super.isWrapperFor(type);
	}

	@Override
	public <T> T unwrap(Class<T> type) throws java.sql.SQLException {
		if (org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource.class.isAssignableFrom(type)) {
			throw new java.sql.SQLException("Shardline's routing data source is not exposed; use ShardlineDataSource");
		}
		return super.unwrap(type);
	}

	/** The routing data source behind the lazy handles. */
	public ShardRoutingDataSource getRoutingDataSource() {
		return this.routingDataSource;
	}

	/** The router. */
	public ShardRouter getRouter() {
		return this.routingDataSource.getRouter();
	}

}
