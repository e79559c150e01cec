package dev.shardline.routing;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.ShardingKey;
import java.sql.Statement;
import java.sql.Struct;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.ConnectionProxy;

/**
 * A connection handle that fetches its physical connection from the routing data source only
 * when the first statement (or anything else that needs the server) asks for it, so the route in
 * place at that moment decides the node. Until then it keeps what a transaction manager sets up
 * (auto-commit, isolation, read-only, holdability) and applies it to the physical connection
 * when it is fetched.
 * <p>
 * The same contract as Spring's {@code LazyConnectionDataSourceProxy}, as a plain class rather
 * than a JDK proxy, which allocates a proxy and a handler per connection and an argument array
 * per call and goes through reflection (the benchmarks' breakdown: 40 instead of 144 bytes per
 * statement). Not thread-safe, like a JDBC connection.
 */
final class LazyConnection implements ConnectionProxy {

	private final DataSource target;

	private final int defaultTransactionIsolation;

	private boolean autoCommit;

	private int transactionIsolation;

	private boolean readOnly;

	private int holdability = ResultSet.CLOSE_CURSORS_AT_COMMIT;

	private boolean closed;

	private Connection connection;

	LazyConnection(DataSource target, boolean defaultAutoCommit, int defaultTransactionIsolation) {
		this.target = target;
		this.autoCommit = defaultAutoCommit;
		this.defaultTransactionIsolation = defaultTransactionIsolation;
		this.transactionIsolation = defaultTransactionIsolation;
	}

	/** Whether the physical connection has been fetched. */
	boolean isFetched() {
		return this.connection != null;
	}

	@Override
	public Connection getTargetConnection() {
		try {
			return physical();
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not fetch the physical connection: " + ex.getMessage(), ex);
		}
	}

	/** The physical connection, fetched now if not yet, with the settings kept so far applied. */
	private Connection physical() throws SQLException {
		Connection connection = this.connection;
		if (connection != null) {
			return connection;
		}
		if (this.closed) {
			throw new SQLException("Connection is closed");
		}
		connection = this.target.getConnection();
		try {
			if (this.readOnly) {
				connection.setReadOnly(true);
			}
			if (this.transactionIsolation != this.defaultTransactionIsolation) {
				connection.setTransactionIsolation(this.transactionIsolation);
			}
			if (this.autoCommit != connection.getAutoCommit()) {
				connection.setAutoCommit(this.autoCommit);
			}
		}
		catch (SQLException | RuntimeException ex) {
			// Never leak a pooled connection that could not be set up.
			connection.close();
			throw ex;
		}
		this.connection = connection;
		return connection;
	}

	// Transaction demarcation: kept until the physical connection exists (also on a closed handle,
	// as a transaction manager's clean-up may reset them around close).

	@Override
	public void setAutoCommit(boolean autoCommit) throws SQLException {
		if (this.connection != null) {
			this.connection.setAutoCommit(autoCommit);
		}
		this.autoCommit = autoCommit;
	}

	@Override
	public boolean getAutoCommit() throws SQLException {
		return (this.connection != null) ? this.connection.getAutoCommit() : this.autoCommit;
	}

	@Override
	public void setTransactionIsolation(int level) throws SQLException {
		if (this.connection != null) {
			this.connection.setTransactionIsolation(level);
		}
		this.transactionIsolation = level;
	}

	@Override
	public int getTransactionIsolation() throws SQLException {
		return (this.connection != null) ? this.connection.getTransactionIsolation() : this.transactionIsolation;
	}

	@Override
	public void setReadOnly(boolean readOnly) throws SQLException {
		if (this.connection != null) {
			this.connection.setReadOnly(readOnly);
		}
		this.readOnly = readOnly;
	}

	@Override
	public boolean isReadOnly() throws SQLException {
		return (this.connection != null) ? this.connection.isReadOnly() : this.readOnly;
	}

	@Override
	public void setHoldability(int holdability) throws SQLException {
		if (this.connection != null) {
			this.connection.setHoldability(holdability);
		}
		this.holdability = holdability;
	}

	@Override
	public int getHoldability() throws SQLException {
		return (this.connection != null) ? this.connection.getHoldability() : this.holdability;
	}

	@Override
	public void commit() throws SQLException {
		// Nothing to commit before the first statement.
		if (this.connection != null) {
			this.connection.commit();
		}
	}

	@Override
	public void rollback() throws SQLException {
		if (this.connection != null) {
			this.connection.rollback();
		}
	}

	@Override
	public SQLWarning getWarnings() throws SQLException {
		return (this.connection != null) ? this.connection.getWarnings() : null;
	}

	@Override
	public void clearWarnings() throws SQLException {
		if (this.connection != null) {
			this.connection.clearWarnings();
		}
	}

	@Override
	public void close() throws SQLException {
		this.closed = true;
		Connection connection = this.connection;
		if (connection != null) {
			connection.close();
		}
	}

	@Override
	public boolean isClosed() throws SQLException {
		return (this.connection != null) ? this.connection.isClosed() : this.closed;
	}

	// Identity: never fetch a connection for these.

	@Override
	public boolean equals(Object other) {
		return this == other;
	}

	@Override
	public int hashCode() {
		return System.identityHashCode(this);
	}

	@Override
	public String toString() {
		return (this.connection != null) ? "Shardline connection [" + this.connection + "]"
				: "Shardline connection (not fetched yet)";
	}

	@Override
	public <T> T unwrap(Class<T> type) throws SQLException {
		if (type.isInstance(this)) {
			return type.cast(this);
		}
		return physical().unwrap(type);
	}

	@Override
	public boolean isWrapperFor(Class<?> type) throws SQLException {
		return type.isInstance(this) || physical().isWrapperFor(type);
	}

	// Everything else needs the server: fetch now.

	@Override
	public Statement createStatement() throws SQLException {
		return physical().createStatement();
	}

	@Override
	public PreparedStatement prepareStatement(String sql) throws SQLException {
		return physical().prepareStatement(sql);
	}

	@Override
	public CallableStatement prepareCall(String sql) throws SQLException {
		return physical().prepareCall(sql);
	}

	@Override
	public String nativeSQL(String sql) throws SQLException {
		return physical().nativeSQL(sql);
	}

	@Override
	public DatabaseMetaData getMetaData() throws SQLException {
		return physical().getMetaData();
	}

	@Override
	public void setCatalog(String catalog) throws SQLException {
		physical().setCatalog(catalog);
	}

	@Override
	public String getCatalog() throws SQLException {
		return physical().getCatalog();
	}

	@Override
	public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
		return physical().createStatement(resultSetType, resultSetConcurrency);
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency)
			throws SQLException {
		return physical().prepareStatement(sql, resultSetType, resultSetConcurrency);
	}

	@Override
	public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
		return physical().prepareCall(sql, resultSetType, resultSetConcurrency);
	}

	@Override
	public Map<String, Class<?>> getTypeMap() throws SQLException {
		return physical().getTypeMap();
	}

	@Override
	public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
		physical().setTypeMap(map);
	}

	@Override
	public Savepoint setSavepoint() throws SQLException {
		return physical().setSavepoint();
	}

	@Override
	public Savepoint setSavepoint(String name) throws SQLException {
		return physical().setSavepoint(name);
	}

	@Override
	public void rollback(Savepoint savepoint) throws SQLException {
		physical().rollback(savepoint);
	}

	@Override
	public void releaseSavepoint(Savepoint savepoint) throws SQLException {
		physical().releaseSavepoint(savepoint);
	}

	@Override
	public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability)
			throws SQLException {
		return physical().createStatement(resultSetType, resultSetConcurrency, resultSetHoldability);
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency,
			int resultSetHoldability) throws SQLException {
		return physical().prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability);
	}

	@Override
	public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency,
			int resultSetHoldability) throws SQLException {
		return physical().prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability);
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
		return physical().prepareStatement(sql, autoGeneratedKeys);
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
		return physical().prepareStatement(sql, columnIndexes);
	}

	@Override
	public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
		return physical().prepareStatement(sql, columnNames);
	}

	@Override
	public Clob createClob() throws SQLException {
		return physical().createClob();
	}

	@Override
	public Blob createBlob() throws SQLException {
		return physical().createBlob();
	}

	@Override
	public NClob createNClob() throws SQLException {
		return physical().createNClob();
	}

	@Override
	public SQLXML createSQLXML() throws SQLException {
		return physical().createSQLXML();
	}

	@Override
	public boolean isValid(int timeout) throws SQLException {
		return physical().isValid(timeout);
	}

	@Override
	public void setClientInfo(String name, String value) throws SQLClientInfoException {
		try {
			physical().setClientInfo(name, value);
		}
		catch (SQLClientInfoException ex) {
			throw ex;
		}
		catch (SQLException ex) {
			throw new SQLClientInfoException(ex.getMessage(), null, ex);
		}
	}

	@Override
	public void setClientInfo(Properties properties) throws SQLClientInfoException {
		try {
			physical().setClientInfo(properties);
		}
		catch (SQLClientInfoException ex) {
			throw ex;
		}
		catch (SQLException ex) {
			throw new SQLClientInfoException(ex.getMessage(), null, ex);
		}
	}

	@Override
	public String getClientInfo(String name) throws SQLException {
		return physical().getClientInfo(name);
	}

	@Override
	public Properties getClientInfo() throws SQLException {
		return physical().getClientInfo();
	}

	@Override
	public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
		return physical().createArrayOf(typeName, elements);
	}

	@Override
	public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
		return physical().createStruct(typeName, attributes);
	}

	@Override
	public void setSchema(String schema) throws SQLException {
		physical().setSchema(schema);
	}

	@Override
	public String getSchema() throws SQLException {
		return physical().getSchema();
	}

	@Override
	public void abort(Executor executor) throws SQLException {
		this.closed = true;
		if (this.connection != null) {
			this.connection.abort(executor);
		}
	}

	@Override
	public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
		physical().setNetworkTimeout(executor, milliseconds);
	}

	@Override
	public int getNetworkTimeout() throws SQLException {
		return physical().getNetworkTimeout();
	}

	@Override
	public void beginRequest() throws SQLException {
		if (this.connection != null) {
			this.connection.beginRequest();
		}
	}

	@Override
	public void endRequest() throws SQLException {
		if (this.connection != null) {
			this.connection.endRequest();
		}
	}

	@Override
	public boolean setShardingKeyIfValid(ShardingKey shardingKey, ShardingKey superShardingKey, int timeout)
			throws SQLException {
		return physical().setShardingKeyIfValid(shardingKey, superShardingKey, timeout);
	}

	@Override
	public boolean setShardingKeyIfValid(ShardingKey shardingKey, int timeout) throws SQLException {
		return physical().setShardingKeyIfValid(shardingKey, timeout);
	}

	@Override
	public void setShardingKey(ShardingKey shardingKey, ShardingKey superShardingKey) throws SQLException {
		physical().setShardingKey(shardingKey, superShardingKey);
	}

	@Override
	public void setShardingKey(ShardingKey shardingKey) throws SQLException {
		physical().setShardingKey(shardingKey);
	}

}
