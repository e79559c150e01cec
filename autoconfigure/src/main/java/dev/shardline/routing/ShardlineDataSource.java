package dev.shardline.routing;

import java.sql.Connection;
import java.sql.SQLException;

import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource;

/**
 * The application's one {@code DataSource}. It hands out connection handles that fetch the
 * physical connection only when the first statement needs it, so the route the interceptor
 * set up (and, in a transaction, the first keyed call) decides the node.
 */
public class ShardlineDataSource extends DelegatingDataSource {

	private final ShardRoutingDataSource routingDataSource;

	private final boolean defaultAutoCommit;

	private final int defaultTransactionIsolation;

	/**
	 * Creates the data source.
	 * @param routingDataSource the routing data source behind it
	 * @param defaultAutoCommit the pools' auto-commit default
	 * @param defaultTransactionIsolation the nodes' default isolation ({@link Connection} constant)
	 */
	public ShardlineDataSource(ShardRoutingDataSource routingDataSource, boolean defaultAutoCommit,
			int defaultTransactionIsolation) {
		// Known defaults: otherwise a handle would have to fetch a connection to learn them.
		super(routingDataSource);
		this.routingDataSource = routingDataSource;
		this.defaultAutoCommit = defaultAutoCommit;
		this.defaultTransactionIsolation = defaultTransactionIsolation;
	}

	/**
	 * A lazy connection handle: the physical connection is fetched, on the node the route in
	 * place then resolves to, when the first statement needs it. The handle implements
	 * Spring's {@code ConnectionProxy}.
	 */
	@Override
	public Connection getConnection() throws SQLException {
		return new LazyConnection(this.routingDataSource, this.defaultAutoCommit, this.defaultTransactionIsolation);
	}

	/**
	 * Not supported: credentials come from {@code shardline.shards.*}.
	 */
	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		return this.routingDataSource.getConnection(username, password);
	}

	/**
	 * Does not reveal the routing data source: tools that walk routing targets (Boot's {@code db}
	 * health indicator) would open a connection to every node on each call. Shardline's own
	 * health contributor reports every node from the monitor's state instead.
	 */
	@Override
	public boolean isWrapperFor(Class<?> type) throws SQLException {
		if (AbstractRoutingDataSource.class.isAssignableFrom(type)) {
			return false;
		}
		return super.isWrapperFor(type);
	}

	@Override
	public <T> T unwrap(Class<T> type) throws SQLException {
		if (AbstractRoutingDataSource.class.isAssignableFrom(type)) {
			throw new SQLException("Shardline's routing data source is not exposed; use ShardlineDataSource");
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
