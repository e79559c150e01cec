package dev.shardline.directory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Keeps one application instance's view of the directory current and acknowledged: every check
 * interval it reads the directory's change log past the last change it applied, drops those keys
 * from its cache, and renews its row in {@code <table>_instances} with that position (its
 * acknowledgement and its lease). While a move is in flight it polls five times as often, so a
 * move's fence and flip are seen within a fraction of the interval.
 *
 * <p>An acknowledgement means: this instance's cache holds no view older than the acknowledged
 * change, so it refuses new writes to a key fenced by it and routes the key as the change says.
 * Transactions that had already written the key's rows before the fence are waited for on the
 * source server by the mover (a locking read), and a write that slips past both (an instance
 * paused between its look-up and its statement) is refused by the source's fence trigger.
 */
public final class DirectorySync implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(DirectorySync.class);

	private static final int BATCH = 10_000;

	private static final long GAP_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

	private final ShardDirectory directory;

	private final DirectoryMembers members;

	private final String instanceId;

	private final long intervalNanos;

	private final long fastIntervalNanos;

	private final Duration lease;

	private final Runnable periodic;

	private final long periodicNanos;

	private volatile ScheduledExecutorService executor;

	/** Maintenance (recovery of stalled moves) runs apart, so it never holds up acknowledgements. */
	private volatile java.util.concurrent.ExecutorService maintenance;

	private volatile boolean maintaining;

	private boolean positioned;

	private volatile long fastUntil;

	private volatile long lastPeriodic = System.nanoTime();

	private volatile long lastSyncNanos;

	private volatile String failure = "";

	/** A sequence number missing from the log (a change not committed yet), and since when. */
	private long gapSeq = -1;

	private long gapSince;

	/**
	 * Creates the sync.
	 * @param directory the directory
	 * @param instanceId this instance's id (unique per application instance)
	 * @param interval the check interval
	 * @param periodic work run about every {@code periodicInterval} on the sync thread (recovery of
	 * stalled moves), or null
	 * @param periodicInterval how often
	 */
	public DirectorySync(ShardDirectory directory, String instanceId, Duration interval, Runnable periodic,
			Duration periodicInterval) {
		this.directory = directory;
		this.members = new DirectoryMembers(directory);
		this.instanceId = instanceId;
		this.intervalNanos = interval.toNanos();
		this.fastIntervalNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(20), this.intervalNanos / 5);
		this.lease = leaseFor(interval);
		this.periodic = periodic;
		this.periodicNanos = periodicInterval.toNanos();
	}

	/**
	 * The lease for a check interval: an instance that has not renewed its row for this long is
	 * counted out by movers (four intervals, at least one second).
	 * @param interval the check interval
	 * @return the lease
	 */
	public static Duration leaseFor(Duration interval) {
		Duration four = interval.multipliedBy(4);
		return (four.compareTo(Duration.ofSeconds(1)) < 0) ? Duration.ofSeconds(1) : four;
	}

	/** This instance's id in the instances table. */
	public String instanceId() {
		return this.instanceId;
	}

	/** The lease after which a silent instance is counted out. */
	public Duration lease() {
		return this.lease;
	}

	/** When this instance last followed the change log (nanoTime), 0 before the first time. */
	public long lastSyncNanos() {
		return this.lastSyncNanos;
	}

	/** Why the last sync failed, or null while it works. */
	public String failure() {
		return this.failure.isEmpty() ? null : this.failure;
	}

	/**
	 * Follows the change log now and acknowledges it (also what the check-interval loop runs).
	 * @return whether it worked
	 */
	public synchronized boolean syncNow() {
		try {
			if (!this.positioned) {
				// Started while the directory was down: begin at the newest change, with nothing cached
				// that could predate it.
				this.directory.seen(this.directory.latestSeq());
				this.directory.invalidateAll();
				this.positioned = true;
			}
			long seen = this.directory.seenSeq();
			List<ShardDirectory.Change> changes;
			boolean contiguous = true;
			do {
				changes = this.directory.changesSince(seen, BATCH);
				if (!changes.isEmpty()) {
					// Before any key is dropped: a replica's answer older than these changes no longer counts.
					this.directory.raiseFloor(changes.get(changes.size() - 1).seq());
				}
				for (ShardDirectory.Change change : changes) {
					// Dropping a key more than once is harmless; moving past a change not yet
					// committed is not.
					this.directory.invalidateText(change.key());
					if (change.state() != DirectoryEntry.State.ACTIVE) {
						this.fastUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
					}
					if (contiguous && change.seq() != seen + 1) {
						if (gapExpired(seen + 1)) {
							// A change may commit late under a skipped number: drop every cached view.
							this.directory.invalidateAll();
						}
						else {
							contiguous = false;
						}
					}
					if (contiguous) {
						seen = change.seq();
					}
				}
				this.directory.seen(seen);
			}
			while (contiguous && changes.size() == BATCH);
			if (contiguous) {
				this.gapSeq = -1;
			}
			if (changes.isEmpty() && this.directory.latestSeq() < seen) {
				// The log went back (a failover lost its newest rows): start over from what is there.
				this.directory.invalidateAll();
				this.directory.resetSeen(this.directory.latestSeq());
			}
			this.members.acknowledge(this.instanceId, this.directory.seenSeq());
			this.lastSyncNanos = System.nanoTime();
			if (!this.failure.isEmpty()) {
				logger.info("Following the directory's change log again");
				this.failure = "";
			}
			return true;
		}
		catch (RuntimeException ex) {
			String message = String.valueOf(ex.getMessage());
			if (!message.equals(this.failure)) {
				logger.warn("Cannot follow the directory's change log (moves wait for this instance until its lease of "
						+ this.lease.toMillis() + " ms runs out): " + message);
				this.failure = message;
			}
			return false;
		}
	}

	/**
	 * Whether a missing sequence number may be skipped: auto-increment values of transactions
	 * that rolled back never appear, while one still committing appears within moments.
	 */
	private boolean gapExpired(long seq) {
		long now = System.nanoTime();
		if (this.gapSeq != seq) {
			this.gapSeq = seq;
			this.gapSince = now;
			return false;
		}
		return now - this.gapSince > GAP_WAIT_NANOS;
	}

	/**
	 * Waits until every live instance has acknowledged a change, or a deadline passes.
	 * @param seq the change's sequence number
	 * @param deadlineNanos the deadline (nanoTime)
	 * @return the instances that have not acknowledged it (empty when all have)
	 */
	public List<String> awaitAcknowledged(long seq, long deadlineNanos) {
		this.fastUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		syncNow();
		while (true) {
			List<String> laggards = this.members.notYetAcknowledged(seq, this.lease);
			if (laggards.isEmpty() || System.nanoTime() - deadlineNanos >= 0) {
				return laggards;
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
		}
	}

	/** Live instances (this one included) that do not record new keys on their first write. */
	public List<String> instancesNotAssigning() {
		syncNow();
		return this.members.notAssigning(this.lease);
	}

	@Override
	public void start() {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "shardline-directory");
			thread.setDaemon(true);
			return thread;
		});
		this.executor = executor;
		this.maintenance = Executors.newSingleThreadExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "shardline-directory-maintenance");
			thread.setDaemon(true);
			return thread;
		});
		try {
			this.directory.seen(this.directory.latestSeq());
			this.positioned = true;
		}
		catch (RuntimeException ex) {
			logger.warn("Directory change log not readable at start-up: " + ex.getMessage());
		}
		executor.execute(this::round);
	}

	private void round() {
		syncNow();
		java.util.concurrent.ExecutorService maintenance = this.maintenance;
		if (maintenance != null && !this.maintaining && System.nanoTime() - this.lastPeriodic >= this.periodicNanos) {
			this.lastPeriodic = System.nanoTime();
			this.maintaining = true;
			try {
				maintenance.execute(this::maintain);
			}
			catch (java.util.concurrent.RejectedExecutionException ex) {
				this.maintaining = false;
			}
		}
		ScheduledExecutorService executor = this.executor;
		if (executor != null && !executor.isShutdown()) {
			long delay = (System.nanoTime() - this.fastUntil < 0) ? this.fastIntervalNanos : this.intervalNanos;
			executor.schedule(this::round, delay, TimeUnit.NANOSECONDS);
		}
	}

	private void maintain() {
		try {
			if (this.periodic != null) {
				this.periodic.run();
			}
			this.directory.pruneLog(this.members.appliedByAll(this.lease));
		}
		catch (RuntimeException ex) {
			logger.warn("Directory maintenance failed: " + ex.getMessage());
		}
		finally {
			this.maintaining = false;
		}
	}

	@Override
	public void stop() {
		java.util.concurrent.ExecutorService maintenance = this.maintenance;
		this.maintenance = null;
		if (maintenance != null) {
			maintenance.shutdownNow();
		}
		ScheduledExecutorService executor = this.executor;
		this.executor = null;
		if (executor != null) {
			executor.shutdownNow();
			try {
				executor.awaitTermination(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		try {
			this.members.leave(this.instanceId);
		}
		catch (RuntimeException ex) {
			// Counted out by its lease instead.
		}
	}

	/**
	 * Stops following the change log without leaving the instances table, as a frozen instance
	 * would (fault tests); movers count this instance out when its lease runs out.
	 */
	public void suspend() {
		ScheduledExecutorService executor = this.executor;
		this.executor = null;
		if (executor != null) {
			executor.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.executor != null;
	}

}
