package dev.shardline.scatter;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import dev.shardline.ShardlineException;
import dev.shardline.annotation.ReadOnly;
import dev.shardline.routing.RoutingContext;
import dev.shardline.routing.ShardRouting;
import dev.shardline.topology.Shard;
import dev.shardline.topology.Topology;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.IncorrectResultSizeDataAccessException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.core.ArgumentPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.RowMapperResultSetExtractor;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;

/**
 * Scatter-gather: the one way work fans out to several shards. Each shard's part runs in
 * parallel on a thread of the given executor, routed to the shard (and to a replica when
 * {@link #readOnly()}), and the results are merged:
 *
 * <pre class="code">
 * long orders = shardTemplate.readOnly().sumLong(jdbc, "SELECT COUNT(*) FROM orders").value();
 * ScatterResult&lt;List&lt;Order&gt;&gt; recent = shardTemplate.readOnly().timeout(Duration.ofSeconds(2)).partial()
 *     .collect((shard) -&gt; jdbc.query("SELECT ... WHERE created &gt; ?", mapper, since));
 * </pre>
 *
 * <p><b>Not part of the caller's transaction.</b> Every shard's work runs on another thread
 * with its own connections, outside any transaction the caller has open: it does not see the
 * caller's uncommitted writes, and nothing it writes is rolled back with the caller. A write
 * scatter that fails on one shard may have committed on others.
 *
 * <p><b>Timeouts.</b> Every shard must finish within the timeout of the scatter's start (they
 * run in parallel, so this also bounds the call; work queued behind a busy executor counts
 * toward it). A shard that does not is reported as timed out and its task is cancelled with an
 * interrupt. JDBC statements do not react to interrupts, so the JDBC helpers here
 * ({@link #queryForList}, {@link #sumLong}, {@link #queryTop}) also give each statement a query
 * timeout of the scatter's timeout (rounded up to whole seconds), which makes the server stop
 * it; in your own callbacks bound long statements the same way, or the executor's thread stays
 * busy until the statement ends.
 *
 * <p>Instances are immutable and thread-safe: the fluent methods return configured copies.
 */
public final class ShardTemplate {

	private static final Log logger = LogFactory.getLog(ShardTemplate.class);

	private final ShardRouting routing;

	private final Topology topology;

	private final Executor executor;

	private final ScatterListener listener;

	private final Duration timeout;

	private final boolean readOnly;

	private final String group;

	private final FailurePolicy policy;

	private final List<String> allShards;

	private final List<String> shards;

	/**
	 * Creates a template that scatters to every shard, to primaries, failing on any shard's
	 * failure ({@link FailurePolicy#FAIL}).
	 * @param routing the routing API each shard's work is routed with
	 * @param topology the shards
	 * @param executor runs the shards' work; must run tasks on threads of its own (bound it:
	 * each scatter submits one task per shard)
	 * @param defaultTimeout how long each shard may take
	 * @param listener told of every scatter (metrics), or null for none
	 */
	public ShardTemplate(ShardRouting routing, Topology topology, Executor executor, Duration defaultTimeout,
			ScatterListener listener) {
		Assert.notNull(routing, "'routing' must not be null");
		Assert.notNull(topology, "'topology' must not be null");
		Assert.notNull(executor, "'executor' must not be null");
		this.routing = routing;
		this.topology = topology;
		this.executor = executor;
		this.listener = (listener != null) ? listener : ScatterListener.NONE;
		this.timeout = checkTimeout(defaultTimeout);
		this.readOnly = false;
		this.group = ReadOnly.DEFAULT_GROUP;
		this.policy = FailurePolicy.FAIL;
		this.allShards = topology.shards().stream().map(Shard::name).toList();
		this.shards = this.allShards;
	}

	private ShardTemplate(ShardTemplate template, Duration timeout, boolean readOnly, String group,
			FailurePolicy policy, List<String> shards) {
		this.routing = template.routing;
		this.topology = template.topology;
		this.executor = template.executor;
		this.listener = template.listener;
		this.allShards = template.allShards;
		this.timeout = timeout;
		this.readOnly = readOnly;
		this.group = group;
		this.policy = policy;
		this.shards = shards;
	}

	private static Duration checkTimeout(Duration timeout) {
		Assert.notNull(timeout, "'timeout' must not be null");
		Assert.isTrue(!timeout.isNegative() && !timeout.isZero(), () -> "The timeout must be positive: " + timeout);
		return timeout;
	}

	/**
	 * The work only reads: replicas of the default group serve it (with the usual fallback to
	 * the primary).
	 * @return a configured copy
	 */
	public ShardTemplate readOnly() {
		return readOnly(ReadOnly.DEFAULT_GROUP);
	}

	/**
	 * The work only reads: replicas of the given group serve it.
	 * @param group the replica group
	 * @return a configured copy
	 */
	public ShardTemplate readOnly(String group) {
		Assert.hasText(group, "'group' must not be empty");
		return new ShardTemplate(this, this.timeout, true, group, this.policy, this.shards);
	}

	/**
	 * How long each shard may take, from the start of the scatter.
	 * @param timeout the timeout, positive
	 * @return a configured copy
	 */
	public ShardTemplate timeout(Duration timeout) {
		return new ShardTemplate(this, checkTimeout(timeout), this.readOnly, this.group, this.policy, this.shards);
	}

	/**
	 * Shards that fail or time out are reported in the result instead of failing the call
	 * ({@link FailurePolicy#PARTIAL}).
	 * @return a configured copy
	 */
	public ShardTemplate partial() {
		return failurePolicy(FailurePolicy.PARTIAL);
	}

	/**
	 * What to do when shards fail or time out.
	 * @param policy the policy
	 * @return a configured copy
	 */
	public ShardTemplate failurePolicy(FailurePolicy policy) {
		Assert.notNull(policy, "'policy' must not be null");
		return new ShardTemplate(this, this.timeout, this.readOnly, this.group, policy, this.shards);
	}

	/**
	 * Scatters to some shards only (e.g. the ranges a query can match).
	 * @param shardNames the shards' names
	 * @return a configured copy
	 */
	public ShardTemplate onShards(String... shardNames) {
		return onShards(Arrays.asList(shardNames));
	}

	/**
	 * Scatters to some shards only (e.g. the ranges a query can match).
	 * @param shardNames the shards' names
	 * @return a configured copy
	 */
	public ShardTemplate onShards(Collection<String> shardNames) {
		Assert.notEmpty(shardNames, "At least one shard is required");
		for (String name : shardNames) {
			if (this.topology.shard(name) == null) {
				throw new ShardlineException(
						"Unknown shard '" + name + "': configured shards are " + this.allShards);
			}
		}
		// Topology order, so results and messages read the same whatever order was given.
		List<String> selected = this.allShards.stream().filter(shardNames::contains).toList();
		return new ShardTemplate(this, this.timeout, this.readOnly, this.group, this.policy, selected);
	}

	/**
	 * Runs work on every shard in parallel.
	 * @param <T> the per-shard result type
	 * @param work the work, given the shard's name
	 * @return the results by shard name, in topology order (only shards that answered)
	 * @throws ScatterException under {@link FailurePolicy#FAIL} when a shard fails or times out
	 */
	public <T> ScatterResult<Map<String, T>> scatter(ShardCallback<? extends T> work) {
		Assert.notNull(work, "'work' must not be null");
		return run(this.shards, work, Function.identity());
	}

	/**
	 * Runs work on every shard in parallel and concatenates the collections they return, in
	 * shard order.
	 * @param <E> the element type
	 * @param work the work, given the shard's name
	 * @return the concatenation
	 * @throws ScatterException under {@link FailurePolicy#FAIL} when a shard fails or times out
	 */
	public <E> ScatterResult<List<E>> collect(ShardCallback<? extends Collection<? extends E>> work) {
		Assert.notNull(work, "'work' must not be null");
		return run(this.shards, work, ShardMerge::concat);
	}

	/**
	 * Runs work on every shard in parallel and adds the numbers they return as longs (a total
	 * count is the sum of per-shard counts); null counts as zero.
	 * @param work the work, given the shard's name
	 * @return the sum
	 * @throws ScatterException under {@link FailurePolicy#FAIL} when a shard fails or times out
	 */
	public ScatterResult<Long> sum(ShardCallback<? extends Number> work) {
		Assert.notNull(work, "'work' must not be null");
		return run(this.shards, work, ShardMerge::sum);
	}

	/**
	 * Runs work on every shard in parallel and keeps the smallest value; null results are
	 * ignored.
	 * @param <C> the value type
	 * @param work the work, given the shard's name
	 * @return the minimum, empty when no shard had a value
	 * @throws ScatterException under {@link FailurePolicy#FAIL} when a shard fails or times out
	 */
	public <C extends Comparable<? super C>> ScatterResult<Optional<C>> min(ShardCallback<? extends C> work) {
		Assert.notNull(work, "'work' must not be null");
		return run(this.shards, work, ShardMerge::min);
	}

	/**
	 * Runs work on every shard in parallel and keeps the largest value; null results are
	 * ignored.
	 * @param <C> the value type
	 * @param work the work, given the shard's name
	 * @return the maximum, empty when no shard had a value
	 * @throws ScatterException under {@link FailurePolicy#FAIL} when a shard fails or times out
	 */
	public <C extends Comparable<? super C>> ScatterResult<Optional<C>> max(ShardCallback<? extends C> work) {
		Assert.notNull(work, "'work' must not be null");
		return run(this.shards, work, ShardMerge::max);
	}

	/**
	 * Runs work on every shard in parallel, each returning its first {@code n} elements sorted
	 * by {@code order} (e.g. {@code ORDER BY ... LIMIT n}), and merges them into the first
	 * {@code n} overall with a k-way merge (see {@link ShardMerge#top}).
	 * @param <E> the element type
	 * @param n how many elements to keep
	 * @param order the order each shard's list is sorted by
	 * @param work the work, given the shard's name
	 * @return the first {@code n} elements overall
	 * @throws ScatterException under {@link FailurePolicy#FAIL} when a shard fails or times out
	 */
	public <E> ScatterResult<List<E>> top(int n, Comparator<? super E> order,
			ShardCallback<? extends List<? extends E>> work) {
		Assert.notNull(order, "'order' must not be null");
		Assert.notNull(work, "'work' must not be null");
		Function<Map<String, ? extends List<? extends E>>, List<E>> merge = ShardMerge.top(n, order);
		return run(this.shards, work, merge);
	}

	/**
	 * Groups keys by the shard that owns them and runs one batch per shard, in parallel, on
	 * those shards only (e.g. a {@code saveAll}, or an {@code IN} list spanning shards). Keys
	 * are resolved as reads when {@link #readOnly()}, else as writes (a key being moved to
	 * another shard fails the call before any batch runs).
	 * @param <K> the key type
	 * @param <T> the per-shard result type
	 * @param keys the keys
	 * @param work the batch, given the shard's name and its keys
	 * @return the results by shard name, in topology order
	 * @throws ScatterException under {@link FailurePolicy#FAIL} when a shard fails or times out
	 */
	public <K, T> ScatterResult<Map<String, T>> forKeys(Collection<? extends K> keys,
			ShardBatchCallback<K, ? extends T> work) {
		Assert.notNull(keys, "'keys' must not be null");
		Assert.notNull(work, "'work' must not be null");
		Map<String, List<K>> batches = groupByShard(keys);
		return run(List.copyOf(batches.keySet()), (shard) -> work.doInShard(shard, batches.get(shard)),
				Function.identity());
	}

	/**
	 * Like {@link #forKeys}, concatenating the collections the batches return in shard order
	 * (e.g. the rows of an {@code IN} list spanning shards).
	 * @param <K> the key type
	 * @param <E> the element type
	 * @param keys the keys
	 * @param work the batch, given the shard's name and its keys
	 * @return the concatenation
	 * @throws ScatterException under {@link FailurePolicy#FAIL} when a shard fails or times out
	 */
	public <K, E> ScatterResult<List<E>> collectForKeys(Collection<? extends K> keys,
			ShardBatchCallback<K, ? extends Collection<? extends E>> work) {
		Assert.notNull(keys, "'keys' must not be null");
		Assert.notNull(work, "'work' must not be null");
		Map<String, List<K>> batches = groupByShard(keys);
		return run(List.copyOf(batches.keySet()), (shard) -> work.doInShard(shard, batches.get(shard)),
				ShardMerge::concat);
	}

	/**
	 * Runs a query on every shard and concatenates the rows. The statement gets the scatter's
	 * timeout as its query timeout.
	 * @param <E> the row type
	 * @param jdbc the template (on Shardline's data source)
	 * @param sql the query
	 * @param rowMapper maps each row
	 * @param args the query's arguments
	 * @return all shards' rows, in shard order
	 * @throws ScatterException under {@link FailurePolicy#FAIL} when a shard fails or times out
	 */
	public <E> ScatterResult<List<E>> queryForList(JdbcTemplate jdbc, String sql, RowMapper<E> rowMapper,
			Object... args) {
		Assert.notNull(jdbc, "'jdbc' must not be null");
		return collect((shard) -> jdbc.query(sql, statementSetter(args), new RowMapperResultSetExtractor<>(rowMapper)));
	}

	/**
	 * Runs a single-row query (e.g. {@code SELECT COUNT(*) ...}, {@code SELECT SUM(...) ...})
	 * on every shard and adds the first column as longs; no row or NULL counts as zero. The
	 * statement gets the scatter's timeout as its query timeout.
	 * @param jdbc the template (on Shardline's data source)
	 * @param sql the query
	 * @param args the query's arguments
	 * @return the sum over the shards
	 * @throws ScatterException under {@link FailurePolicy#FAIL} when a shard fails or times out
	 */
	public ScatterResult<Long> sumLong(JdbcTemplate jdbc, String sql, Object... args) {
		Assert.notNull(jdbc, "'jdbc' must not be null");
		return sum((shard) -> jdbc.query(sql, statementSetter(args), ShardTemplate::singleLong));
	}

	/**
	 * Runs a query returning each shard's first {@code n} rows in {@code order} (its
	 * {@code ORDER BY} must match the comparator, with {@code LIMIT n}) and merges them into
	 * the first {@code n} overall. The statement gets the scatter's timeout as its query
	 * timeout.
	 * @param <E> the row type
	 * @param jdbc the template (on Shardline's data source)
	 * @param sql the query
	 * @param rowMapper maps each row
	 * @param order the query's order, as a comparator
	 * @param n how many rows to keep
	 * @param args the query's arguments
	 * @return the first {@code n} rows overall
	 * @throws ScatterException under {@link FailurePolicy#FAIL} when a shard fails or times out
	 */
	public <E> ScatterResult<List<E>> queryTop(JdbcTemplate jdbc, String sql, RowMapper<E> rowMapper,
			Comparator<? super E> order, int n, Object... args) {
		Assert.notNull(jdbc, "'jdbc' must not be null");
		return top(n, order,
				(shard) -> jdbc.query(sql, statementSetter(args), new RowMapperResultSetExtractor<>(rowMapper)));
	}

	private static Long singleLong(ResultSet rs) throws SQLException {
		if (!rs.next()) {
			return null;
		}
		long value = rs.getLong(1);
		boolean isNull = rs.wasNull();
		if (rs.next()) {
			throw new IncorrectResultSizeDataAccessException("sumLong expects at most one row per shard", 1);
		}
		return isNull ? null : value;
	}

	private ArgumentPreparedStatementSetter statementSetter(Object[] args) {
		long seconds = (this.timeout.toMillis() + 999) / 1000;
		return new TimedStatementSetter(args, (int) Math.min(Integer.MAX_VALUE, Math.max(1, seconds)));
	}

	private <K> Map<String, List<K>> groupByShard(Collection<? extends K> keys) {
		Map<String, List<K>> found = new HashMap<>();
		for (K key : keys) {
			String shard = this.readOnly ? this.routing.shardFor(key) : writeShardOf(key);
			found.computeIfAbsent(shard, (name) -> new ArrayList<>()).add(key);
		}
		Map<String, List<K>> batches = new LinkedHashMap<>();
		for (String shard : this.allShards) {
			List<K> batch = found.get(shard);
			if (batch != null) {
				if (!this.shards.contains(shard)) {
					throw new ShardlineException("Key '" + batch.get(0) + "' belongs to shard '" + shard
							+ "', which this scatter is not sent to (" + this.shards + ")");
				}
				batches.put(shard, Collections.unmodifiableList(batch));
			}
		}
		return batches;
	}

	private String writeShardOf(Object key) {
		// Entering a keyed write route resolves the key as a write does, so a key being moved is
		// refused now rather than written to its old shard. A fresh transaction scope: the
		// caller's transaction is not the batches' (they run on other threads).
		return this.routing.onShard(key).inNewTransaction().get(RoutingContext::currentShard);
	}

	private <T, R> ScatterResult<R> run(List<String> shards, ShardCallback<? extends T> work,
			Function<? super Map<String, T>, ? extends R> merge) {
		long start = System.nanoTime();
		if (shards.isEmpty()) {
			return new ScatterResult<>(merge.apply(Collections.emptyMap()), List.of(), List.of(), 0);
		}
		long deadline = start + this.timeout.toNanos();
		BlockingQueue<ShardTask<T>> completions = new LinkedBlockingQueue<>();
		List<ShardTask<T>> tasks = new ArrayList<>(shards.size());
		for (String shard : shards) {
			ShardTask<T> task = new ShardTask<>(shard, routed(shard, work), completions);
			tasks.add(task);
			try {
				this.executor.execute(task);
			}
			catch (RejectedExecutionException ex) {
				task.rejected(ex);
			}
		}
		boolean stoppedByFailure = false;
		InterruptedException interruption = null;
		try {
			for (int pending = tasks.size(); pending > 0; pending--) {
				long left = deadline - System.nanoTime();
				ShardTask<T> done = (left > 0) ? completions.poll(left, TimeUnit.NANOSECONDS) : null;
				if (done == null) {
					break;
				}
				if (this.policy == FailurePolicy.FAIL && done.failed()) {
					// The call fails anyway: do not keep the other shards busy for nothing.
					stoppedByFailure = true;
					break;
				}
			}
		}
		catch (InterruptedException ex) {
			interruption = ex;
		}
		Map<String, T> results = new LinkedHashMap<>();
		List<ShardFailure> failures = new ArrayList<>();
		List<String> cancelled = new ArrayList<>();
		for (ShardTask<T> task : tasks) {
			if (task.cancel(true)) {
				if (interruption != null) {
					failures.add(new ShardFailure(task.shard, interruption, false));
				}
				else if (stoppedByFailure) {
					cancelled.add(task.shard);
				}
				else {
					failures.add(new ShardFailure(task.shard, new TimeoutException(
							"no result within " + this.timeout.toMillis() + " ms; its work was cancelled"), true));
				}
				continue;
			}
			Throwable failure = task.failure();
			if (failure != null) {
				failures.add(new ShardFailure(task.shard, failure, isTimeout(failure)));
			}
			else {
				results.put(task.shard, task.result());
			}
		}
		if (interruption != null) {
			Thread.currentThread().interrupt();
		}
		boolean failed = true;
		try {
			if (!failures.isEmpty() && (this.policy == FailurePolicy.FAIL || interruption != null)) {
				throw new ScatterException(shards, failures, cancelled);
			}
			R value = merge.apply(Collections.unmodifiableMap(results));
			failed = !failures.isEmpty();
			return new ScatterResult<>(value, List.copyOf(results.keySet()), failures, System.nanoTime() - start);
		}
		finally {
			completed(shards.size(), System.nanoTime() - start, failed);
		}
	}

	private static boolean isTimeout(Throwable failure) {
		// A statement's own query timeout (the JDBC helpers set one) is a timeout too.
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLTimeoutException || cause instanceof QueryTimeoutException) {
				return true;
			}
		}
		return false;
	}

	private <T> Callable<T> routed(String shard, ShardCallback<? extends T> work) {
		boolean readOnly = this.readOnly;
		String group = this.group;
		return () -> {
			if (TransactionSynchronizationManager.isSynchronizationActive()) {
				// Routing would follow that transaction's connection, whatever shard this is.
				throw new IllegalStateException("The executor ran the work for " + shard
						+ " on a thread inside a transaction (the caller's?): give ShardTemplate an executor with"
						+ " threads of its own");
			}
			ShardRouting.Route route = this.routing.onShardNamed(shard);
			if (readOnly) {
				route.readOnly(group);
			}
			return route.call(() -> work.doInShard(shard));
		};
	}

	private void completed(int shards, long nanos, boolean failed) {
		try {
			this.listener.completed(shards, nanos, failed);
		}
		catch (RuntimeException ex) {
			logger.warn("Scatter listener failed", ex);
		}
	}

	@Override
	public String toString() {
		return "ShardTemplate[shards=" + this.shards + ", " + (this.readOnly ? "read-only(" + this.group + ")" : "primary")
				+ ", timeout=" + this.timeout + ", " + this.policy + "]";
	}

	/** One shard's task; reports its completion to the scatter's queue. */
	private static final class ShardTask<T> extends FutureTask<T> {

		private final String shard;

		private final BlockingQueue<ShardTask<T>> completions;

		ShardTask(String shard, Callable<T> work, BlockingQueue<ShardTask<T>> completions) {
			super(work);
			this.shard = shard;
			this.completions = completions;
		}

		@Override
		protected void done() {
			this.completions.add(this);
		}

		void rejected(RejectedExecutionException ex) {
			setException(ex);
		}

		boolean failed() {
			return failure() != null;
		}

		/** What the completed task threw, or null. */
		Throwable failure() {
			try {
				get(0, TimeUnit.NANOSECONDS);
				return null;
			}
			catch (ExecutionException ex) {
				return ex.getCause();
			}
			catch (InterruptedException | TimeoutException ex) {
				throw new IllegalStateException("Task of " + this.shard + " has not completed", ex);
			}
		}

		T result() {
			try {
				return get(0, TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException | ExecutionException | TimeoutException ex) {
				throw new IllegalStateException("Task of " + this.shard + " has no result", ex);
			}
		}

	}

	/** The statement's arguments, and a query timeout no longer than the scatter's. */
	private static final class TimedStatementSetter extends ArgumentPreparedStatementSetter {

		private final int seconds;

		TimedStatementSetter(Object[] args, int seconds) {
			super(args);
			this.seconds = seconds;
		}

		@Override
		public void setValues(PreparedStatement ps) throws SQLException {
			// JdbcTemplate applied its own query timeout before this runs: keep the shorter one.
			int current = ps.getQueryTimeout();
			ps.setQueryTimeout((current > 0) ? Math.min(current, this.seconds) : this.seconds);
			super.setValues(ps);
		}

	}

}
