package dev.shardline.directory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import dev.shardline.ShardlineException;
import dev.shardline.move.CopyPacer;
import dev.shardline.move.MoveTable;
import dev.shardline.move.RowCopier;
import dev.shardline.replication.GtidPosition;
import dev.shardline.replication.GtidWaits;
import dev.shardline.routing.ShardRouter;
import dev.shardline.topology.Shard;
import dev.shardline.topology.ShardNode;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Moves all rows of one key (in the configured move tables) to another shard while the
 * application keeps running. The protocol (README, "Key moves"):
 * <ol>
 * <li>PREFLIGHT: every table exists on both primaries with the same columns, a primary key, no
 * foreign keys and no triggers of the user's; the fence tables and triggers are installed. Nothing
 * is marked before this passes.</li>
 * <li>MARK: the entry becomes COPYING (the source keeps taking writes); the key's fence row on
 * the source opens, stamped with this mover's epoch.</li>
 * <li>COPY: the key's rows are copied exactly (values as the servers' own text, never through
 * JDBC types).</li>
 * <li>FENCE: the entry becomes MOVING; every live instance acknowledges it (it refuses new
 * writes); the source's fence closes, which waits for transactions that wrote the key. From here
 * writes to the key are refused, for at most {@code move-timeout}.</li>
 * <li>CATCH_UP: rows inserted, updated or deleted on the source since the copy began are applied
 * to the target (compared by primary key and per-row digest).</li>
 * <li>VERIFY: the key's rows are identical on both servers, per table, byte for byte.</li>
 * <li>FLIP: the entry becomes CLEANING, owned by the target: writes resume there; reads use its
 * primary.</li>
 * <li>SWEEP: after every live instance acknowledged the flip and the target's replicas applied
 * the copy, the source's rows are deleted (its fence stays closed for writers that were paused
 * across the flip).</li>
 * <li>DONE: the entry is ACTIVE on the target.</li>
 * </ol>
 * A failure before the flip rolls back by itself (the source's fence opens, the entry is ACTIVE
 * on the source again, the target's partial copy is removed — or recorded and removed when the
 * target returns). A mover that stops answering is taken over by any instance: an entry in
 * MOVING unchanged for twice {@code move-timeout}, or in COPYING/CLEANING unchanged for
 * {@code move-stale-after}, is rolled back or finished. Every step is a compare-and-set on the
 * entry's version, and every write a mover makes on a primary runs in a transaction that first
 * checks the fence row still carries its epoch, so a stalled mover that wakes up after a takeover
 * changes nothing.
 */
public final class KeyMover {

	private static final Log logger = LogFactory.getLog(KeyMover.class);

	private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

	/** How long a pair's passed preflight is reused by later moves between the same shards. */
	private static final long PREFLIGHT_REUSE_NANOS = TimeUnit.SECONDS.toNanos(10);

	/** Stalled keys of one batch recovered together, at most. */
	private static final int RECOVERY_CHUNK = 500;

	/** Debris rows for a fence still to reopen carry this prefix before the shard's name. */
	private static final String FENCE_PREFIX = "fence:";

	/** A paced sweep deletes a table's rows of a move in about this many statements at most. */
	private static final int SWEEP_CHUNKS = 64;

	/** A copy taking at least move-timeout / this is followed by a catch-up before the fence. */
	private static final long PRE_FENCE_CATCH_UP_DIVISOR = 10;

	private final ShardDirectory directory;

	private final DirectorySync sync;

	private final ShardRouter router;

	private final Map<String, String> tables;

	private final Settings settings;

	private final MoveHistory history;

	private final StepListener listener;

	private final MoveDebris debris;

	private final Map<String, Preflight> preflights = new java.util.concurrent.ConcurrentHashMap<>();

	/**
	 * Creates a mover.
	 * @param directory the directory
	 * @param sync this instance's directory sync (acknowledgements)
	 * @param router the router (for shards, nodes and the strategy's owner)
	 * @param tables table to key column, in copy order (parents before children)
	 * @param settings time bounds and batch size
	 * @param history where outcomes are recorded (endpoint, metrics), or null
	 * @param listener told before each step (progress reports; tests inject faults here), or null
	 */
	public KeyMover(ShardDirectory directory, DirectorySync sync, ShardRouter router, Map<String, String> tables,
			Settings settings, MoveHistory history, StepListener listener) {
		tables.forEach((table, column) -> {
			if (!NAME.matcher(table).matches() || !NAME.matcher(column).matches()) {
				throw new IllegalArgumentException("Invalid move table or column: " + table + "." + column);
			}
		});
		this.directory = directory;
		this.sync = sync;
		this.router = router;
		this.tables = new LinkedHashMap<>(tables);
		this.settings = settings;
		this.history = (history != null) ? history : new MoveHistory(20);
		this.listener = (listener != null) ? listener : StepListener.NONE;
		this.debris = new MoveDebris(directory);
	}

	/** The outcomes of recent moves. */
	public MoveHistory history() {
		return this.history;
	}

	/**
	 * Moves a key's rows to a shard.
	 * @param key the key
	 * @param targetShard the shard to own it afterwards
	 * @return what was moved
	 * @throws dev.shardline.move.MoveRefusedException when a table cannot be moved safely (nothing
	 * was changed)
	 * @throws MoveFailedException when the move failed and was rolled back (or will be, see message)
	 */
	public MoveReport move(Object key, String targetShard) {
		Shard target = this.router.shardNamed(targetShard);
		String text = DirectoryKeys.text(key);
		Optional<DirectoryEntry> existing = this.directory.readText(text);
		if (existing.isPresent() && existing.get().state() != DirectoryEntry.State.ACTIVE) {
			throw alreadyMoving(key, existing.get());
		}
		String source = existing.map(DirectoryEntry::shard).orElseGet(() -> this.router.shardFor(key, "move").name());
		if (source.equals(target.name())) {
			return new MoveReport(text, source, source, Map.of(), 0, Duration.ZERO, Duration.ZERO);
		}
		Move move = new Move(List.of(key), List.of(text), source, target.name());
		run(move, List.of(existing.map(DirectoryEntry::version).orElse(0L)));
		return move.report();
	}

	/**
	 * Moves a batch of keys that all live on one shard to another in one round: one copy, one
	 * fence (every key's writes are refused together, for the short final phase only), one
	 * catch-up and verification, one flip. The batch succeeds or rolls back as a whole. Keys
	 * already on the target are left alone (reported as skipped).
	 * @param keys the keys (distinct; each ACTIVE in the directory on the same shard, or placed
	 * there by the strategy)
	 * @param targetShard the shard to own them afterwards
	 * @return what was moved
	 * @throws IllegalArgumentException when the keys are empty, repeated or on different shards
	 * @throws dev.shardline.move.MoveRefusedException when a table cannot be moved safely (nothing
	 * was changed)
	 * @throws MoveFailedException when the move failed and was rolled back (or will be, see message)
	 * @throws ShardlineException when a key is being moved already or changed while the batch
	 * started (nothing was changed)
	 */
	public BatchReport moveBatch(List<?> keys, String targetShard) {
		Shard target = this.router.shardNamed(targetShard);
		if (keys.isEmpty()) {
			throw new IllegalArgumentException("A batch move needs at least one key");
		}
		List<String> texts = new ArrayList<>(keys.size());
		for (Object key : keys) {
			texts.add(DirectoryKeys.text(key));
		}
		if (new java.util.HashSet<>(texts).size() != texts.size()) {
			throw new IllegalArgumentException("A batch move's keys must be distinct");
		}
		Map<String, DirectoryEntry> entries = this.directory.readTexts(texts);
		List<Object> moving = new ArrayList<>();
		List<String> movingTexts = new ArrayList<>();
		List<Long> versions = new ArrayList<>();
		List<String> skipped = new ArrayList<>();
		String source = null;
		for (int i = 0; i < keys.size(); i++) {
			Object key = keys.get(i);
			DirectoryEntry entry = entries.get(texts.get(i));
			if (entry != null && entry.state() != DirectoryEntry.State.ACTIVE) {
				throw alreadyMoving(key, entry);
			}
			String owner = (entry != null) ? entry.shard() : this.router.shardFor(key, "move").name();
			if (owner.equals(target.name())) {
				skipped.add(texts.get(i));
				continue;
			}
			if (source != null && !source.equals(owner)) {
				throw new IllegalArgumentException("A batch move's keys must all live on one shard: key '" + key
						+ "' is on " + owner + ", an earlier one on " + source);
			}
			source = owner;
			moving.add(key);
			movingTexts.add(texts.get(i));
			versions.add((entry != null) ? entry.version() : 0L);
		}
		if (moving.isEmpty()) {
			return new BatchReport(List.of(), skipped, target.name(), target.name(), Map.of(), 0, Duration.ZERO,
					Duration.ZERO);
		}
		Move move = new Move(moving, movingTexts, source, target.name());
		run(move, versions);
		MoveReport report = move.report();
		return new BatchReport(List.copyOf(movingTexts), List.copyOf(skipped), source, target.name(),
				report.copiedRows(), report.rows(), report.writePause(), report.duration());
	}

	private ShardlineException alreadyMoving(Object key, DirectoryEntry entry) {
		return new ShardlineException("Key '" + key + "' is already being moved (" + entry.state() + " to "
				+ entry.otherShard() + "); a stalled move is finished or rolled back by any instance within "
				+ this.settings.staleAfter().toSeconds() + " s");
	}

	/** Preflight, mark, claim, copy, fence, flip and clean up one move (of one key or a batch). */
	private void run(Move move, List<Long> versions) {
		try {
			preflight(move);
		}
		catch (RuntimeException ex) {
			this.history.record(move.record(MoveHistory.Outcome.FAILED, ex.getMessage()));
			logger.error("Move of " + move.what() + " from " + move.source + " to " + move.target + " refused: "
					+ ex.getMessage());
			throw ex;
		}
		this.listener.before(Step.MARK, move.text, move.texts);
		// Every key of the move gets one new version, above each one's old version: the move's epoch.
		long epoch = versions.stream().mapToLong(Long::longValue).max().orElse(0) + 1;
		if (this.directory.markAll(move.texts, versions, epoch, move.source, move.target) <= 0) {
			throw new ShardlineException(move.whatCapitalised()
					+ " changed while its move started; try again");
		}
		move.version = epoch;
		move.epoch = epoch;
		move.invalidate(this.directory);
		try {
			step(move, Step.CLAIM);
			// Stamp this epoch on both fence rows; a row already carrying a newer epoch means this
			// mover was taken over (and the key maybe moved again) while it stalled.
			claim(move, move.source, false);
			claim(move, move.target, true);
			copyAndFlip(move);
		}
		catch (TakenOverException ex) {
			this.history.record(move.record(move.flipped ? MoveHistory.Outcome.MOVED : MoveHistory.Outcome.FAILED,
					ex.getMessage()));
			logger.error(ex.getMessage());
			throw ex;
		}
		catch (RuntimeException ex) {
			if (move.flipped) {
				// The key is on the target and writable; only clean-up is left, which recovery finishes.
				logger.warn(move.whatCapitalised() + " moved to "
						+ move.target + ", but the clean-up did not finish (" + ex.getMessage()
						+ "); any instance finishes it within " + this.settings.staleAfter().toSeconds() + " s");
				this.history.record(move.record(MoveHistory.Outcome.MOVED, "clean-up pending: " + ex.getMessage()));
				return;
			}
			throw rollBack(move, ex);
		}
		MoveReport report = move.report();
		this.history.record(move.record(MoveHistory.Outcome.MOVED, null));
		logger.info("Moved " + move.what() + " from " + move.source + " to " + move.target + ": " + move.copied
				+ " rows, writes paused " + report.writePause().toMillis() + " ms, in " + report.duration().toMillis()
				+ " ms (" + move.timings() + ")");
	}

	private void preflight(Move move) {
		// A rebalance runs batch after batch between the same shards: a recent preflight of the pair
		// stands (schemas are not expected to change mid-rebalance; a column that did change still
		// fails the copy or its verification, and the batch rolls back).
		Preflight recent = this.preflights.get(move.source + "|" + move.target);
		if (recent != null && System.nanoTime() - recent.at() < PREFLIGHT_REUSE_NANOS) {
			recent.tables().forEach((table, definition) -> {
				move.tables.put(table, definition);
				move.copiers.put(table, copier(table));
			});
			return;
		}
		for (String shard : List.of(move.source, move.target)) {
			String product;
			try (Connection connection = this.router.shardNamed(shard).currentPrimary().dataSource().getConnection()) {
				product = connection.getMetaData().getDatabaseProductName();
			}
			catch (SQLException ex) {
				throw new ShardlineException("Moving: " + shard + "'s primary failed: " + ex.getMessage(), ex);
			}
			if (!product.toLowerCase(java.util.Locale.ROOT).matches(".*(mysql|mariadb).*")) {
				throw new dev.shardline.move.MoveRefusedException(String.join(", ", this.tables.keySet()), null,
						"key moves need MySQL or MariaDB primaries (the fence is a server-side trigger); " + shard
								+ " runs " + product + ". Nothing was changed");
			}
		}
		onPrimary(move.source, (source) -> onPrimary(move.target, (target) -> {
			for (Map.Entry<String, String> table : this.tables.entrySet()) {
				RowCopier copier = copier(table.getKey());
				move.tables.put(table.getKey(), copier.preflight(source, target));
				move.copiers.put(table.getKey(), copier);
				MoveFence fence = fence(table.getKey());
				install(fence, source, move.source);
				install(fence, target, move.target);
			}
		}));
		this.preflights.put(move.source + "|" + move.target, new Preflight(Map.copyOf(move.tables), System.nanoTime()));
	}

	/** A copier of one table for one move, paced by {@code move-copy-nice-ratio}. */
	private RowCopier copier(String table) {
		return new RowCopier(table, this.tables.get(table), this.settings.batchRows(),
				new CopyPacer(this.settings.copyNiceRatio()));
	}

	/** A passed preflight of a (source, target) pair: the tables' definitions, and when. */
	private record Preflight(Map<String, MoveTable> tables, long at) {
	}

	private static void install(MoveFence fence, Connection connection, String shard) {
		try {
			fence.install(connection);
		}
		catch (SQLException ex) {
			throw new dev.shardline.move.MoveRefusedException(fence.table(), null, "its fence table and triggers could "
					+ "not be installed on " + shard + "'s primary (" + ex.getMessage() + "): the application's user needs"
					+ " the CREATE and TRIGGER privileges, and with binary logging on, log_bin_trust_function_creators=1"
					+ " (or SUPER); or have an administrator run a first move");
		}
	}

	private void claim(Move move, String shard, boolean closed) {
		onPrimary(move, shard, (connection) -> inTransaction(connection, () -> {
			for (String table : this.tables.keySet()) {
				fence(table).claim(connection, move.keyValue, closed, move.epoch);
				if (!fence(table).holds(connection, move.keyValue, move.epoch)) {
					throw new TakenOverException(move, "before it claimed the key's fence on " + shard);
				}
			}
		}));
	}

	private void copyAndFlip(Move move) {
		step(move, Step.COPY);
		long copyStart = System.nanoTime();
		for (String table : this.tables.keySet()) {
			long rows = onTarget(move, (source, target) -> move.copiers.get(table)
				.copyAll(move.tables.get(table), source, target, move.keyValue));
			move.copied.put(table, (int) rows);
			progress(move);
		}
		// After a long copy, one catch-up while the key is still writable, so the fenced one has
		// only the last moments' changes to apply. After a short one (a rebalance batch) the writes
		// it missed are about as few as a catch-up would miss, and the fenced pass reads every
		// digest anyway: a catch-up now would only read them all twice more.
		if (System.nanoTime() - copyStart >= this.settings.moveTimeout().toNanos() / PRE_FENCE_CATCH_UP_DIVISOR) {
			for (String table : this.tables.keySet()) {
				onTarget(move, (source, target) -> move.copiers.get(table)
					.catchUp(move.tables.get(table), source, target, move.keyValue)
					.changedAnything() ? 1L : 0L);
			}
			progress(move);
		}
		step(move, Step.FENCE);
		move.pauseStart = System.nanoTime();
		long deadline = move.pauseStart + this.settings.moveTimeout().toNanos();
		long seq = compareAndSet(move, move.source, DirectoryEntry.State.MOVING, move.target);
		if (seq <= 0) {
			throw new TakenOverException(move, "before its fence");
		}
		// From here every statement of the mover is bounded by the fenced phase's deadline.
		move.deadline = deadline;
		move.invalidate(this.directory);
		List<String> silent = this.sync.awaitAcknowledged(seq, deadline);
		move.acknowledgedAt = System.nanoTime();
		if (!silent.isEmpty()) {
			throw new ShardlineException("Instances " + silent + " did not acknowledge the fence of " + move.what()
					+ " within move-timeout (" + this.settings.moveTimeout().toMillis() + " ms)");
		}
		onPrimary(move, move.source, (connection) -> {
			lockWaitUntil(connection, deadline);
			inTransaction(connection, () -> {
				for (String table : this.tables.keySet()) {
					if (!fence(table).close(connection, move.keyValue, move.epoch)) {
						throw new TakenOverException(move, "while closing its fence");
					}
				}
			});
			for (String table : this.tables.keySet()) {
				fence(table).awaitWriters(connection, move.keyValue);
			}
		});
		move.closedAt = System.nanoTime();
		move.checkDeadline(this.settings.moveTimeout());
		step(move, Step.CATCH_UP);
		// Nobody writes the key on either server now: one pass applies the last changes and
		// verifies every row (the rows it wrote are read back from the target).
		for (String table : this.tables.keySet()) {
			onTarget(move, (source, target) -> move.copiers.get(table)
				.catchUpAndVerify(move.tables.get(table), source, target, move.keyValue)
				.verification()
				.rows());
		}
		step(move, Step.VERIFY);
		move.checkDeadline(this.settings.moveTimeout());
		step(move, Step.FLIP);
		onTarget(move, (source, target) -> {
			for (String table : this.tables.keySet()) {
				fence(table).open(target, move.keyValue, move.epoch);
			}
			return 0L;
		});
		long flipSeq = compareAndSet(move, move.target, DirectoryEntry.State.CLEANING, move.source);
		if (flipSeq <= 0) {
			// The target's fence was opened for nothing: the takeover rolling back closes it again.
			throw new TakenOverException(move, "at its flip");
		}
		move.flipped = true;
		move.deadline = 0;
		move.pauseEnd = System.nanoTime();
		move.invalidate(this.directory);
		finish(move, flipSeq, true);
	}

	/**
	 * After the flip: wait for instances and the target's replicas, delete the source's rows (in
	 * paced chunks, or at once when recovery finishes a stalled move: it runs on the maintenance
	 * thread, which has stalled moves to roll back), ACTIVE.
	 */
	private void finish(Move move, long flipSeq, boolean paced) {
		step(move, Step.SWEEP);
		long deadline = System.nanoTime() + this.sync.lease().plus(this.settings.moveTimeout()).toNanos();
		List<String> slow = this.sync.awaitAcknowledged(flipSeq, deadline);
		if (!slow.isEmpty()) {
			logger.warn("Instances " + slow + " have not acknowledged the move of " + move.what() + " to " + move.target
					+ "; they cannot write the old owner (fenced), and may read it until they follow the change log");
		}
		boolean replicasHaveCopy = awaitReplicas(move.target);
		sweepSource(move, paced);
		if (!replicasHaveCopy) {
			throw new ShardlineException("The replicas of " + move.target + " have not applied the copy of " + move.what()
					+ " yet; its reads stay on the primary until they have");
		}
		step(move, Step.DONE);
		if (compareAndSet(move, move.target, DirectoryEntry.State.ACTIVE, null) <= 0) {
			throw new TakenOverException(move, "at its end");
		}
		move.invalidate(this.directory);
	}

	/**
	 * Deletes the source's rows of the moved keys. Paced: in statements of at most
	 * {@code move-batch-rows} rows per table (more for a huge key: at most {@value #SWEEP_CHUNKS}
	 * statements, as each one scans past the rows the earlier ones deleted until InnoDB purges
	 * them), each in a transaction that first checks this mover still holds the keys' fence,
	 * pausing like the copy between them: the key is served by the target now, so the sweep has
	 * time, and one huge delete (and its replication) would stall the source's other writers.
	 * Not paced: one statement per table, in one such transaction.
	 */
	private void sweepSource(Move move, boolean paced) {
		// the entries were last touched at the flip: a long sweep touches them again before the
		// stale-after deadline, so recovery does not take a live sweep over
		long lastProgress = (move.pauseEnd != 0) ? move.pauseEnd : System.nanoTime();
		CopyPacer.Pace pace = new CopyPacer(this.settings.copyNiceRatio()).start();
		for (int chunk = 0;; chunk++) {
			if (chunk > 0) {
				// each further statement of the sweep is announced as the sweep again
				this.listener.before(Step.SWEEP, move.text, move.texts);
			}
			long now = System.nanoTime();
			if (paced && now - lastProgress > this.settings.staleAfter().toNanos() / 4) {
				progress(move);
				lastProgress = now;
			}
			boolean[] more = { false };
			onPrimary(move.source, (connection) -> inTransaction(connection, () -> {
				for (String table : this.tables.keySet()) {
					if (!fence(table).holds(connection, move.keyValue, move.epoch)) {
						throw new TakenOverException(move, "before deleting the source's rows");
					}
				}
				for (String table : reversed(this.tables.keySet())) {
					move.copiers.computeIfAbsent(table, this::copier);
					MoveTable definition = move.tables.containsKey(table) ? move.tables.get(table)
							: MoveTable.read(connection, table, this.tables.get(table));
					if (!paced) {
						move.copiers.get(table).deleteAll(definition, connection, move.keyValue);
						continue;
					}
					int limit = Math.max(this.settings.batchRows(),
							(move.copied.getOrDefault(table, 0) + SWEEP_CHUNKS - 1) / SWEEP_CHUNKS);
					more[0] |= move.copiers.get(table).deleteSome(definition, connection, move.keyValue, limit) >= limit;
				}
			}));
			if (!more[0]) {
				return;
			}
			try {
				pace.batchDone();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new ShardlineException("Interrupted while deleting the source's rows of " + move.what(), ex);
			}
		}
	}

	/** Whether every replica of a shard has applied what its primary has now (bounded wait). */
	private boolean awaitReplicas(String shardName) {
		Shard shard = this.router.shardNamed(shardName);
		if (shard.replicas().isEmpty()) {
			return true;
		}
		try {
			GtidPosition position;
			try (Connection primary = shard.currentPrimary().dataSource().getConnection()) {
				GtidPosition.Flavor flavor = GtidWaits.isMariaDb(primary) ? GtidPosition.Flavor.MARIADB
						: GtidPosition.Flavor.MYSQL;
				position = GtidWaits.readPosition(primary, flavor, false);
			}
			boolean all = true;
			for (ShardNode node : shard.nodes()) {
				if (node == shard.currentPrimary()) {
					continue;
				}
				try (Connection replica = node.dataSource().getConnection()) {
					all &= GtidWaits.await(replica, position, this.settings.moveTimeout());
				}
				catch (SQLException ex) {
					all = false;
				}
			}
			return all;
		}
		catch (SQLException ex) {
			return false;
		}
	}

	private ShardlineException rollBack(Move move, RuntimeException cause) {
		String reason = String.valueOf(cause.getMessage());
		try {
			rollBack(move);
			logger.error("Move of " + move.what() + " from " + move.source + " to " + move.target
					+ " failed and was rolled back (the key is writable on " + move.source + " again): " + reason
					+ "; rows copied " + move.copied, cause);
			this.history.record(move.record(MoveHistory.Outcome.ROLLED_BACK, reason));
			return new MoveFailedException("Moving " + move.quoted() + " from " + move.source + " to " + move.target
					+ " failed and was rolled back; " + move.pronoun() + " on " + move.source + ": " + reason, cause);
		}
		catch (RuntimeException ex) {
			logger.error("Move of " + move.what() + " from " + move.source + " to " + move.target + " failed ("
					+ reason + ") and could not be rolled back yet (" + ex.getMessage()
					+ "); any instance rolls it back within " + staleAfter(DirectoryEntry.State.MOVING).toSeconds()
					+ " s once the directory and " + move.source + " answer", cause);
			this.history.record(move.record(MoveHistory.Outcome.FAILED, reason + "; rollback pending: " + ex.getMessage()));
			return new MoveFailedException("Moving " + move.quoted() + " from " + move.source + " to " + move.target
					+ " failed (" + reason + "), and its rollback is pending: " + ex.getMessage(), cause);
		}
	}

	/**
	 * Rolls a move back to its source: the source's fence opens (writes pass again) and the entry
	 * turns ACTIVE there; then the target's copy is deleted (or recorded for later).
	 */
	private void rollBack(Move move) {
		move.deadline = 0;
		step(move, Step.ROLLBACK);
		// The entry first: once it is ACTIVE on the source no flip can follow, so reopening the
		// source's fence afterwards can never let a write land on a key that moved.
		if (compareAndSet(move, move.source, DirectoryEntry.State.ACTIVE, null) <= 0) {
			throw new TakenOverException(move, "during its rollback");
		}
		move.invalidate(this.directory);
		try {
			reopen(move.source, move.keyValue, move.epoch);
		}
		catch (RuntimeException ex) {
			// A transaction that wrote the key still holds the fence row: reopened later.
			for (String text : move.texts) {
				this.debris.record(FENCE_PREFIX + move.source, text + "#" + move.epoch);
			}
			logger.warn("The fence of " + move.what() + " on " + move.source + " could not be reopened yet ("
					+ ex.getMessage() + "); retried by every instance's maintenance until it is");
		}
		try {
			onTarget(move, (source, target) -> {
				for (String table : reversed(this.tables.keySet())) {
					MoveTable definition = move.tables.containsKey(table) ? move.tables.get(table)
							: MoveTable.read(target, table, this.tables.get(table));
					new RowCopier(table, this.tables.get(table), 1).deleteAll(definition, target, move.keyValue);
				}
				return 0L;
			});
		}
		catch (RuntimeException ex) {
			for (String text : move.texts) {
				this.debris.record(move.target, text);
			}
			logger.warn("The partial copy of " + move.what() + " on " + move.target + " could not be removed ("
					+ ex.getMessage() + "); it is recorded and removed when " + move.target
					+ " answers (it is never read as the key's data: the key is routed to " + move.source + ")");
		}
	}

	/** Opens a key's fence on a shard (bounded lock wait) unless a newer epoch holds it. */
	private void reopen(String shard, Object keyValue, long epoch) {
		onPrimary(null, shard, (connection) -> {
			try (Statement statement = connection.createStatement()) {
				statement.execute("SET SESSION innodb_lock_wait_timeout = 2");
			}
			inTransaction(connection, () -> {
				for (String table : this.tables.keySet()) {
					fence(table).open(connection, keyValue, epoch);
				}
			});
		});
	}

	/**
	 * A compare-and-set of the move's entry from its current version. When the outcome is unknown
	 * (the directory failed while committing), the entry is read back: a change that did commit
	 * counts as done, so a flip that committed is never mistaken for one that did not.
	 * @return the change's log sequence number (0 when the entry had changed)
	 */
	private long compareAndSet(Move move, String shard, DirectoryEntry.State state, String otherShard) {
		long seq;
		try {
			seq = this.directory.compareAndSetAll(move.texts, move.version, shard, state, otherShard);
		}
		catch (DirectoryUnavailableException ex) {
			// One transaction changes every key of the move: all of them show whether it committed.
			Map<String, DirectoryEntry> now;
			try {
				now = this.directory.readTexts(move.texts);
			}
			catch (RuntimeException unreadable) {
				ex.addSuppressed(unreadable);
				throw ex;
			}
			if (move.texts.stream().allMatch((text) -> now.containsKey(text) && now.get(text).version() == move.version + 1
					&& now.get(text).state() == state && now.get(text).shard().equals(shard))) {
				seq = this.directory.latestSeq();
			}
			else if (move.texts.stream().allMatch((text) -> now.containsKey(text)
					&& now.get(text).version() == move.version)) {
				throw ex;
			}
			else {
				seq = 0;
			}
		}
		if (seq > 0) {
			move.version++;
		}
		return seq;
	}

	/**
	 * Rolls back or finishes moves whose mover stopped answering: MOVING entries unchanged for
	 * twice {@code move-timeout}, COPYING and CLEANING entries unchanged for {@code move-stale-after}.
	 * Also removes partial copies left on targets that were down during a rollback. Every instance
	 * runs this about every {@code move-timeout}.
	 * @return the keys recovered
	 */
	public List<String> recoverStalledMoves() {
		List<String> recovered = new ArrayList<>();
		for (DirectoryEntry.State state : List.of(DirectoryEntry.State.MOVING, DirectoryEntry.State.COPYING,
				DirectoryEntry.State.CLEANING)) {
			recovered.addAll(recoverAll(this.directory.entriesIn(state, staleAfter(state))));
		}
		this.debris.clean(this::removeDebris);
		return recovered;
	}

	/**
	 * Recovers moves interrupted by a crash that have been unchanged for at least
	 * {@code staleAfter} (an operator's shortcut; instances also do it by themselves, see
	 * {@link #recoverStalledMoves()}).
	 * @param staleAfter how long an entry must have been unchanged
	 * @return the keys recovered
	 */
	public List<String> recoverInterruptedMoves(Duration staleAfter) {
		List<String> recovered = new ArrayList<>();
		for (DirectoryEntry.State state : List.of(DirectoryEntry.State.MOVING, DirectoryEntry.State.COPYING,
				DirectoryEntry.State.CLEANING)) {
			recovered.addAll(recoverAll(this.directory.entriesIn(state, staleAfter)));
		}
		this.debris.clean(this::removeDebris);
		return recovered;
	}

	/**
	 * Recovers stalled entries, a batch's keys together: entries with the same state, shards and
	 * version were moved as one batch (they share its epoch), and are taken over and finished or
	 * rolled back as one, in chunks; a chunk whose takeover finds some entry changed is recovered
	 * key by key.
	 * @return the keys recovered
	 */
	private List<String> recoverAll(List<DirectoryEntry> entries) {
		Map<String, List<DirectoryEntry>> groups = new LinkedHashMap<>();
		for (DirectoryEntry entry : entries) {
			groups.computeIfAbsent(entry.state() + "|" + entry.shard() + "|" + entry.otherShard() + "|" + entry.version(),
					(group) -> new ArrayList<>()).add(entry);
		}
		List<String> recovered = new ArrayList<>();
		for (List<DirectoryEntry> group : groups.values()) {
			for (int from = 0; from < group.size(); from += RECOVERY_CHUNK) {
				List<DirectoryEntry> chunk = group.subList(from, Math.min(group.size(), from + RECOVERY_CHUNK));
				if (recover(chunk)) {
					chunk.forEach((entry) -> recovered.add(entry.key()));
				}
				else if (chunk.size() > 1) {
					for (DirectoryEntry entry : chunk) {
						if (recover(List.of(entry))) {
							recovered.add(entry.key());
						}
					}
				}
			}
		}
		return recovered;
	}

	/** Takes over and finishes or rolls back the move of entries sharing state, shards and version. */
	private boolean recover(List<DirectoryEntry> entries) {
		DirectoryEntry first = entries.get(0);
		boolean cleaning = first.state() == DirectoryEntry.State.CLEANING;
		String source = cleaning ? first.otherShard() : first.shard();
		String target = cleaning ? first.shard() : first.otherShard();
		List<Object> keys = new ArrayList<>();
		List<String> texts = new ArrayList<>();
		for (DirectoryEntry entry : entries) {
			keys.add(DirectoryKeys.parse(entry.key()));
			texts.add(entry.key());
		}
		// Take the move over: a compare-and-set on the version, which becomes this mover's epoch.
		if (this.directory.compareAndSetAll(texts, first.version(), first.shard(), first.state(),
				first.otherShard()) <= 0) {
			return false;
		}
		Move move = new Move(keys, texts, source, target);
		move.version = first.version() + 1;
		move.epoch = move.version;
		move.flipped = cleaning;
		try {
			// Stamp this epoch on the fence rows (waits for a stalled mover's step in flight to
			// end): the source's stays closed for a finished key and reopens in a rollback; the
			// target's, present only before a flip, stays closed until the copy is removed.
			onPrimary(source, (connection) -> inTransaction(connection, () -> {
				for (String table : this.tables.keySet()) {
					fence(table).claim(connection, move.keyValue, true, move.epoch);
				}
			}));
			if (!cleaning) {
				try {
					onPrimary(target, (connection) -> inTransaction(connection, () -> {
						for (String table : this.tables.keySet()) {
							fence(table).claim(connection, move.keyValue, true, move.epoch);
						}
					}));
				}
				catch (RuntimeException ex) {
					// Target down: the rollback records its copy for later removal.
				}
			}
			if (cleaning) {
				finish(move, this.directory.latestSeq(), false);
				this.history.record(move.record(MoveHistory.Outcome.MOVED, "finished by recovery"));
				logger.warn("Finished the stalled move of " + move.what() + " to " + target);
			}
			else {
				rollBack(move);
				this.history.record(move.record(MoveHistory.Outcome.ROLLED_BACK, "mover stopped answering"));
				logger.error("Rolled back the stalled move of " + move.what() + " to " + target + "; "
						+ ((keys.size() == 1) ? "it stays" : "they stay") + " on " + source);
			}
			return true;
		}
		catch (RuntimeException ex) {
			logger.warn("Could not recover the move of " + move.what() + " yet: " + ex.getMessage());
			return false;
		}
	}

	/** Removes a key's rows left on a shard that does not own it; false to try again later. */
	private boolean removeDebris(String shard, String keyText) {
		if (shard.startsWith(FENCE_PREFIX)) {
			int hash = keyText.lastIndexOf('#');
			try {
				reopen(shard.substring(FENCE_PREFIX.length()), DirectoryKeys.sqlValue(DirectoryKeys.parse(keyText.substring(0, hash))),
						Long.parseLong(keyText.substring(hash + 1)));
				return true;
			}
			catch (RuntimeException ex) {
				return false;
			}
		}
		Optional<DirectoryEntry> entry = this.directory.readText(keyText);
		if (entry.isPresent() && (entry.get().shard().equals(shard) || shard.equals(entry.get().otherShard()))) {
			// The key lives there now, or is being moved there (its copy starts by clearing the target).
			return true;
		}
		Object key = DirectoryKeys.parse(keyText);
		Object keyValue = DirectoryKeys.sqlValue(key);
		try {
			onPrimary(shard, (connection) -> inTransaction(connection, () -> {
				for (String table : reversed(this.tables.keySet())) {
					new RowCopier(table, this.tables.get(table), 1)
						.deleteAll(MoveTable.read(connection, table, this.tables.get(table)), connection, keyValue);
				}
			}));
			logger.info("Removed the partial copy of key " + keyText + " left on " + shard);
			return true;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private Duration staleAfter(DirectoryEntry.State state) {
		return (state == DirectoryEntry.State.MOVING) ? this.settings.moveTimeout().multipliedBy(2)
				: this.settings.staleAfter();
	}

	/** Tells the listener a step begins and notes when (for the step timings in the log). */
	private void step(Move move, Step step) {
		this.listener.before(step, move.text, move.texts);
		move.stepStarted[step.ordinal()] = System.nanoTime();
	}

	private void progress(Move move) {
		if (!this.directory.touchAll(move.texts, move.version)) {
			throw new TakenOverException(move, "while copying");
		}
		move.version++;
	}

	private MoveFence fence(String table) {
		return new MoveFence(table, this.tables.get(table));
	}

	/**
	 * Runs work that writes the target: inside one transaction on the target's primary that first
	 * checks the target's fence rows still carry this mover's epoch.
	 */
	private long onTarget(Move move, TargetWork work) {
		long[] result = new long[1];
		onPrimary(move, move.source, (source) -> onPrimary(move, move.target, (target) -> inTransaction(target, () -> {
			for (String table : this.tables.keySet()) {
				if (!fence(table).holds(target, move.keyValue, move.epoch)) {
					throw new TakenOverException(move, "on the target");
				}
			}
			result[0] = work.run(source, target);
		})));
		return result[0];
	}

	private void onPrimary(String shard, SqlWork work) {
		onPrimary(null, shard, work);
	}

	/** Work on a shard's primary in a mover's session; inside the fenced phase, bounded by its deadline. */
	private void onPrimary(Move move, String shard, SqlWork work) {
		DataSource dataSource = this.router.shardNamed(shard).currentPrimary().dataSource();
		try (Connection connection = dataSource.getConnection()) {
			if (move != null && move.deadline != 0) {
				long left = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(move.deadline - System.nanoTime());
				connection.setNetworkTimeout(Runnable::run, (int) Math.max(100, Math.min(Integer.MAX_VALUE, left)));
			}
			String[] before = MoveFence.enterMover(connection);
			try {
				work.run(connection);
			}
			catch (SQLException | RuntimeException ex) {
				try {
					MoveFence.leaveMover(connection, before);
				}
				catch (SQLException | RuntimeException suppressed) {
					// The work's failure is the one to report.
					ex.addSuppressed(suppressed);
				}
				throw ex;
			}
			MoveFence.leaveMover(connection, before);
		}
		catch (SQLException ex) {
			throw new ShardlineException("Moving: " + shard + "'s primary failed: " + ex.getMessage(), ex);
		}
	}

	private static void inTransaction(Connection connection, SqlStep step) throws SQLException {
		boolean autoCommit = connection.getAutoCommit();
		connection.setAutoCommit(false);
		try {
			step.run();
			connection.commit();
		}
		catch (SQLException | RuntimeException ex) {
			try {
				connection.rollback();
			}
			catch (SQLException suppressed) {
				ex.addSuppressed(suppressed);
			}
			throw ex;
		}
		finally {
			connection.setAutoCommit(autoCommit);
		}
	}

	/** Bounds lock waits on the connection (whole seconds, at least 1) by the fenced phase's deadline. */
	private static void lockWaitUntil(Connection connection, long deadlineNanos) throws SQLException {
		long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadlineNanos - System.nanoTime() + 999_999_999L));
		try (Statement statement = connection.createStatement()) {
			statement.execute("SET SESSION innodb_lock_wait_timeout = " + seconds);
		}
	}

	private static List<String> reversed(java.util.Collection<String> tables) {
		List<String> list = new ArrayList<>(tables);
		java.util.Collections.reverse(list);
		return list;
	}

	/** The steps of a move, in order (ROLLBACK only on failure). */
	public enum Step {

		/** Mark the entry COPYING. */
		MARK,

		/** Stamp this mover's epoch on the key's fence rows (source open, target closed). */
		CLAIM,

		/** Copy the rows (writes continue on the source). */
		COPY,

		/** Mark the entry MOVING, collect acknowledgements, close the source's fence. */
		FENCE,

		/** Apply the source's changes since the copy began, and compare every row on both sides. */
		CATCH_UP,

		/** The rows are identical on both sides: about to flip. */
		VERIFY,

		/** Hand the key to the target. */
		FLIP,

		/** Wait for instances and replicas, delete the source's rows. */
		SWEEP,

		/** Mark the entry ACTIVE. */
		DONE,

		/** Undo a move that failed before its flip. */
		ROLLBACK

	}

	/** Told before each step of a move: a progress report (and where tests inject faults). */
	@FunctionalInterface
	public interface StepListener {

		/** A listener that does nothing. */
		StepListener NONE = (step, key) -> {
		};

		/**
		 * A step is about to run ({@link Step#SWEEP} also before each further statement of a
		 * paced sweep).
		 * @param step the step
		 * @param key the key's stored text (a batch's: a summary of its keys)
		 */
		void before(Step step, String key);

		/**
		 * A step is about to run, with every key it acts on (one, or a batch's); by default
		 * {@link #before(Step, String)}.
		 * @param step the step
		 * @param key the key's stored text (a batch's: a summary of its keys)
		 * @param keys the stored texts of every key of the move
		 */
		default void before(Step step, String key, List<String> keys) {
			before(step, key);
		}

	}

	/**
	 * Time bounds and sizes of moves.
	 *
	 * @param moveTimeout the longest a key's writes are refused by a live mover (the fenced phase);
	 * a longer one rolls back
	 * @param staleAfter how long a COPYING or CLEANING entry may go unchanged before any instance
	 * takes its move over
	 * @param batchRows rows per insert statement of the copy
	 * @param copyNiceRatio how long the copy pauses after each batch, as a multiple of the batch's
	 * time (0: never); the fenced phase is never paced
	 */
	public record Settings(Duration moveTimeout, Duration staleAfter, int batchRows, double copyNiceRatio) {

		/**
		 * Settings with the default copy pacing ({@link CopyPacer#DEFAULT_NICE_RATIO}).
		 * @param moveTimeout the longest a key's writes are refused by a live mover
		 * @param staleAfter how long a COPYING or CLEANING entry may go unchanged
		 * @param batchRows rows per insert statement of the copy
		 */
		public Settings(Duration moveTimeout, Duration staleAfter, int batchRows) {
			this(moveTimeout, staleAfter, batchRows, CopyPacer.DEFAULT_NICE_RATIO);
		}

	}

	/**
	 * What a move did.
	 *
	 * @param key the key's stored text
	 * @param from the source shard
	 * @param to the target shard
	 * @param copiedRows rows copied per table
	 * @param rows rows copied in all
	 * @param writePause how long the key's writes were refused (fence to flip)
	 * @param duration the whole move
	 */
	public record MoveReport(String key, String from, String to, Map<String, Integer> copiedRows, long rows,
			Duration writePause, Duration duration) {
	}

	/**
	 * What a batch move did.
	 *
	 * @param keys the keys moved (stored texts)
	 * @param skipped keys left alone because they were on the target already
	 * @param from the source shard
	 * @param to the target shard
	 * @param copiedRows rows copied per table
	 * @param rows rows copied in all
	 * @param writePause how long the keys' writes were refused (fence to flip; the same for every key)
	 * @param duration the whole move
	 */
	public record BatchReport(List<String> keys, List<String> skipped, String from, String to,
			Map<String, Integer> copiedRows, long rows, Duration writePause, Duration duration) {
	}

	/** Thrown when a mover finds its move taken over by another instance: it changed nothing more. */
	static final class TakenOverException extends ShardlineException {

		private static final long serialVersionUID = 1L;

		TakenOverException(Move move, String where) {
			super("The move of " + move.what() + " to " + move.target + " was taken over by another instance "
					+ where + " (this mover was too slow); it changed nothing more");
		}

	}

	/** One move in progress. */
	private static final class Move {

		/** The keys moved together (one, or a batch). */
		final List<Object> keys;

		/** Their stored texts, in the same order. */
		final List<String> texts;

		/** One key's text, or a summary of a batch's (for logs and listeners). */
		final String text;

		/** What fence and copier calls take: the key's value, or the list of a batch's values. */
		final Object keyValue;

		final String source;

		final String target;

		final long started = System.nanoTime();

		final Map<String, MoveTable> tables = new LinkedHashMap<>();

		final Map<String, RowCopier> copiers = new LinkedHashMap<>();

		final Map<String, Integer> copied = new LinkedHashMap<>();

		long version;

		long epoch;

		boolean flipped;

		long pauseStart;

		long pauseEnd;

		final long[] stepStarted = new long[Step.values().length];

		long acknowledgedAt;

		/** The fenced phase's deadline (nanoTime), 0 outside it. */
		long deadline;

		void checkDeadline(Duration moveTimeout) {
			if (this.deadline != 0 && System.nanoTime() - this.deadline > 0) {
				throw new ShardlineException("The fenced phase of the move of " + what() + " took longer than "
						+ "move-timeout (" + moveTimeout.toMillis() + " ms)");
			}
		}

		long closedAt;

		/** Milliseconds from each step's start to the next step's, for the log. */
		String timings() {
			StringBuilder result = new StringBuilder();
			Step[] steps = Step.values();
			for (int i = 0; i < steps.length; i++) {
				if (this.stepStarted[i] == 0) {
					continue;
				}
				long end = System.nanoTime();
				for (int j = i + 1; j < steps.length; j++) {
					if (this.stepStarted[j] != 0) {
						end = this.stepStarted[j];
						break;
					}
				}
				result.append((result.length() > 0) ? ", " : "").append(steps[i].name().toLowerCase())
					.append(' ').append((end - this.stepStarted[i]) / 1_000_000).append(" ms");
			}
			if (this.closedAt != 0) {
				result.append("; of the fence: acknowledgements ")
					.append((this.acknowledgedAt - this.pauseStart) / 1_000_000)
					.append(" ms, closing ")
					.append((this.closedAt - this.acknowledgedAt) / 1_000_000)
					.append(" ms");
			}
			return result.toString();
		}

		Move(List<Object> keys, List<String> texts, String source, String target) {
			this.keys = List.copyOf(keys);
			this.texts = List.copyOf(texts);
			this.text = (texts.size() == 1) ? texts.get(0)
					: texts.size() + " keys (" + String.join(", ", texts.subList(0, Math.min(3, texts.size())))
							+ ((texts.size() > 3) ? ", ..." : "") + ")";
			List<Object> values = new ArrayList<>(keys.size());
			for (Object key : keys) {
				values.add(DirectoryKeys.sqlValue(key));
			}
			this.keyValue = (values.size() == 1) ? values.get(0) : List.copyOf(values);
			this.source = source;
			this.target = target;
		}

		/** "key k" or "a batch of n keys (...)", for messages. */
		String what() {
			return (this.texts.size() == 1) ? "key " + this.text : "a batch of " + this.text;
		}

		/** {@link #what()} at the start of a sentence. */
		String whatCapitalised() {
			String what = what();
			return Character.toUpperCase(what.charAt(0)) + what.substring(1);
		}

		/** "key 'k'" or "a batch of n keys (...)", for exceptions. */
		String quoted() {
			return (this.keys.size() == 1) ? "key '" + this.keys.get(0) + "'" : "a batch of " + this.text;
		}

		/** How a rollback message goes on: "the key stays" or "every key stays". */
		String pronoun() {
			return (this.keys.size() == 1) ? "the key stays" : "every key stays";
		}

		void invalidate(ShardDirectory directory) {
			for (Object key : this.keys) {
				directory.invalidate(key);
			}
		}

		Duration pause() {
			if (this.pauseStart == 0) {
				return Duration.ZERO;
			}
			long end = (this.pauseEnd != 0) ? this.pauseEnd : System.nanoTime();
			return Duration.ofNanos(end - this.pauseStart);
		}

		long rows() {
			return this.copied.values().stream().mapToLong(Integer::longValue).sum();
		}

		MoveReport report() {
			return new MoveReport(this.text, this.source, this.target, Map.copyOf(this.copied), rows(), pause(),
					Duration.ofNanos(System.nanoTime() - this.started));
		}

		MoveHistory.Record record(MoveHistory.Outcome outcome, String detail) {
			return new MoveHistory.Record(this.text, this.source, this.target, outcome, rows(), pause(),
					Duration.ofNanos(System.nanoTime() - this.started), detail, java.time.Instant.now());
		}

	}

	@FunctionalInterface
	private interface SqlWork {

		void run(Connection connection) throws SQLException;

	}

	@FunctionalInterface
	private interface SqlStep {

		void run() throws SQLException;

	}

	@FunctionalInterface
	private interface TargetWork {

		long run(Connection source, Connection target) throws SQLException;

	}

}
