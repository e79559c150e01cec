package dev.shardline.routing;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.datasource.ConnectionProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The lazy handle's contract (that of Spring's {@code LazyConnectionDataSourceProxy}) against a
 * real in-memory H2 database: what a transaction manager does before the first statement
 * fetches nothing, the first statement fetches once with those settings applied, and nothing
 * leaks.
 */
class LazyConnectionTests {

	private final Recording dataSource = new Recording();

	private LazyConnection handle() {
		return new LazyConnection(this.dataSource, true, Connection.TRANSACTION_READ_COMMITTED);
	}

	@Test
	void transactionSetUpAndCloseFetchNothing() throws SQLException {
		LazyConnection connection = handle();
		connection.setAutoCommit(false);
		connection.setReadOnly(true);
		connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
		connection.setHoldability(ResultSet.HOLD_CURSORS_OVER_COMMIT);
		assertThat(connection.getAutoCommit()).isFalse();
		assertThat(connection.isReadOnly()).isTrue();
		assertThat(connection.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
		assertThat(connection.getHoldability()).isEqualTo(ResultSet.HOLD_CURSORS_OVER_COMMIT);
		assertThat((Object) connection.getWarnings()).isNull();
		connection.clearWarnings();
		connection.commit();
		connection.rollback();
		assertThat(connection.unwrap(ConnectionProxy.class)).isSameAs(connection);
		assertThat(connection.isWrapperFor(Connection.class)).isTrue();
		assertThat(connection).isEqualTo(connection).hasSameHashCodeAs(connection);
		assertThat(connection.toString()).contains("not fetched");
		connection.close();
		assertThat(connection.isClosed()).isTrue();
		assertThat(this.dataSource.fetched).isEmpty();
	}

	@Test
	void firstStatementFetchesOnceWithTheKeptSettings() throws SQLException {
		LazyConnection connection = handle();
		connection.setAutoCommit(false);
		connection.setReadOnly(true);
		connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
		try (PreparedStatement statement = connection.prepareStatement("SELECT 1")) {
			statement.executeQuery().close();
		}
		connection.createStatement().close();
		assertThat(this.dataSource.fetched).hasSize(1);
		Connection physical = this.dataSource.fetched.get(0);
		assertThat(connection.isFetched()).isTrue();
		assertThat(connection.getTargetConnection()).isSameAs(physical);
		assertThat(physical.getAutoCommit()).isFalse();
		assertThat(physical.isReadOnly()).isTrue();
		assertThat(physical.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
		// After the fetch, settings go straight to the physical connection.
		connection.setAutoCommit(true);
		assertThat(physical.getAutoCommit()).isTrue();
		connection.close();
		assertThat(physical.isClosed()).isTrue();
		assertThat(connection.isClosed()).isTrue();
	}

	@Test
	void untouchedSettingsStayAtThePoolsDefaults() throws SQLException {
		LazyConnection connection = handle();
		connection.createStatement().close();
		Connection physical = this.dataSource.fetched.get(0);
		assertThat(physical.getAutoCommit()).isTrue();
		assertThat(physical.isReadOnly()).isFalse();
		connection.close();
	}

	@Test
	void aClosedHandleNeverFetches() throws SQLException {
		LazyConnection connection = handle();
		connection.close();
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> connection.prepareStatement("SELECT 1"))
			.withMessageContaining("closed");
		assertThatExceptionOfType(SQLException.class).isThrownBy(connection::getMetaData);
		assertThat(this.dataSource.fetched).isEmpty();
	}

	@Test
	void unwrapToTheDriverFetches() throws SQLException {
		LazyConnection connection = handle();
		assertThat(connection.unwrap(org.h2.jdbc.JdbcConnection.class)).isInstanceOf(org.h2.jdbc.JdbcConnection.class);
		assertThat(this.dataSource.fetched).hasSize(1);
		connection.close();
	}

	@Test
	void aConnectionThatCannotBeSetUpIsClosedNotLeaked() throws SQLException {
		LazyConnection connection = handle();
		// H2 refuses an isolation level that does not exist, as a driver refuses a setting.
		connection.setTransactionIsolation(12345);
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> connection.prepareStatement("SELECT 1"));
		assertThat(this.dataSource.fetched).hasSize(1);
		assertThat(this.dataSource.fetched.get(0).isClosed()).isTrue();
		assertThat(connection.isFetched()).isFalse();
	}

	/** A real H2 data source that remembers every physical connection it gave out. */
	private static final class Recording implements DataSource {

		private final JdbcDataSource h2 = new JdbcDataSource();

		private final List<Connection> fetched = new ArrayList<>();

		Recording() {
			this.h2.setURL("jdbc:h2:mem:lazy-connection;DB_CLOSE_DELAY=-1");
			this.h2.setUser("sa");
		}

		@Override
		public Connection getConnection() throws SQLException {
			Connection connection = rememberReadOnly(this.h2.getConnection());
			this.fetched.add(connection);
			return connection;
		}

		/** H2 ignores the read-only hint; this keeps it, so the test can see it was applied. */
		private static Connection rememberReadOnly(Connection h2) {
			boolean[] readOnly = new boolean[1];
			return (Connection) Proxy.newProxyInstance(LazyConnectionTests.class.getClassLoader(),
					new Class<?>[] { Connection.class }, (proxy, method, args) -> {
						switch (method.getName()) {
							case "setReadOnly":
								readOnly[0] = (Boolean) args[0];
								return null;
							case "isReadOnly":
								return readOnly[0];
							case "unwrap":
								if (((Class<?>) args[0]).isInstance(h2)) {
									return h2;
								}
								break;
							default:
						}
						try {
							return method.invoke(h2, args);
						}
						catch (InvocationTargetException ex) {
							throw ex.getTargetException();
						}
					});
		}

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			throw new SQLFeatureNotSupportedException();
		}

		@Override
		public PrintWriter getLogWriter() {
			return null;
		}

		@Override
		public void setLogWriter(PrintWriter out) {
		}

		@Override
		public void setLoginTimeout(int seconds) {
		}

		@Override
		public int getLoginTimeout() {
			return 0;
		}

		@Override
		public Logger getParentLogger() throws SQLFeatureNotSupportedException {
			throw new SQLFeatureNotSupportedException();
		}

		@Override
		public <T> T unwrap(Class<T> type) throws SQLException {
			throw new SQLException("not a wrapper");
		}

		@Override
		public boolean isWrapperFor(Class<?> type) {
			return false;
		}

	}

}
