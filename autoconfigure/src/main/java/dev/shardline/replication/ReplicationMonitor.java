package dev.shardline.replication;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import dev.shardline.topology.NodeHealth;
import dev.shardline.topology.Shard;
import dev.shardline.topology.ShardNode;
import dev.shardline.topology.Topology;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Watches every node on a background schedule: reachability, replication lag (heartbeat or
 * replica status), GTID positions for read-your-writes, and, with discovery on, which node of
 * a shard is writable. Probes run in parallel on the monitor's own connections with
 * timeouts, on a small fixed number of threads whatever the number of nodes; each node's
 * probes are independent of every other node's, so a dead or frozen node delays nothing
 * else, and request threads never wait on the monitor. Stops before the pools close.
 */
public final class ReplicationMonitor implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ReplicationMonitor.class);

	private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

	private static final Pattern WRITER_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

	/** Upper bound on probe threads, whatever the number of nodes. */
	private static final int MAX_PROBE_THREADS = 8;

	/** Beyond the connect timeout, what a round's queries may take before start-up goes on without them. */
	private static final long ROUND_MARGIN_MILLIS = 500;

	/** MySQL's and MariaDB's "table doesn't exist". */
	private static final int ER_NO_SUCH_TABLE = 1146;

	private static final String HEARTBEAT_UPSERT_TAIL = ") ON DUPLICATE KEY UPDATE written_micros = VALUES(written_micros)";

	private final Topology topology;

	private final Settings settings;

	private final Clock clock;

	/** The heartbeat statements (the writer id in them is a checked literal); the time goes between. */
	private final String heartbeatUpsert;

	private final String heartbeatRead;

	private final Map<ShardNode, NodeProbe> probes = new LinkedHashMap<>();

	private final Map<String, HeartbeatHistory> histories = new LinkedHashMap<>();

	/** Primaries' GTID positions by shard (replica-status method): exact read-your-writes. */
	private final Map<String, PositionHistory> positions = new LinkedHashMap<>();

	/** Each node's server family, learned once (positions are read differently). */
	private final Map<ShardNode, GtidPosition.Flavor> flavors = new ConcurrentHashMap<>();

	/** Primaries whose heartbeat write was refused (missing table or privilege), warned about once. */
	private final java.util.Set<ShardNode> heartbeatRefused = ConcurrentHashMap.newKeySet();

	/** Whether replica-status read-your-writes uses GTID positions where the servers report them. */
	private volatile boolean gtidPositions = true;

	/** Whether every node's first state was logged; state changes are logged from then on. */
	private volatile boolean announced;

	private final AtomicInteger checks = new AtomicInteger();

	private volatile ScheduledExecutorService scheduler;

	private volatile ExecutorService probeExecutor;

	private volatile boolean running;

	private volatile Duration startupProbeTime = Duration.ZERO;

	/**
	 * Creates the monitor.
	 * @param topology the nodes to watch
	 * @param settings what to measure and how often
	 * @param clock the clock heartbeats are written and compared with (injectable for tests)
	 * @param writerId this instance's heartbeat row; unique per application instance; 1 to 64 letters, digits, ".", "_", ":" or "-"
	 */
	public ReplicationMonitor(Topology topology, Settings settings, Clock clock, String writerId) {
		if (!TABLE_NAME.matcher(settings.heartbeatTable()).matches()) {
			throw new IllegalArgumentException("Invalid heartbeat table name '" + settings.heartbeatTable()
					+ "': use letters, digits and '_' (optionally schema.table)");
		}
		this.topology = topology;
		this.settings = settings;
		this.clock = clock;
		if (writerId == null || !WRITER_ID.matcher(writerId).matches()) {
			throw new IllegalArgumentException("Invalid heartbeat writer id '" + writerId
					+ "': use 1 to 64 letters, digits, '.', '_', ':' or '-'");
		}
		this.heartbeatUpsert = "INSERT INTO " + settings.heartbeatTable() + " (writer, written_micros) VALUES ('"
				+ writerId + "', ";
		this.heartbeatRead = "SELECT written_micros FROM " + settings.heartbeatTable() + " WHERE writer = '"
				+ writerId + "'";
		for (ShardNode node : topology.nodes()) {
			this.probes.put(node, new NodeProbe(node, settings.connectTimeout()));
		}
		for (Shard shard : topology.shards()) {
			this.histories.put(shard.name(), new HeartbeatHistory());
			this.positions.put(shard.name(), new PositionHistory());
		}
	}

	/** A random writer id: one heartbeat row per application instance. */
	public static String newWriterId() {
		return UUID.randomUUID().toString();
	}

	@Override
	public void start() {
		int workers = Math.max(1, Math.min(MAX_PROBE_THREADS, this.probes.size()));
		ThreadPoolExecutor workerPool = new ThreadPoolExecutor(workers, workers, 30, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), daemonThreads("shardline-probe-"));
		// Idle threads retire: a long check interval costs no standing threads.
		workerPool.allowCoreThreadTimeOut(true);
		this.probeExecutor = workerPool;
		this.scheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("shardline-monitor-"));
		this.running = true;
		// A first round before the application serves, so replicas are usable at once. However
		// many nodes are down or hung, start-up waits for it at most one connect timeout (plus a
		// little): probes still running then finish in the background. Replicas that just have
		// not received the first heartbeat yet get two quick second looks (only they are probed)
		// within that bound.
		long started = System.nanoTime();
		long deadline = started + startupBound().toNanos();
		submitRound().await(deadline);
		for (int look = 0; look < 2 && anyReachableReplicaBehind() && System.nanoTime() < deadline; look++) {
			pause(Duration.ofMillis(Math.min(100, Math.max(0, (deadline - System.nanoTime()) / 1_000_000))));
			submitRound(ReplicationMonitor::replicaBehind).await(deadline);
		}
		this.startupProbeTime = Duration.ofNanos(System.nanoTime() - started);
		if (logger.isDebugEnabled()) {
			logger.debug("First probe rounds of " + this.probes.size() + " nodes took " + this.startupProbeTime.toMillis()
					+ " ms");
		}
		announceStates();
		long interval = Math.max(50, this.settings.checkInterval().toMillis());
		this.scheduler.scheduleWithFixedDelay(this::tick, interval, interval, TimeUnit.MILLISECONDS);
	}

	/** How long the first round may delay start-up: one connect timeout, plus a margin for the queries. */
	Duration startupBound() {
		return this.settings.connectTimeout().plusMillis(ROUND_MARGIN_MILLIS);
	}

	/**
	 * Logs every node's first state once, with the reason when it cannot serve (a replica whose
	 * lag stays unknown would otherwise never be mentioned: its state never changes).
	 */
	private void announceStates() {
		for (Shard shard : this.topology.shards()) {
			for (ShardNode node : shard.nodes()) {
				NodeHealth health = node.health();
				NodeHealth.State state = health.state();
				boolean primary = node == shard.currentPrimary();
				String detail;
				if (state == NodeHealth.State.UP) {
					detail = primary ? "" : " (lag " + (health.lagNanos() / 1_000_000) + " ms)";
				}
				else if (state == NodeHealth.State.LAGGING) {
					detail = " (lag " + (health.lagNanos() / 1_000_000) + " ms, beyond max-lag "
							+ this.settings.maxLag().toMillis() + " ms)";
				}
				else {
					detail = (health.lastError() != null) ? ": " + health.lastError()
							: ": no probe answered within connect-timeout yet";
				}
				String message = "Node " + node.name() + " (" + node.url() + ", " + (primary ? "primary" : "replica")
						+ ") starts " + state.tag() + detail;
				if (state == NodeHealth.State.UP) {
					logger.info(message);
				}
				else {
					logger.warn(message + (primary ? "" : "; it serves no reads until this changes"));
				}
			}
		}
		this.announced = true;
	}

	/**
	 * Switches the GTID path of replica-status read-your-writes off (tests of the whole-second
	 * path) or on (the default).
	 */
	void gtidPositions(boolean enabled) {
		this.gtidPositions = enabled;
	}

	private boolean anyReachableReplicaBehind() {
		for (Shard shard : this.topology.shards()) {
			for (ShardNode node : shard.nodes()) {
				if (replicaBehind(shard, node)) {
					return true;
				}
			}
		}
		return false;
	}

	/** A replica that answered but whose lag is unknown or too high (e.g. the first heartbeat is on its way). */
	private static boolean replicaBehind(Shard shard, ShardNode node) {
		NodeHealth.State state = node.health().state();
		return node != shard.currentPrimary()
				&& (state == NodeHealth.State.UNKNOWN || state == NodeHealth.State.LAGGING);
	}

	private static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
		}
		if (this.probeExecutor != null) {
			this.probeExecutor.shutdownNow();
		}
		this.probes.values().forEach(NodeProbe::close);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// Late start, early stop: around everything that serves requests, before pools close.
		return Integer.MAX_VALUE - 1000;
	}

	/** How many check rounds completed (a round completes when each of its probes has finished or timed out). */
	public int completedChecks() {
		return this.checks.get();
	}

	/**
	 * The most probe threads the monitor runs, whatever the number of nodes. Probes are short
	 * queries; a hung node holds one thread for at most the connect timeout.
	 */
	public static int maxProbeThreads() {
		return MAX_PROBE_THREADS;
	}

	/**
	 * How long start-up waited for the first probe rounds: at most about one connect timeout
	 * (plus 0.5 s), however many nodes are down or hung.
	 */
	public Duration startupProbeTime() {
		return this.startupProbeTime;
	}

	/**
	 * The most probe threads that ran at once since start: at most {@link #maxProbeThreads()}
	 * (and the node count), however many nodes hang.
	 */
	public int largestProbeThreadCount() {
		ExecutorService executor = this.probeExecutor;
		return (executor instanceof ThreadPoolExecutor pool) ? pool.getLargestPoolSize() : 0;
	}

	private void tick() {
		try {
			submitRound();
		}
		catch (RuntimeException ex) {
			logger.warn("Replication check failed", ex);
		}
	}

	/**
	 * Probes every node now (in parallel) and waits for the round, at most the connect
	 * timeout plus a little. Used by the schedule, at start, and to re-probe on demand.
	 */
	public void checkNow() {
		submitRound().await(System.nanoTime() + startupBound().toNanos());
	}

	/**
	 * Hands one probe per node to the workers and returns without waiting. Each node's probe
	 * is independent of every other node's: nothing waits for a round to finish, so a node
	 * whose probe hangs (frozen server) delays no other node's probes, in this round or the
	 * next; its own next probe is skipped while the hung one is still running (it ends at the
	 * connect timeout). Primaries are queued first, so replicas are mostly measured against
	 * this round's heartbeat.
	 */
	private Round submitRound() {
		return submitRound((shard, node) -> true);
	}

	private Round submitRound(java.util.function.BiPredicate<Shard, ShardNode> selected) {
		ExecutorService executor = this.probeExecutor;
		Map<Shard, List<ShardNode>> nodes = new LinkedHashMap<>();
		int count = 0;
		for (Shard shard : this.topology.shards()) {
			List<ShardNode> chosen = new ArrayList<>();
			for (ShardNode node : shard.nodes()) {
				if (selected.test(shard, node)) {
					chosen.add(node);
				}
			}
			if (!chosen.isEmpty()) {
				nodes.put(shard, chosen);
				count += chosen.size();
			}
		}
		Round round = new Round(count);
		if (executor == null || executor.isShutdown()) {
			round.skipAll();
			return round;
		}
		Map<Shard, AtomicInteger> pendingPerShard = new LinkedHashMap<>();
		nodes.forEach((shard, chosen) -> pendingPerShard.put(shard, new AtomicInteger(chosen.size())));
		for (boolean primaries : new boolean[] { true, false }) {
			nodes.forEach((shard, chosen) -> {
				ShardNode currentPrimary = shard.currentPrimary();
				for (ShardNode node : chosen) {
					if ((node == currentPrimary) == primaries) {
						submit(executor, this.probes.get(node), primaries, shard, pendingPerShard.get(shard), round);
					}
				}
			});
		}
		return round;
	}

	private void submit(ExecutorService executor, NodeProbe probe, boolean primary, Shard shard,
			AtomicInteger shardPending, Round round) {
		if (!probe.inFlight.compareAndSet(false, true)) {
			// The previous probe of this node is still hung: it ends at its own timeout.
			probeDone(shard, shardPending, round);
			return;
		}
		try {
			executor.execute(() -> {
				try {
					probe(probe, primary);
				}
				finally {
					probe.inFlight.set(false);
					probeDone(shard, shardPending, round);
				}
			});
		}
		catch (RuntimeException ex) {
			probe.inFlight.set(false);
			probeDone(shard, shardPending, round);
		}
	}

	private void probeDone(Shard shard, AtomicInteger shardPending, Round round) {
		if (shardPending.decrementAndGet() == 0 && this.settings.discoverPrimary()) {
			// Decided from this round's read_only flags of the shard's own nodes only.
			synchronized (shard) {
				discoverPrimary(shard);
			}
		}
		round.probeDone();
	}

	/** The probes of one round: completes (and counts) when each has finished or was skipped. */
	private final class Round {

		private final AtomicInteger pending;

		private final CountDownLatch done = new CountDownLatch(1);

		Round(int probes) {
			this.pending = new AtomicInteger(probes);
			if (probes == 0) {
				this.done.countDown();
			}
		}

		void probeDone() {
			if (this.pending.decrementAndGet() == 0) {
				ReplicationMonitor.this.checks.incrementAndGet();
				this.done.countDown();
			}
		}

		void skipAll() {
			this.pending.set(0);
			this.done.countDown();
		}

		void await(long deadlineNanos) {
			try {
				this.done.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

	private void probe(NodeProbe probe, boolean primary) {
		ShardNode node = probe.node;
		NodeHealth health = node.health();
		Shard shard = this.topology.shard(node.shard());
		try {
			Connection connection = probe.connection();
			if (this.settings.discoverPrimary()) {
				health.writable(!readOnlyFlag(connection));
			}
			if (primary) {
				if (this.settings.method() == Method.HEARTBEAT && shard.nodes().size() > 1) {
					if (this.settings.createHeartbeatTable() && !probe.heartbeatTableChecked) {
						createHeartbeatTable(connection, node);
						probe.heartbeatTableChecked = true;
					}
					try {
						writeHeartbeat(connection, shard);
					}
					catch (SQLException ex) {
						if (ex.getErrorCode() != ER_NO_SUCH_TABLE && !isAccessDenied(ex)) {
							throw ex;
						}
						// The primary answers and takes writes: only its replicas' lag stays unknown.
						if (this.heartbeatRefused.add(node)) {
							logger.warn("Cannot write the heartbeat on " + node.name() + " (" + node.url() + "): "
									+ ex.getMessage() + "; the lag of shard " + shard.name() + "'s replicas stays unknown");
						}
					}
				}
				else {
					ping(connection);
				}
				if (usesPositions() && shard.nodes().size() > 1) {
					readPrimaryPosition(connection, node, shard);
				}
				health.state(NodeHealth.State.UP, null);
			}
			else {
				measureReplica(connection, probe, shard);
			}
		}
		catch (SQLException | RuntimeException ex) {
			probe.reset();
			String message = ex.getMessage();
			if (this.announced && health.state() != NodeHealth.State.DOWN) {
				logger.warn("Node " + node.name() + " (" + node.url() + ") is unreachable: " + message);
			}
			health.state(NodeHealth.State.DOWN, message);
		}
	}

	private void measureReplica(Connection connection, NodeProbe probe, Shard shard) throws SQLException {
		ShardNode node = probe.node;
		NodeHealth health = node.health();
		long now = nowMicros();
		long lagMicros = -1;
		long applied = -1;
		String unknownBecause = null;
		if (this.settings.method() == Method.HEARTBEAT) {
			OptionalLong heartbeat;
			try {
				heartbeat = readHeartbeat(connection);
			}
			catch (SQLException ex) {
				if (ex.getErrorCode() != ER_NO_SUCH_TABLE && !isAccessDenied(ex)) {
					throw ex;
				}
				// Reachable, but its lag cannot be known: unknown, not down.
				heartbeat = null;
				unknownBecause = "the heartbeat table cannot be read (" + ex.getMessage() + "): let Shardline create "
						+ this.settings.heartbeatTable() + " on the primary (create-heartbeat-table) or create it "
						+ "as the README shows, and grant the application user SELECT, INSERT, UPDATE on it";
			}
			HeartbeatHistory history = this.histories.get(shard.name());
			if (heartbeat == null) {
				lagMicros = -1;
			}
			else if (heartbeat.isPresent()) {
				applied = heartbeat.getAsLong();
				lagMicros = history.lagMicros(applied, now);
			}
			else {
				lagMicros = history.lagWithoutHeartbeat(now);
				unknownBecause = "no heartbeat was written to the primary yet (primary unreachable, or table "
						+ this.settings.heartbeatTable() + " missing there)";
			}
		}
		else {
			Optional<ReplicaStatus> status;
			try {
				status = ReplicaStatus.read(connection, this.settings.connectTimeout());
			}
			catch (SQLException ex) {
				if (!isAccessDenied(ex)) {
					throw ex;
				}
				// Reachable, but its lag cannot be known: unknown, not down.
				status = null;
				unknownBecause = "SHOW REPLICA STATUS is refused (" + ex.getMessage() + "): grant the "
						+ "application user REPLICATION CLIENT (MySQL) or SLAVE MONITOR (MariaDB), or use "
						+ "shardline.replication.method=heartbeat";
			}
			OptionalLong seconds = (status != null && status.isPresent()) ? status.get().lagSeconds()
					: OptionalLong.empty();
			if (seconds.isPresent()) {
				lagMicros = seconds.getAsLong() * 1_000_000L;
				// Seconds_Behind_Master is whole seconds, floored on the replica's clock, and the
				// server's own estimate of the clock difference to its source is whole seconds
				// too: N means less than N + 2 s behind. So the replica holds every write
				// committed more than N + 2 s before this probe began, and no later one is assumed.
				applied = now - lagMicros - 2_000_000L;
			}
			else if (status != null) {
				unknownBecause = status.isEmpty() ? "SHOW REPLICA STATUS returns no row: the server does not replicate"
						: "replication lag is not reported: " + status.get();
			}
			if (usesPositions()) {
				applied = appliedByPosition(connection, node, shard, applied);
			}
		}
		if (this.settings.trackGtid()) {
			try {
				health.gtidPosition(GtidWaits.readPosition(connection, flavor(connection, node), true).toString());
			}
			catch (SQLException ex) {
				health.gtidPosition(null);
			}
		}
		long lagNanos = (lagMicros >= 0) ? lagMicros * 1000 : NodeHealth.UNKNOWN_LAG;
		health.lag(lagNanos, System.currentTimeMillis(), applied);
		NodeHealth.State state;
		if (lagNanos < 0) {
			state = NodeHealth.State.UNKNOWN;
		}
		else if (lagNanos > this.settings.maxLag().toNanos()) {
			state = NodeHealth.State.LAGGING;
		}
		else {
			state = NodeHealth.State.UP;
		}
		String reason = (state == NodeHealth.State.UNKNOWN) ? ((unknownBecause != null) ? unknownBecause
				: "lag not measured") : null;
		if (this.announced && state != health.state() && logger.isInfoEnabled()) {
			logger.info("Replica " + node.name() + " is now " + state.tag()
					+ ((lagNanos >= 0) ? " (lag " + (lagNanos / 1_000_000) + " ms)" : "")
					+ ((reason != null) ? ": " + reason : ""));
		}
		health.state(state, reason);
	}

	private boolean usesPositions() {
		return this.gtidPositions && this.settings.method() == Method.REPLICA_STATUS;
	}

	/** Records the primary's GTID position with the time taken before reading it. */
	private void readPrimaryPosition(Connection connection, ShardNode node, Shard shard) {
		long before = nowMicros();
		try {
			this.positions.get(shard.name()).read(before, GtidWaits.readPosition(connection, flavor(connection, node), false));
		}
		catch (SQLException | IllegalArgumentException ex) {
			// No GTIDs here (or not readable): replicas are judged by Seconds_Behind_Master alone.
		}
	}

	/**
	 * The time through which the replica holds the primary's writes, from GTID positions when
	 * the primary's are known: exact where Seconds_Behind_Master is not (whole seconds, and 0
	 * while the receiver thread has not fetched the latest events yet).
	 */
	private long appliedByPosition(Connection connection, ShardNode node, Shard shard, long bySeconds) {
		PositionHistory history = this.positions.get(shard.name());
		if (!history.isKnown()) {
			return bySeconds;
		}
		try {
			return history.appliedThroughMicros(GtidWaits.readPosition(connection, flavor(connection, node), true));
		}
		catch (SQLException | IllegalArgumentException ex) {
			return bySeconds;
		}
	}

	private GtidPosition.Flavor flavor(Connection connection, ShardNode node) throws SQLException {
		GtidPosition.Flavor flavor = this.flavors.get(node);
		if (flavor == null) {
			flavor = GtidWaits.isMariaDb(connection) ? GtidPosition.Flavor.MARIADB : GtidPosition.Flavor.MYSQL;
			this.flavors.put(node, flavor);
		}
		return flavor;
	}

	/** A missing privilege: MySQL's and MariaDB's access-denied errors (SQLSTATE 42000 with these codes). */
	private static boolean isAccessDenied(SQLException ex) {
		int code = ex.getErrorCode();
		return code == 1227 || code == 1142 || code == 1044;
	}

	// Probe statements are plain statements without a JDBC query timeout, with the writer id
	// (checked to be a safe literal) and the time inlined: the probe connection's socket and
	// network timeouts already bound each one. Prepared statements or query timeouts here would
	// put code paths of the driver that the application's own statements never take into the
	// JIT's profile, which stopped it from scalar-replacing the application's statement objects
	// (measured: about 1.5 KB more per insert).
	private void writeHeartbeat(Connection connection, Shard shard) throws SQLException {
		long micros = nowMicros();
		try (Statement statement = connection.createStatement()) {
			statement.executeUpdate(this.heartbeatUpsert + micros + HEARTBEAT_UPSERT_TAIL);
		}
		this.histories.get(shard.name()).wrote(micros);
	}

	private OptionalLong readHeartbeat(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(this.heartbeatRead)) {
			return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
		}
		catch (SQLException ex) {
			if (ex.getErrorCode() == ER_NO_SUCH_TABLE && this.settings.createHeartbeatTable()) {
				// The replica has not applied the table's creation yet (first round, probes of
				// its primary and of it run side by side): it holds no heartbeat of ours.
				return OptionalLong.empty();
			}
			throw ex;
		}
	}

	private static void ping(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("SELECT 1");
		}
	}

	private static boolean readOnlyFlag(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			try (ResultSet rs = statement.executeQuery("SELECT @@global.read_only")) {
				return rs.next() && rs.getInt(1) != 0;
			}
		}
	}

	/** Writes follow the one writable node; two writable nodes stop writes (no split-brain). */
	private void discoverPrimary(Shard shard) {
		List<ShardNode> writable = new ArrayList<>();
		for (ShardNode node : shard.nodes()) {
			if (Boolean.TRUE.equals(node.health().writable()) && node.health().state() != NodeHealth.State.DOWN) {
				writable.add(node);
			}
		}
		if (writable.size() > 1) {
			String reason = "nodes " + writable.stream().map(ShardNode::name).toList()
					+ " are all writable (read_only=0); Shardline will not guess which is the primary. Set read_only=1 "
					+ "on every node but the primary";
			if (!reason.equals(shard.writeBlock())) {
				logger.error("Shard " + shard.name() + ": " + reason);
			}
			shard.writeBlock(reason);
			return;
		}
		if (writable.size() == 1) {
			ShardNode primary = writable.get(0);
			if (primary != shard.currentPrimary()) {
				logger.warn("Shard " + shard.name() + ": writes now go to " + primary.name() + " (" + primary.url()
						+ "), the one writable node; " + shard.currentPrimary().name() + " is read-only");
				shard.currentPrimary(primary);
			}
		}
		shard.writeBlock(null);
	}

	/**
	 * Creates the heartbeat table on a primary, once per probe connection's node (on the first
	 * probe that reaches it, so a primary down at start-up gets it when it comes back). A
	 * refusal (e.g. no CREATE privilege) is logged once; a broken connection is retried.
	 */
	private void createHeartbeatTable(Connection connection, ShardNode node) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(heartbeatTableDdl(this.settings.heartbeatTable()));
		}
		catch (SQLException ex) {
			if (isConnectionFailure(ex)) {
				throw ex;
			}
			logger.warn("Could not create heartbeat table " + this.settings.heartbeatTable() + " on " + node.name()
					+ ": " + ex.getMessage() + " (create it yourself, see the README, or fix the node)");
		}
	}

	private static boolean isConnectionFailure(SQLException ex) {
		String state = ex.getSQLState();
		return state != null && state.startsWith("08");
	}

	/**
	 * The heartbeat table's DDL.
	 * @param table the table name
	 * @return the CREATE TABLE statement
	 */
	public static String heartbeatTableDdl(String table) {
		return "CREATE TABLE IF NOT EXISTS " + table + " (" + "writer VARCHAR(64) NOT NULL PRIMARY KEY, "
				+ "written_micros BIGINT NOT NULL, "
				+ "updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))";
	}

	private long nowMicros() {
		Instant now = this.clock.instant();
		return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
	}

	private static ThreadFactory daemonThreads(String prefix) {
		AtomicInteger counter = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/** How lag is measured. */
	public enum Method {

		/** Heartbeat rows (sub-second). */
		HEARTBEAT,

		/** SHOW REPLICA STATUS (seconds). */
		REPLICA_STATUS

	}

	/**
	 * What the monitor does.
	 *
	 * @param method how lag is measured
	 * @param heartbeatTable the heartbeat table
	 * @param createHeartbeatTable whether to create it if missing
	 * @param maxLag replicas further behind are LAGGING
	 * @param checkInterval time between rounds
	 * @param connectTimeout bound on each probe
	 * @param discoverPrimary whether read_only flags decide the primary
	 * @param trackGtid whether replica GTID positions are read (gtid read-your-writes)
	 */
	public record Settings(Method method, String heartbeatTable, boolean createHeartbeatTable, Duration maxLag,
			Duration checkInterval, Duration connectTimeout, boolean discoverPrimary, boolean trackGtid) {
	}

}
