package dev.shardline.routing;

import java.math.BigInteger;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import dev.shardline.CrossShardAccessException;
import dev.shardline.NoReplicaAvailableException;
import dev.shardline.ShardKeyMissingException;
import dev.shardline.ShardUnavailableException;
import dev.shardline.ShardlineException;
import dev.shardline.annotation.ReadOnly;
import dev.shardline.strategy.ShardKeyConverter;
import dev.shardline.strategy.ShardingStrategy;
import dev.shardline.topology.NodeHealth;
import dev.shardline.topology.Shard;
import dev.shardline.topology.ShardNode;
import dev.shardline.topology.Topology;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;

import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Resolves keys to shards and, when a physical connection is fetched, the current route to a
 * node. The decisions of the routing rules live here; the interceptor, the programmatic API
 * and the data source only call in. The node choice reads node health without locks and
 * allocates nothing.
 */
public final class ShardRouter {

	private final Topology topology;

	private final ShardingStrategy strategy;

	private final List<ShardKeyConverter> converters;

	private final RoutingPolicy policy;

	private final long maxLagNanos;

	private final long windowMicros;

	private final RouteListener listener;

	private volatile RouteObserver observer;

	private volatile KeyDirectory directory;

	/**
	 * Creates a router.
	 * @param topology the shards and nodes
	 * @param strategy the key-to-shard strategy
	 * @param converters converters for application key types
	 * @param policy the routing knobs
	 * @param listener told of every node choice (metrics); never null
	 */
	public ShardRouter(Topology topology, ShardingStrategy strategy, List<ShardKeyConverter> converters,
			RoutingPolicy policy, RouteListener listener) {
		this.topology = topology;
		this.strategy = strategy;
		this.converters = List.copyOf(converters);
		this.policy = policy;
		this.maxLagNanos = policy.maxLag().toNanos();
		this.windowMicros = policy.readYourWritesWindow().toNanos() / 1000;
		this.listener = listener;
	}

	/**
	 * Creates a router with default policy knobs except the two routing flags.
	 * @param topology the shards and nodes
	 * @param strategy the key-to-shard strategy
	 * @param converters converters for application key types
	 * @param failOnMissingKey whether a null key fails (else: default shard)
	 * @param transactionalReadOnly whether read-only transactions count as {@code @ReadOnly}
	 * @param listener told of every node choice (metrics); never null
	 */
	public ShardRouter(Topology topology, ShardingStrategy strategy, List<ShardKeyConverter> converters,
			boolean failOnMissingKey, boolean transactionalReadOnly, RouteListener listener) {
		this(topology, strategy, converters, withFlags(RoutingPolicy.defaults(), failOnMissingKey, transactionalReadOnly),
				listener);
	}

	private static RoutingPolicy withFlags(RoutingPolicy p, boolean failOnMissingKey, boolean transactionalReadOnly) {
		return new RoutingPolicy(failOnMissingKey, transactionalReadOnly, p.maxLag(), p.failWithoutReplica(),
				p.failReadsWhilePrimaryDown(), p.readYourWrites(), p.readYourWritesWindow(), p.gtidWait(), p.clock());
	}

	/** The shards and nodes routed to. */
	public Topology topology() {
		return this.topology;
	}

	/** The routing knobs. */
	public RoutingPolicy policy() {
		return this.policy;
	}

	private volatile java.util.function.LongToIntFunction idShards;

	/**
	 * Lets keys marked as Shardline IDs route by their own bits (routing rule 1).
	 * @param shardIndexOfId the shard index an ID carries
	 */
	public void setIdShards(java.util.function.LongToIntFunction shardIndexOfId) {
		this.idShards = shardIndexOfId;
	}

	/**
	 * The shard a Shardline ID was minted for, from its bits (routing rule 1).
	 * @param id the ID (a Long, or another integral number)
	 * @param where the method or call site, for messages
	 * @return the shard
	 */
	public Shard shardOfId(Object id, String where) {
		if (id == null) {
			return shardFor(null, where);
		}
		java.util.function.LongToIntFunction shards = this.idShards;
		if (shards == null) {
			throw new ShardlineException("A @ShardKey(shardlineId = true) key reached " + where
					+ " but Shardline IDs are not configured");
		}
		if (!(id instanceof Long || id instanceof Integer)) {
			throw new ShardlineException("A Shardline ID must be a long, but " + where + " got " + id.getClass().getName());
		}
		long value = ((Number) id).longValue();
		int index;
		try {
			index = shards.applyAsInt(value);
		}
		catch (IllegalArgumentException ex) {
			throw new ShardlineException("'" + id + "' is not a Shardline ID (" + where + "): " + ex.getMessage(), ex);
		}
		if (index < 0 || index >= this.topology.shards().size()) {
			throw new ShardlineException("ID " + id + " names shard index " + index + ", but only "
					+ this.topology.shards().size() + " shards are configured (" + where + ")");
		}
		return this.topology.shards().get(index);
	}

	/**
	 * Puts a directory in front of the strategy (routing rule 1).
	 * @param directory the directory, or null for none
	 */
	public void setDirectory(KeyDirectory directory) {
		this.directory = directory;
	}

	/**
	 * The shard that owns a key for reading (routing rule 1).
	 * @param key the key; null is a missing key
	 * @param where the method or call site, for messages
	 * @return the shard
	 */
	public Shard shardFor(Object key, String where) {
		return shardFor(key, where, false);
	}

	/**
	 * The shard that owns a key (routing rule 1): a Shardline ID's own bits, else the
	 * directory's entry, else the strategy's choice.
	 * @param key the key; null is a missing key
	 * @param where the method or call site, for messages
	 * @param write whether the work may write (a key being moved refuses writes)
	 * @return the shard
	 */
	public Shard shardFor(Object key, String where, boolean write) {
		if (key == null) {
			if (this.policy.failOnMissingKey()) {
				throw new ShardKeyMissingException(where);
			}
			return this.topology.defaultShard();
		}
		String name;
		Object converted = convert(key);
		try {
			name = this.strategy.shardFor(converted);
		}
		catch (IllegalArgumentException ex) {
			throw new ShardlineException("Cannot route key '" + key + "' of " + where + ": " + ex.getMessage(), ex);
		}
		KeyDirectory directory = this.directory;
		if (directory != null) {
			String assigned = directory.shardFor(converted, write, name);
			if (assigned != null) {
				name = assigned;
			}
		}
		Shard shard = this.topology.shard(name);
		if (shard == null) {
			throw new ShardlineException("The sharding strategy placed key '" + key + "' on shard '" + name
					+ "', which is not configured under shardline.shards (" + where + ")");
		}
		return shard;
	}

	/**
	 * A shard by name.
	 * @param name the shard's name
	 * @return the shard
	 */
	public Shard shardNamed(String name) {
		Shard shard = this.topology.shard(name);
		if (shard == null) {
			throw new ShardlineException("Unknown shard '" + name + "': configured shards are "
					+ this.topology.shards().stream().map(Shard::name).toList());
		}
		return shard;
	}

	private Object convert(Object key) {
		if (key instanceof Long || key instanceof Integer || key instanceof String || key instanceof UUID
				|| key instanceof Short || key instanceof Byte || key instanceof BigInteger || key instanceof byte[]) {
			return key;
		}
		for (ShardKeyConverter converter : this.converters) {
			if (converter.supports(key.getClass())) {
				return converter.convert(key);
			}
		}
		return key;
	}

	/**
	 * Enters a routed call on the current thread after checking it against the current
	 * transaction (routing rule 4).
	 */
	void enter(Shard shard, boolean readOnly, String group, boolean freshTransaction, Object key, String where) {
		if (shard != null && !freshTransaction && TransactionSynchronizationManager.isActualTransactionActive()) {
			TransactionBinding binding = (TransactionBinding) TransactionSynchronizationManager.getResource(this);
			if (binding != null && binding.shard() != shard) {
				throw new CrossShardAccessException(binding.shard().name(), shard.name(), key, where);
			}
		}
		RouteStack stack = RoutingContext.stack();
		if (stack.isEmpty() && stack.scope == null && this.policy.readYourWrites() != RoutingPolicy.Mode.NONE) {
			// The outermost routed call is the unit of work when no request or explicit scope is open.
			stack.scope = new ConsistencyScope(this.topology.shards().size(), true);
		}
		stack.enter(shard, readOnly, group);
		KeyDirectory directory = this.directory;
		if (readOnly && key != null && shard != null && directory != null
				&& directory.readsOnPrimary(convert(key))) {
			stack.top().primaryRead = true;
		}
	}

	/** Leaves the routed call entered last on this thread. */
	void exit() {
		RouteStack stack = RoutingContext.stack();
		stack.exit();
		if (stack.isEmpty() && this.observer != null) {
			this.observer.routeLeft();
		}
		if (stack.isEmpty() && stack.scope != null && stack.scope.isImplicit()) {
			stack.scope = null;
		}
	}

	/**
	 * Opens a unit of work for read-your-writes (a request, an explicit scope) on this thread
	 * until the returned scope closes. A unit of work already open stays in charge.
	 * @return the scope to close at the end of the unit of work
	 */
	public RoutingContext.Scope openUnitOfWork() {
		RouteStack stack = RoutingContext.stack();
		ConsistencyScope previous = stack.scope;
		if (previous != null && !previous.isImplicit()) {
			return () -> {
			};
		}
		stack.scope = new ConsistencyScope(this.topology.shards().size(), false);
		return () -> stack.scope = previous;
	}

	/**
	 * The current unit of work's writes.
	 * @return the scope, or null when none is open
	 */
	public ConsistencyScope currentUnitOfWork() {
		return RoutingContext.stack().scope;
	}

	/**
	 * Chooses the node for a physical connection fetched now (routing rules 2-5). No side
	 * effects on transactions; allocation-free.
	 * @return the node to take a connection from
	 */
	ShardNode select() {
		RouteFrame frame = RoutingContext.stack().top();
		boolean inTransaction = TransactionSynchronizationManager.isActualTransactionActive();
		if (inTransaction) {
			TransactionBinding binding = (TransactionBinding) TransactionSynchronizationManager.getResource(this);
			if (binding != null) {
				// A second physical connection inside one transaction stays on its node.
				return binding.node();
			}
		}
		Shard shard = (frame != null && frame.shard != null) ? frame.shard : this.topology.defaultShard();
		boolean readOnly = (frame != null && frame.readOnly);
		String group = (frame != null) ? frame.group : ReadOnly.DEFAULT_GROUP;
		if (inTransaction) {
			boolean readOnlyTransaction = TransactionSynchronizationManager.isCurrentTransactionReadOnly();
			if (readOnlyTransaction && this.policy.transactionalReadOnly() && !readOnly) {
				readOnly = true;
				group = ReadOnly.DEFAULT_GROUP;
			}
			else if (readOnly && !readOnlyTransaction) {
				// @ReadOnly inside a read-write transaction stays on its primary connection.
				return choose(frame, writer(shard), RouteReason.IN_TRANSACTION);
			}
		}
		if (readOnly && frame != null && frame.primaryRead) {
			// A key that has just moved: the new owner's replicas may not have its copy yet.
			return readFromWriter(frame, shard, group, RouteReason.READ_YOUR_WRITES, false);
		}
		if (frame != null && frame.node != null && frame.node.shard().equals(shard.name()) && frame.gtidWait == null) {
			ShardNode sticky = frame.node;
			if (readOnly ? (sticky != shard.currentPrimary() && sticky.health().state() == NodeHealth.State.UP
					&& !sticky.health().drained())
					: sticky == shard.currentPrimary()) {
				return sticky;
			}
		}
		if (!readOnly) {
			return choose(frame, writer(shard),
					(frame != null && frame.shard != null) ? RouteReason.WRITE : RouteReason.UNKEYED);
		}
		return chooseReader(frame, shard, group, null, false);
	}

	/**
	 * Picks a replica of the group that is up, fresh enough and, for read-your-writes, past the
	 * unit of work's last write; else falls back (rule 2). A replica whose pool is saturated is
	 * passed over while another can serve, without being ejected: busy is not dead.
	 * @param exclude a replica that just failed to give a connection, or null
	 * @param excludedBusy whether that replica failed because its pool was saturated
	 */
	private ShardNode chooseReader(RouteFrame frame, Shard shard, String group, ShardNode exclude,
			boolean excludedBusy) {
		ShardNode writer = shard.currentPrimary();
		Shard.ReplicaGroup candidates = shard.group(group);
		ConsistencyScope scope = RoutingContext.stack().scope;
		long writeMicros = 0;
		String gtid = null;
		if (scope != null) {
			if (this.policy.readYourWrites() == RoutingPolicy.Mode.GTID) {
				gtid = scope.gtid(shard.index());
			}
			else if (this.policy.readYourWrites() == RoutingPolicy.Mode.SESSION) {
				writeMicros = scope.writeMicros(shard.index());
				if (writeMicros > 0 && nowMicros() - writeMicros > this.windowMicros) {
					writeMicros = 0;
				}
			}
		}
		int size = (candidates != null) ? candidates.size() : 0;
		int count = 0;
		int totalWeight = 0;
		int lastEligible = -1;
		int fresh = -1;
		int busy = -1;
		// Eligible candidates by index (the first 64; beyond, eligibility is checked again).
		long eligible = 0;
		boolean lagging = false;
		boolean unknown = false;
		boolean behindOwnWrite = false;
		for (int i = 0; i < size; i++) {
			ShardNode node = candidates.node(i);
			if (node == writer || node == exclude) {
				continue;
			}
			count++;
			NodeHealth health = node.health();
			if (health.drained()) {
				continue;
			}
			switch (health.state()) {
				case UP -> {
					if (writeMicros > 0 && health.appliedThroughMicros() <= writeMicros) {
						behindOwnWrite = true;
					}
					else if (gtid != null && !GtidCoverage.covers(health.gtidPosition(), gtid)) {
						behindOwnWrite = true;
						fresh = i;
					}
					else if (isBusy(node)) {
						busy = i;
					}
					else {
						totalWeight += candidates.weight(i);
						lastEligible = i;
						if (i < 64) {
							eligible |= 1L << i;
						}
					}
				}
				case LAGGING -> lagging = true;
				case UNKNOWN -> unknown = true;
				default -> {
				}
			}
		}
		if (totalWeight > 0) {
			ShardNode picked = candidates.node(lastEligible);
			int point = ThreadLocalRandom.current().nextInt(totalWeight);
			for (int i = 0; i < size; i++) {
				ShardNode node = candidates.node(i);
				if (node == writer || node == exclude
						|| !((i < 64) ? (eligible & (1L << i)) != 0 : isEligible(node, writeMicros, gtid) && !isBusy(node))) {
					continue;
				}
				point -= candidates.weight(i);
				if (point < 0) {
					picked = node;
					break;
				}
			}
			return choose(frame, picked, (exclude != null) ? RouteReason.RETRY : RouteReason.REPLICA);
		}
		if (count == 0) {
			return readFromWriter(frame, shard, group, excludedBusy ? RouteReason.FALLBACK_BUSY : RouteReason.NO_REPLICA,
					false);
		}
		if (behindOwnWrite) {
			if (fresh >= 0 && frame != null) {
				// gtid mode: this replica is fresh but not known to hold the write yet; the data
				// source waits for it briefly on the connection before using it.
				frame.gtidWait = gtid;
				frame.node = candidates.node(fresh);
				frame.reason = RouteReason.REPLICA;
				return frame.node;
			}
			return readFromWriter(frame, shard, group, RouteReason.READ_YOUR_WRITES, false);
		}
		if (busy >= 0 || excludedBusy) {
			// Every replica that may serve is busy: the primary takes the read, unless reads must
			// not go there (fallback: fail) or it is down — then the read waits its turn on a replica.
			if (busy >= 0 && (this.policy.failWithoutReplica() || isDown(writer))) {
				return choose(frame, candidates.node(busy), (exclude != null) ? RouteReason.RETRY : RouteReason.REPLICA);
			}
			return readFromWriter(frame, shard, group, RouteReason.FALLBACK_BUSY, false);
		}
		RouteReason reason = lagging ? RouteReason.FALLBACK_LAG
				: (unknown ? RouteReason.FALLBACK_UNKNOWN_LAG : RouteReason.FALLBACK_DOWN);
		return readFromWriter(frame, shard, group, reason, this.policy.failWithoutReplica());
	}

	private boolean isEligible(ShardNode node, long writeMicros, String gtid) {
		NodeHealth health = node.health();
		return health.state() == NodeHealth.State.UP && !health.drained()
				&& (writeMicros <= 0 || health.appliedThroughMicros() > writeMicros)
				&& (gtid == null || GtidCoverage.covers(health.gtidPosition(), gtid));
	}

	/**
	 * Whether a replica's pool is saturated: threads wait for a connection, or every connection
	 * is in use (the next read would wait). Reads counters of the pool; allocation-free.
	 */
	static boolean isBusy(ShardNode node) {
		HikariDataSource pool = node.pool();
		HikariPoolMXBean figures = pool.getHikariPoolMXBean();
		if (figures == null) {
			// Not started yet: its first connection is made on demand.
			return false;
		}
		int max = pool.getMaximumPoolSize();
		// Total is a size read; active counts the pool's entries, so it is only asked at full size.
		return figures.getThreadsAwaitingConnection() > 0
				|| (figures.getTotalConnections() >= max && figures.getActiveConnections() >= max);
	}

	private ShardNode readFromWriter(RouteFrame frame, Shard shard, String group, RouteReason reason, boolean fail) {
		if (fail) {
			throw new NoReplicaAvailableException(shard.name(), group, reason.tag());
		}
		ShardNode writer = shard.currentPrimary();
		if (isDown(writer)) {
			throw unavailable(shard, writer, null);
		}
		return choose(frame, writer, reason);
	}

	/** The shard's current primary for a write, failing fast when it cannot take one. */
	private ShardNode writer(Shard shard) {
		String block = shard.writeBlock();
		if (block != null) {
			throw new ShardUnavailableException(shard.name(), "Writes to shard '" + shard.name() + "' are refused: "
					+ block, null);
		}
		ShardNode writer = shard.currentPrimary();
		if (isDown(writer)) {
			throw unavailable(shard, writer, null);
		}
		return writer;
	}

	private static boolean isDown(ShardNode node) {
		NodeHealth.State state = node.health().state();
		return state == NodeHealth.State.DOWN || state == NodeHealth.State.EJECTED;
	}

	private static ShardUnavailableException unavailable(Shard shard, ShardNode writer, Throwable cause) {
		NodeHealth health = writer.health();
		String error = (cause != null) ? cause.getMessage() : health.lastError();
		return new ShardUnavailableException(shard.name(), "The primary of shard '" + shard.name() + "' ("
				+ writer.name() + ", " + writer.url() + ") is unreachable" + ((error != null) ? ": " + error : "")
				+ ". Work that needs it fails fast until it answers again; other shards are unaffected.", cause);
	}

	private ShardNode choose(RouteFrame frame, ShardNode node, RouteReason reason) {
		if (frame != null) {
			frame.node = node;
			frame.reason = reason;
			frame.gtidWait = null;
		}
		this.listener.routed(node, reason);
		return node;
	}

	/**
	 * A connection could not be had from the node: ejects a replica at once (no request
	 * waits on it twice) or marks the primary down, and for a read picks another node once.
	 * A replica whose pool merely timed out while saturated (every connection in use, no
	 * failure to connect) is not ejected: it is busy, not dead.
	 * @param failed the node that failed
	 * @param ex the failure
	 * @return the node to try instead
	 * @throws ShardUnavailableException when there is none
	 */
	ShardNode connectionFailed(ShardNode failed, SQLException ex) {
		Shard shard = this.topology.shard(failed.shard());
		RouteFrame frame = RoutingContext.stack().top();
		if (failed == shard.currentPrimary()) {
			failed.health().state(NodeHealth.State.DOWN, ex.getMessage());
			throw unavailable(shard, failed, ex);
		}
		boolean saturated = isSaturationTimeout(ex);
		if (!saturated) {
			failed.health().state(NodeHealth.State.EJECTED, ex.getMessage());
		}
		String group = (frame != null) ? frame.group : ReadOnly.DEFAULT_GROUP;
		ShardNode retry = chooseReader(frame, shard, group, failed, saturated);
		if (retry != shard.currentPrimary() && frame != null) {
			frame.reason = RouteReason.RETRY;
		}
		return retry;
	}

	/**
	 * Hikari's "connection is not available" timeout carries the pool's last failure to connect as
	 * its cause; without one, every connection was healthy and in use.
	 */
	private static boolean isSaturationTimeout(SQLException ex) {
		return ex instanceof SQLTransientConnectionException && ex.getCause() == null;
	}

	/**
	 * The gtid wait on the chosen replica timed out: the read goes to the primary.
	 * @return the primary
	 */
	ShardNode gtidWaitFailed(ShardNode replica) {
		Shard shard = this.topology.shard(replica.shard());
		return readFromWriter(RoutingContext.stack().top(), shard, ReadOnly.DEFAULT_GROUP, RouteReason.READ_YOUR_WRITES,
				false);
	}

	/** The GTID the current route's replica must reach first, or null; cleared by reading it. */
	String takeGtidWait() {
		RouteFrame frame = RoutingContext.stack().top();
		if (frame == null || frame.gtidWait == null) {
			return null;
		}
		String gtid = frame.gtidWait;
		frame.gtidWait = null;
		return gtid;
	}

	/** Counts a replica that passed its gtid wait. */
	void routedAfterWait(ShardNode node) {
		this.listener.routed(node, RouteReason.REPLICA);
	}

	/**
	 * Sets who is told which node each physical connection went to (logging MDC, tracing).
	 * @param observer the observer, or null for none
	 */
	public void setRouteObserver(RouteObserver observer) {
		this.observer = observer;
	}

	/** A physical connection of the current route went to the node. */
	void connectionRouted(ShardNode node) {
		RouteObserver observer = this.observer;
		if (observer != null) {
			RouteFrame frame = RoutingContext.stack().top();
			RouteReason reason = (frame != null && frame.reason != null) ? frame.reason : RouteReason.UNKEYED;
			observer.connectionRouted(node, (node == this.topology.shard(node.shard()).currentPrimary()) ? "primary"
					: "replica", reason);
		}
	}

	/**
	 * Binds the current transaction (if any, and not yet bound) to the node's shard.
	 * @param node the node whose connection the transaction got
	 */
	void bindIfInTransaction(ShardNode node) {
		if (TransactionSynchronizationManager.isSynchronizationActive()
				&& TransactionSynchronizationManager.isActualTransactionActive()
				&& TransactionSynchronizationManager.getResource(this) == null) {
			TransactionBinding binding = new TransactionBinding(this, this.topology.shard(node.shard()), node);
			TransactionSynchronizationManager.bindResource(this, binding);
			TransactionSynchronizationManager.registerSynchronization(binding);
		}
	}

	/**
	 * A write on the node committed: recorded in the unit of work for read-your-writes.
	 * @param node the primary written to
	 * @param gtid the write's GTID (gtid mode), or null
	 */
	void recordWrite(ShardNode node, String gtid) {
		ConsistencyScope scope = RoutingContext.stack().scope;
		if (scope != null) {
			scope.recordWrite(this.topology.shard(node.shard()).index(), nowMicros(), gtid);
		}
	}

	/** Whether connections to the node must be watched for writes (read-your-writes). */
	boolean tracksWrites(ShardNode node) {
		return this.policy.readYourWrites() != RoutingPolicy.Mode.NONE
				&& node == this.topology.shard(node.shard()).currentPrimary();
	}

	long nowMicros() {
		java.time.Instant now = this.policy.clock().instant();
		return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
	}

	/**
	 * Explains where a key's work would go now, without routing anything or counting it.
	 * @param key the key
	 * @return the shard, the node a write would use, the nodes a read may use, and why
	 */
	public RouteExplanation explain(Object key) {
		Shard shard = shardFor(key, "explain");
		ShardNode writer = shard.currentPrimary();
		String writeProblem = shard.writeBlock();
		if (writeProblem == null && isDown(writer)) {
			writeProblem = writer.name() + " is " + writer.health().state().tag();
		}
		Shard.ReplicaGroup group = shard.group(ReadOnly.DEFAULT_GROUP);
		List<String> readers = new java.util.ArrayList<>();
		int candidates = 0;
		boolean lagging = false;
		boolean unknown = false;
		for (int i = 0; group != null && i < group.size(); i++) {
			ShardNode node = group.node(i);
			if (node == writer) {
				continue;
			}
			candidates++;
			if (isEligible(node, 0, null)) {
				readers.add(node.name());
			}
			lagging |= node.health().state() == NodeHealth.State.LAGGING;
			unknown |= node.health().state() == NodeHealth.State.UNKNOWN;
		}
		RouteReason readReason = !readers.isEmpty() ? RouteReason.REPLICA
				: (candidates == 0) ? RouteReason.NO_REPLICA
						: lagging ? RouteReason.FALLBACK_LAG
								: unknown ? RouteReason.FALLBACK_UNKNOWN_LAG : RouteReason.FALLBACK_DOWN;
		if (readers.isEmpty()) {
			readers.add(writer.name());
		}
		return new RouteExplanation(shard.name(), writer.name(), writeProblem, List.copyOf(readers), readReason.tag());
	}

	/**
	 * Where a key's work would go.
	 *
	 * @param shard the owning shard
	 * @param writeNode the node writes use
	 * @param writeProblem why writes would fail now, or null
	 * @param readNodes the nodes a {@code @ReadOnly} read may use now (chosen by weight)
	 * @param readReason the reason a read would be counted under
	 */
	public record RouteExplanation(String shard, String writeNode, String writeProblem, List<String> readNodes,
			String readReason) {
	}

	/**
	 * The node the current route uses or would start on, without side effects.
	 * @return the node
	 */
	ShardNode peek() {
		RouteFrame frame = RoutingContext.stack().top();
		if (frame != null && frame.node != null) {
			return frame.node;
		}
		return ((frame != null && frame.shard != null) ? frame.shard : this.topology.defaultShard()).currentPrimary();
	}

	/**
	 * The shard the current transaction is bound to.
	 * @return the shard name, or null outside a bound transaction
	 */
	public String boundShard() {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			return null;
		}
		TransactionBinding binding = (TransactionBinding) TransactionSynchronizationManager.getResource(this);
		return (binding != null) ? binding.shard().name() : null;
	}

}
