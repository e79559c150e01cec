package dev.shardline.rebalance;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.shardline.ShardlineException;
import dev.shardline.directory.DirectoryEntry;
import dev.shardline.directory.DirectoryKeys;
import dev.shardline.directory.KeyMover;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Runs the stored rebalance plan: operators plan, start, pause, resume and cancel it (any
 * instance; the state lives in the plan's row), and the instance that owns it moves its keys.
 *
 * <p><b>Execution.</b> Pending keys are grouped by (from, to) pair and cut into batches of at most
 * {@code batch-keys} keys and {@code batch-rows} rows; at most {@code workers} batches run at
 * once, each worker taking the next batch of the pair with the fewest batches in flight (so pairs
 * run in parallel, and with more workers than pairs a pair's batches overlap: one copies while
 * another waits for its fence or sweep), each batch one {@link KeyMover#moveBatch} round. Before a batch: the plan must still be RUNNING and owned by
 * this instance (pause and cancel take effect here; a batch in its cut-over finishes); the
 * {@link RebalanceThrottle} must let it run (else it waits, and the wait counts as throttled
 * time); and each key's directory entry is read again: a key already on its target is marked
 * done without moving (so a crash between a move and its bookkeeping never moves a key twice),
 * a key in a move is left for a later round, a key found on another shard is moved from there.
 * A failed batch is logged and retried in a later round; a key that failed
 * {@value #MAX_ATTEMPTS} times is FAILED and the plan goes on without it.
 *
 * <p><b>Durability.</b> The owner renews a lease on the plan row about three times per
 * {@code lease}; every instance checks as often, and takes a RUNNING plan whose lease ran out
 * over, resuming from its pending keys. An orderly shutdown gives the lease up at once.
 */
public final class Rebalancer implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(Rebalancer.class);

	/** Failed batches a key takes part in before it is given up. */
	public static final int MAX_ATTEMPTS = 3;

	private static final long RATE_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(60);

	private static final long PROGRESS_CACHE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	/** How long a worker's pause between batches sleeps before it looks whether to stop. */
	private static final long PAUSE_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private final RebalanceStore store;

	private final RebalancePlanning planning;

	private final KeyMover mover;

	private final RebalanceThrottle throttle;

	private final String instanceId;

	private final Settings settings;

	private final RateWindow rate = new RateWindow(RATE_WINDOW_NANOS);

	private final AtomicLong throttledNanos = new AtomicLong();

	private final AtomicLong throttleWaits = new AtomicLong();

	private final AtomicInteger inFlight = new AtomicInteger();

	/** Workers waiting for the throttle, and since when one has been (wall-clock throttled time). */
	private int waiting;

	private long waitingSince;

	private volatile String throttledBy;

	private volatile ScheduledExecutorService watch;

	private volatile Execution execution;

	private volatile boolean suspended;

	private volatile String lastCheckFailure;

	private volatile RebalanceProgress cached;

	private volatile long cachedAt;

	/**
	 * Creates the rebalancer.
	 * @param store where plans live
	 * @param planning computes plans
	 * @param mover moves batches of keys
	 * @param throttle decides when batches wait
	 * @param instanceId this instance's id (the plan's owner while it runs it)
	 * @param settings sizes and intervals
	 */
	public Rebalancer(RebalanceStore store, RebalancePlanning planning, KeyMover mover, RebalanceThrottle throttle,
			String instanceId, Settings settings) {
		this.store = store;
		this.planning = planning;
		this.mover = mover;
		this.throttle = throttle;
		this.instanceId = instanceId;
		this.settings = settings;
	}

	/**
	 * Computes and stores a plan.
	 * @param kind {@code add} or {@code remove}
	 * @param shard the shard to remove (for {@code remove})
	 * @return the plan (PLANNED; start it to run it)
	 * @throws ShardlineException when another plan is unfinished or the arguments are wrong
	 */
	public Plan plan(String kind, String shard) {
		Plan plan;
		if ("add".equals(kind)) {
			plan = this.planning.planAdd();
		}
		else if ("remove".equals(kind)) {
			if (shard == null || shard.isBlank()) {
				throw new ShardlineException("A 'remove' plan needs the shard to remove (shard=...)");
			}
			plan = this.planning.planRemove(shard);
		}
		else {
			throw new ShardlineException("Unknown rebalance kind '" + kind + "': use add or remove");
		}
		logger.info("Planned rebalance " + plan.id() + ": " + plan.description());
		this.cached = null;
		return plan;
	}

	/** Starts the unfinished plan (PLANNED to RUNNING, owned by this instance). */
	public Plan startPlan() {
		return change(EnumSet.of(PlanState.PLANNED), PlanState.RUNNING, "start");
	}

	/** Pauses the running plan after the batches in flight. */
	public Plan pausePlan() {
		return change(EnumSet.of(PlanState.RUNNING), PlanState.PAUSED, "pause");
	}

	/** Resumes a paused plan (on its owner while its lease holds, else on this instance). */
	public Plan resumePlan() {
		return change(EnumSet.of(PlanState.PAUSED), PlanState.RUNNING, "resume");
	}

	/** Cancels the unfinished plan; keys moved stay moved, the batches in flight finish. */
	public Plan cancelPlan() {
		return change(EnumSet.of(PlanState.PLANNED, PlanState.RUNNING, PlanState.PAUSED), PlanState.CANCELLED, "cancel");
	}

	private Plan change(EnumSet<PlanState> from, PlanState to, String action) {
		Plan plan = this.store.active()
			.orElseThrow(() -> new ShardlineException("No unfinished rebalance plan to " + action + ": plan one first"));
		if (!from.contains(plan.state())
				|| !this.store.transition(plan.id(), from, to, this.instanceId, this.settings.lease())) {
			throw new ShardlineException("Cannot " + action + " rebalance plan " + plan.id() + ": it is "
					+ this.store.plan(plan.id()).map((p) -> p.state().tag()).orElse("gone"));
		}
		logger.info("Rebalance plan " + plan.id() + ": " + action + " (" + plan.state().tag() + " -> " + to.tag() + ")");
		this.cached = null;
		if (to == PlanState.RUNNING) {
			tick();
		}
		return this.store.plan(plan.id()).orElseThrow();
	}

	/**
	 * Where the current (or last) plan stands; re-read at most twice a second.
	 * @return the progress
	 */
	public RebalanceProgress progress() {
		RebalanceProgress progress = this.cached;
		if (progress != null && System.nanoTime() - this.cachedAt < PROGRESS_CACHE_NANOS) {
			return progress;
		}
		progress = readProgress();
		this.cached = progress;
		this.cachedAt = System.nanoTime();
		return progress;
	}

	private RebalanceProgress readProgress() {
		Optional<Plan> current = this.store.current();
		if (current.isEmpty()) {
			return RebalanceProgress.none(this.settings.workers());
		}
		Plan plan = current.get();
		long keysDone = 0;
		long keysFailed = 0;
		long keysTotal = 0;
		long rowsDone = 0;
		long rowsFailed = 0;
		long rowsTotal = 0;
		Map<String, long[]> pairs = new TreeMap<>();
		for (RebalanceStore.Count count : this.store.counts(plan.id())) {
			long[] pair = pairs.computeIfAbsent(count.from() + "\u0000" + count.to(), (k) -> new long[5]);
			keysTotal += count.keys();
			rowsTotal += count.rows();
			pair[4] += count.rows();
			switch (count.state()) {
				case "DONE" -> {
					keysDone += count.keys();
					rowsDone += count.rows();
					pair[1] += count.keys();
					pair[3] += count.rows();
				}
				case "FAILED" -> {
					keysFailed += count.keys();
					rowsFailed += count.rows();
					pair[2] += count.keys();
				}
				default -> pair[0] += count.keys();
			}
		}
		List<RebalanceProgress.PairProgress> pairProgress = new ArrayList<>();
		pairs.forEach((name, counts) -> {
			String[] fromTo = name.split("\u0000");
			pairProgress.add(new RebalanceProgress.PairProgress(fromTo[0], fromTo[1], counts[0], counts[1], counts[2],
					counts[3], counts[4]));
		});
		long now = System.nanoTime();
		double rowsPerSecond = (plan.state() == PlanState.RUNNING) ? this.rate.rowsPerSecond(now) : 0;
		double throttled = plan.throttledMillis() / 1000.0 + currentWaitNanos(now) / 1e9;
		Double eta = plan.state().finished() ? Double.valueOf(0)
				: RateWindow.etaSeconds(rowsTotal - rowsDone - rowsFailed, rowsPerSecond);
		return new RebalanceProgress(plan.id(), plan.state(), plan.kind(), plan.description(), plan.owner(), keysDone,
				keysFailed, keysTotal, rowsDone, rowsTotal, rowsPerSecond, throttled, eta, this.settings.workers(),
				(plan.state() == PlanState.RUNNING) ? this.throttledBy : null, plan.lastError(), pairProgress);
	}

	/** Throttle waits that ended on this instance (for the throttled timer). */
	public long throttleWaits() {
		return this.throttleWaits.get();
	}

	/** Time batches waited on this instance, wall-clock, in nanoseconds (for the throttled timer). */
	public long throttledNanos() {
		return this.throttledNanos.get() + currentWaitNanos(System.nanoTime());
	}

	/** Batches this instance is moving right now (0 once a pause or cancel has taken effect here). */
	public int batchesInFlight() {
		return this.inFlight.get();
	}

	/** This instance's id (a plan's owner). */
	public String instanceId() {
		return this.instanceId;
	}

	/**
	 * Renews this instance's lease, starts running a plan it owns, or takes over a running plan
	 * whose owner's lease ran out. Runs about three times per lease on its own.
	 */
	public synchronized void tick() {
		if (this.suspended) {
			return;
		}
		Plan plan;
		try {
			plan = this.store.active().orElse(null);
			this.lastCheckFailure = null;
			if (plan == null) {
				return;
			}
			if (this.instanceId.equals(plan.owner())) {
				if (!this.store.renew(plan.id(), this.instanceId, this.settings.lease())) {
					return;
				}
			}
			else if (plan.state() == PlanState.RUNNING && plan.leaseExpired()) {
				if (!this.store.takeOver(plan.id(), this.instanceId, this.settings.lease())) {
					return;
				}
				logger.warn("Taking over rebalance plan " + plan.id() + " from instance " + plan.owner()
						+ " (its lease ran out); resuming from its pending keys");
			}
			else {
				return;
			}
		}
		catch (RuntimeException ex) {
			String message = String.valueOf(ex.getMessage());
			if (!message.equals(this.lastCheckFailure)) {
				// Once per distinct failure: the directory being down is reported by the directory itself.
				logger.warn("Rebalance check failed (retried every " + Math.max(100, this.settings.lease().toMillis() / 3)
						+ " ms): " + message);
				this.lastCheckFailure = message;
			}
			return;
		}
		if (plan.state() == PlanState.RUNNING) {
			ensureExecuting(plan.id());
		}
	}

	private void ensureExecuting(long planId) {
		Execution running = this.execution;
		if (running != null && running.planId == planId && running.coordinator.isAlive()) {
			return;
		}
		if (running != null) {
			running.stopped = true;
		}
		Execution started = new Execution(planId);
		this.execution = started;
		started.coordinator.start();
	}

	private void run(Execution execution) {
		logger.info("Running rebalance plan " + execution.planId + " on " + this.settings.workers() + " workers");
		try {
			while (mayContinue(execution)) {
				List<PlannedKey> pending = this.store.pending(execution.planId);
				if (pending.isEmpty()) {
					finish(execution.planId);
					return;
				}
				AtomicInteger progressed = new AtomicInteger();
				Lanes lanes = new Lanes(Batches.byPair(pending));
				List<Future<?>> workers = new ArrayList<>();
				for (int i = 0; i < this.settings.workers(); i++) {
					workers.add(execution.workers.submit(() -> runLane(execution, lanes, progressed)));
				}
				for (Future<?> worker : workers) {
					worker.get();
				}
				if (progressed.get() == 0 && !sleep(this.settings.pollInterval())) {
					return;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			logger.error("Rebalance plan " + execution.planId + " stopped on this instance: " + cause, cause);
			recordError(execution.planId, String.valueOf(cause.getMessage()));
		}
		catch (RuntimeException ex) {
			logger.warn("Rebalance plan " + execution.planId + " paused on this instance (resumed by the next check): "
					+ ex.getMessage());
		}
		finally {
			execution.workers.shutdown();
		}
	}

	/** One worker: takes the next batch of the pair with the fewest batches in flight, until none is left. */
	private void runLane(Execution execution, Lanes lanes, AtomicInteger progressed) {
		while (true) {
			Lanes.Taken taken = lanes.take();
			if (taken == null) {
				return;
			}
			try {
				if (!mayContinue(execution) || !awaitThrottle(execution, taken.pair())) {
					return;
				}
				long started = System.nanoTime();
				progressed.addAndGet(runBatch(execution.planId, taken.pair(), taken.batch()));
				if (!pauseAfterBatch(execution, (long) ((System.nanoTime() - started) * this.settings.niceRatio()))) {
					return;
				}
			}
			finally {
				lanes.done(taken.pair());
			}
		}
	}

	/**
	 * A worker's nice-ratio pause, in short slices so that stopping the instance or another plan
	 * run ends it at once (a pause or cancel is seen before the next batch). False: stop now.
	 */
	private boolean pauseAfterBatch(Execution execution, long nanos) {
		long until = System.nanoTime() + nanos;
		for (long left = nanos; left > 0; left = until - System.nanoTime()) {
			if (execution.stopped || this.suspended || this.execution != execution) {
				return false;
			}
			try {
				TimeUnit.NANOSECONDS.sleep(Math.min(left, PAUSE_SLICE_NANOS));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return true;
	}

	/**
	 * One round's batches, by pair: workers take the next batch of the pair with the fewest
	 * batches in flight, so pairs progress evenly and, with more workers than pairs, a pair's next
	 * batch copies while its previous one waits for its fence and sweep.
	 */
	private final class Lanes {

		private final Map<Batches.Pair, ArrayDeque<List<PlannedKey>>> queues = new LinkedHashMap<>();

		private final Map<Batches.Pair, Integer> inFlight = new HashMap<>();

		Lanes(Map<Batches.Pair, List<PlannedKey>> byPair) {
			byPair.forEach((pair, keys) -> {
				this.queues.put(pair, new ArrayDeque<>(
						Batches.cut(keys, Rebalancer.this.settings.batchRows(), Rebalancer.this.settings.batchKeys())));
				this.inFlight.put(pair, 0);
			});
		}

		synchronized Taken take() {
			Batches.Pair best = null;
			for (Map.Entry<Batches.Pair, ArrayDeque<List<PlannedKey>>> queue : this.queues.entrySet()) {
				if (!queue.getValue().isEmpty()
						&& (best == null || this.inFlight.get(queue.getKey()) < this.inFlight.get(best))) {
					best = queue.getKey();
				}
			}
			if (best == null) {
				return null;
			}
			this.inFlight.merge(best, 1, Integer::sum);
			return new Taken(best, this.queues.get(best).poll());
		}

		synchronized void done(Batches.Pair pair) {
			this.inFlight.merge(pair, -1, Integer::sum);
		}

		record Taken(Batches.Pair pair, List<PlannedKey> batch) {
		}

	}

	/** Runs one batch; returns how many keys changed state (done, re-homed or failed). */
	private int runBatch(long planId, Batches.Pair pair, List<PlannedKey> batch) {
		this.inFlight.incrementAndGet();
		try {
			return moveBatch(planId, pair, batch);
		}
		finally {
			this.inFlight.decrementAndGet();
		}
	}

	private int moveBatch(long planId, Batches.Pair pair, List<PlannedKey> batch) {
		List<String> texts = batch.stream().map(PlannedKey::key).toList();
		Map<String, DirectoryEntry> entries = this.store.entries(texts);
		List<String> done = new ArrayList<>();
		List<String> vanished = new ArrayList<>();
		List<String> moveTexts = new ArrayList<>();
		List<Object> moveKeys = new ArrayList<>();
		int changed = 0;
		for (PlannedKey key : batch) {
			DirectoryEntry entry = entries.get(key.key());
			if (entry == null) {
				// Planned from an entry that is gone: the ring alone would say where its rows are, which
				// is not safe to guess.
				vanished.add(key.key());
			}
			else if (entry.state() != DirectoryEntry.State.ACTIVE) {
				// Being moved (or recovered): a later round sees where it ended.
				continue;
			}
			else if (entry.shard().equals(key.to())) {
				done.add(key.key());
			}
			else if (entry.shard().equals(key.from())) {
				moveTexts.add(key.key());
				moveKeys.add(DirectoryKeys.parse(key.key()));
			}
			else {
				this.store.rehome(planId, key.key(), entry.shard());
				changed++;
			}
		}
		if (!vanished.isEmpty()) {
			logger.error("Rebalance plan " + planId + ": keys " + vanished + " have no directory entry any more; not moved");
			this.store.attemptFailed(planId, vanished, 1);
			recordError(planId, vanished.size() + " keys lost their directory entry before they moved");
			changed += vanished.size();
		}
		this.store.markDone(planId, done);
		changed += done.size();
		if (moveKeys.isEmpty()) {
			return changed;
		}
		try {
			KeyMover.BatchReport report = this.mover.moveBatch(moveKeys, pair.to());
			this.store.markDone(planId, moveTexts);
			this.rate.record(System.nanoTime(), report.rows());
			this.cached = null;
			return changed + moveTexts.size();
		}
		catch (RuntimeException ex) {
			logger.warn("Rebalance batch of " + moveKeys.size() + " keys " + pair + " failed (retried later, up to "
					+ MAX_ATTEMPTS + " times per key): " + ex.getMessage());
			recordError(planId, "batch " + pair + ": " + ex.getMessage());
			this.store.attemptFailed(planId, moveTexts, MAX_ATTEMPTS);
			return changed + 1;
		}
	}

	/** Waits while the throttle says so; false when the plan should stop meanwhile. */
	private boolean awaitThrottle(Execution execution, Batches.Pair pair) {
		String reason = this.throttle.reason(pair.from(), pair.to());
		if (reason == null) {
			return true;
		}
		logger.info("Rebalance " + pair + " waits: " + reason);
		beginWait(reason);
		try {
			while (reason != null) {
				if (!mayContinue(execution) || !sleep(this.settings.pollInterval())) {
					return false;
				}
				reason = this.throttle.reason(pair.from(), pair.to());
				if (reason != null) {
					this.throttledBy = reason;
				}
			}
			logger.info("Rebalance " + pair + " resumes");
			return true;
		}
		finally {
			endWait(execution.planId);
		}
	}

	private synchronized void beginWait(String reason) {
		this.throttledBy = reason;
		if (this.waiting++ == 0) {
			this.waitingSince = System.nanoTime();
		}
	}

	private void endWait(long planId) {
		long waited = 0;
		synchronized (this) {
			if (--this.waiting == 0) {
				waited = System.nanoTime() - this.waitingSince;
				this.throttledNanos.addAndGet(waited);
				this.throttleWaits.incrementAndGet();
				this.throttledBy = null;
			}
		}
		if (waited > 0) {
			try {
				this.store.addThrottled(planId, TimeUnit.NANOSECONDS.toMillis(waited));
			}
			catch (RuntimeException ex) {
				logger.warn("Could not record throttled time: " + ex.getMessage());
			}
		}
	}

	private synchronized long currentWaitNanos(long now) {
		return (this.waiting > 0) ? now - this.waitingSince : 0;
	}

	private void finish(long planId) {
		long failed = this.store.counts(planId)
			.stream()
			.filter((count) -> "FAILED".equals(count.state()))
			.mapToLong(RebalanceStore.Count::keys)
			.sum();
		PlanState end = (failed > 0) ? PlanState.FAILED : PlanState.DONE;
		if (this.store.finish(planId, this.instanceId, end,
				(failed > 0) ? failed + " keys could not be moved (see the log); the others are on their planned shards"
						: null)) {
			this.cached = null;
			logger.info("Rebalance plan " + planId + " " + end.tag() + ((failed > 0) ? " (" + failed + " keys failed)" : ""));
		}
	}

	/** Whether the execution may start another batch: RUNNING, owned here, not stopped. */
	private boolean mayContinue(Execution execution) {
		if (execution.stopped || this.suspended || this.execution != execution) {
			return false;
		}
		try {
			Plan plan = this.store.plan(execution.planId).orElse(null);
			return plan != null && plan.state() == PlanState.RUNNING && this.instanceId.equals(plan.owner());
		}
		catch (RuntimeException ex) {
			logger.warn("Rebalance plan " + execution.planId + " waits for the directory: " + ex.getMessage());
			return false;
		}
	}

	private void recordError(long planId, String error) {
		try {
			this.store.error(planId, error);
		}
		catch (RuntimeException ex) {
			// The log has it.
		}
	}

	private static boolean sleep(Duration duration) {
		try {
			Thread.sleep(Math.max(1, duration.toMillis()));
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	@Override
	public void start() {
		this.suspended = false;
		ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "shardline-rebalance-watch");
			thread.setDaemon(true);
			return thread;
		});
		this.watch = watch;
		long period = Math.max(100, this.settings.lease().toMillis() / 3);
		watch.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
	}

	@Override
	public void stop() {
		halt();
		Execution running = this.execution;
		if (running == null) {
			return;
		}
		this.execution = null;
		try {
			// The batch in flight finishes (its cut-over is bounded by move-timeout).
			running.coordinator.join(this.settings.lease().toMillis());
			running.workers.awaitTermination(this.settings.lease().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (!this.suspended) {
			try {
				this.store.release(running.planId, this.instanceId);
			}
			catch (RuntimeException ex) {
				// Taken over when the lease runs out instead.
			}
		}
	}

	private void halt() {
		ScheduledExecutorService watch = this.watch;
		this.watch = null;
		if (watch != null) {
			watch.shutdownNow();
		}
		Execution running = this.execution;
		if (running != null) {
			running.stopped = true;
			running.coordinator.interrupt();
		}
	}

	/**
	 * Stops renewing the lease and starting batches, without giving the plan up, as a frozen or
	 * killed process would (fault tests): another instance takes the plan over when the lease runs out.
	 */
	public void suspend() {
		this.suspended = true;
		halt();
	}

	@Override
	public boolean isRunning() {
		return this.watch != null;
	}

	/** One instance's run of a plan: its coordinator thread and worker pool. */
	private final class Execution {

		final long planId;

		final Thread coordinator;

		final ExecutorService workers;

		volatile boolean stopped;

		Execution(long planId) {
			this.planId = planId;
			AtomicInteger count = new AtomicInteger();
			this.workers = Executors.newFixedThreadPool(Rebalancer.this.settings.workers(), (runnable) -> {
				Thread thread = new Thread(runnable, "shardline-rebalance-worker-" + count.incrementAndGet());
				thread.setDaemon(true);
				return thread;
			});
			this.coordinator = new Thread(() -> Rebalancer.this.run(this), "shardline-rebalance");
			this.coordinator.setDaemon(true);
		}

	}

	/**
	 * Sizes and intervals.
	 *
	 * @param workers batches in flight at most (spread over the shard pairs)
	 * @param batchRows most rows per batch
	 * @param batchKeys most keys per batch
	 * @param lease how long an owner holds a plan without renewing
	 * @param pollInterval how often a waiting batch checks the throttle again (the monitor's check interval)
	 * @param niceRatio after each batch its worker pauses this multiple of the batch's duration (0: never)
	 */
	public record Settings(int workers, int batchRows, int batchKeys, Duration lease, Duration pollInterval,
			double niceRatio) {

		/**
		 * Settings whose workers never pause between batches.
		 * @param workers batches in flight at most
		 * @param batchRows most rows per batch
		 * @param batchKeys most keys per batch
		 * @param lease how long an owner holds a plan without renewing
		 * @param pollInterval how often a waiting batch checks the throttle again
		 */
		public Settings(int workers, int batchRows, int batchKeys, Duration lease, Duration pollInterval) {
			this(workers, batchRows, batchKeys, lease, pollInterval, 0);
		}

	}

}
