package dev.shardline.routing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

import dev.shardline.replication.GtidPosition;
import dev.shardline.replication.GtidWaits;
import dev.shardline.topology.ShardNode;

/**
 * Watches a primary connection for writes, for read-your-writes: a statement that reported an
 * update count above zero is a write once its transaction commits (at once in auto-commit).
 * In gtid mode the write's GTID is read on this same connection before it returns to the pool.
 * Only used when read-your-writes is on.
 */
final class WriteTrackingConnection implements InvocationHandler {

	private final Connection target;

	private final ShardRouter router;

	private final ShardNode node;

	private final boolean captureGtid;

	private boolean pending;

	private WriteTrackingConnection(Connection target, ShardRouter router, ShardNode node, boolean captureGtid) {
		this.target = target;
		this.router = router;
		this.node = node;
		this.captureGtid = captureGtid;
	}

	static Connection wrap(Connection target, ShardRouter router, ShardNode node, boolean captureGtid) {
		return (Connection) Proxy.newProxyInstance(WriteTrackingConnection.class.getClassLoader(),
				new Class<?>[] { Connection.class }, new WriteTrackingConnection(target, router, node, captureGtid));
	}

	@Override
	public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
		String name = method.getName();
		switch (name) {
			case "equals":
				return proxy == args[0];
			case "hashCode":
				return System.identityHashCode(proxy);
			case "unwrap":
				if (((Class<?>) args[0]).isInstance(proxy)) {
					return proxy;
				}
				break;
			case "isWrapperFor":
				if (((Class<?>) args[0]).isInstance(proxy)) {
					return true;
				}
				break;
			case "commit":
				invokeTarget(method, args);
				committed();
				return null;
			case "rollback":
				invokeTarget(method, args);
				if (args == null) {
					this.pending = false;
				}
				return null;
			case "setAutoCommit":
				boolean before = this.target.getAutoCommit();
				invokeTarget(method, args);
				if (!before && (Boolean) args[0]) {
					// Switching auto-commit on commits the open transaction.
					committed();
				}
				return null;
			default:
		}
		Object result = invokeTarget(method, args);
		if (result instanceof Statement statement && (name.startsWith("create") || name.startsWith("prepare"))) {
			Class<?> type = (statement instanceof CallableStatement) ? CallableStatement.class
					: (statement instanceof PreparedStatement) ? PreparedStatement.class : Statement.class;
			return Proxy.newProxyInstance(WriteTrackingConnection.class.getClassLoader(), new Class<?>[] { type },
					new StatementHandler(statement, (Connection) proxy));
		}
		return result;
	}

	private Object invokeTarget(Method method, Object[] args) throws Throwable {
		try {
			return method.invoke(this.target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

	void updated(long count) throws SQLException {
		if (count > 0) {
			this.pending = true;
			if (this.target.getAutoCommit()) {
				committed();
			}
		}
	}

	private void committed() throws SQLException {
		if (!this.pending) {
			return;
		}
		this.pending = false;
		String gtid = null;
		if (this.captureGtid) {
			gtid = lastGtid();
		}
		this.router.recordWrite(this.node, gtid);
	}

	/**
	 * The position a replica must reach to hold this connection's last write: MariaDB's
	 * {@code @@last_gtid}; on MySQL (no such variable) the primary's whole executed set,
	 * which includes the write (unverified here: no MySQL server in this build).
	 */
	private String lastGtid() throws SQLException {
		try {
			return GtidWaits.readLastGtid(this.target).map(Object::toString).orElse(null);
		}
		catch (SQLException ex) {
			return GtidWaits.readPosition(this.target, GtidPosition.Flavor.MYSQL, false).toString();
		}
	}

	/** Reports update counts of one statement to its connection. */
	private final class StatementHandler implements InvocationHandler {

		private final Statement target;

		private final Connection connectionProxy;

		StatementHandler(Statement target, Connection connectionProxy) {
			this.target = target;
			this.connectionProxy = connectionProxy;
		}

		@Override
		public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
			String name = method.getName();
			if (name.equals("getConnection")) {
				return this.connectionProxy;
			}
			if (name.equals("equals")) {
				return proxy == args[0];
			}
			if (name.equals("hashCode")) {
				return System.identityHashCode(proxy);
			}
			Object result;
			try {
				result = method.invoke(this.target, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getTargetException();
			}
			if (name.startsWith("execute")) {
				if (result instanceof Integer count) {
					updated(count);
				}
				else if (result instanceof Long count) {
					updated(count);
				}
				else if (result instanceof int[] counts) {
					for (int count : counts) {
						updated((count == Statement.SUCCESS_NO_INFO) ? 1 : count);
					}
				}
				else if (result instanceof long[] counts) {
					for (long count : counts) {
						updated((count == Statement.SUCCESS_NO_INFO) ? 1 : count);
					}
				}
				else if (result instanceof Boolean isResultSet && !isResultSet) {
					updated(this.target.getUpdateCount());
				}
			}
			return result;
		}

	}

}
