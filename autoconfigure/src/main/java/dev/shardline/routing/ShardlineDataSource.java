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

	/** The routing data source behind the lazy handles. */
	public ShardRoutingDataSource getRoutingDataSource() {
		return this.routingDataSource;
	}

	/** The router. */
	public ShardRouter getRouter() {
		return this.routingDataSource.getRouter();
	}

}
