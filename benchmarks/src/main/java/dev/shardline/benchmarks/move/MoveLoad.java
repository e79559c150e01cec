package dev.shardline.benchmarks.move;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.shardline.benchmarks.LongList;
import dev.shardline.benchmarks.Refusals;
import dev.shardline.benchmarks.move.app.OrderStore;

/**
 * The load of one run, on every application instance: foreground writers of other keys (each
 * operation's latency recorded under the phase it started in), and one writer per instance of
 * the key being moved, which records every stretch in which its writes were refused (from the
 * first refusal to the next success) under the move it belongs to.
 */
final class MoveLoad {

	/** No phase: operations are done but not recorded (between moves, warm-up). */
	static final int UNRECORDED = -1;

	/** Slots of the per-step latencies: before the first step, then one per KeyMover.Step. */
	static final int STEP_SLOTS = dev.shardline.directory.KeyMover.Step.values().length + 1;

	private final int phases;

	private volatile boolean running = true;

	/** The phase foreground operations are recorded under. */
	private volatile int phase = UNRECORDED;

	/** The mover's current step (KeyMover.Step's ordinal), -1 before the first step of a move. */
	private volatile int step = -1;

	/** The key the moving-key writers write (0: none), and the move their refusals belong to. */
	private volatile long movingKey;

	private volatile int moveIndex = -1;

	private final long[] calmKeys;

	private final int movingKeyRows;

	private final List<Thread> threads = new ArrayList<>();

	private final List<Foreground> foregrounds = new ArrayList<>();

	private final List<KeyWriter> keyWriters = new ArrayList<>();

	private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();

	private final AtomicLong errorCount = new AtomicLong();

	private final AtomicLong orderIds = new AtomicLong(1_000_000_000L);

	MoveLoad(int phases, long[] calmKeys, int movingKeyRows) {
		this.phases = phases;
		this.calmKeys = calmKeys;
		this.movingKeyRows = movingKeyRows;
	}

	/** Starts an instance's foreground writers and its writer of the moving key. */
	void start(String instance, OrderStore store, int foregroundThreads) {
		for (int i = 0; i < foregroundThreads; i++) {
			Foreground foreground = new Foreground(store);
			this.foregrounds.add(foreground);
			startThread("fg-" + instance + "-" + i, foreground);
		}
		KeyWriter writer = new KeyWriter(store);
		this.keyWriters.add(writer);
		startThread("key-writer-" + instance, writer);
	}

	private void startThread(String name, Runnable work) {
		Thread thread = new Thread(work, name);
		thread.setDaemon(true);
		this.threads.add(thread);
		thread.start();
	}

	void phase(int phase) {
		this.phase = phase;
	}

	/** The mover's step, as its StepListener reports it (-1: before its first, e.g. preflight). */
	void step(int step) {
		this.step = step;
	}

	/** Points the moving-key writers at a key, for a move (refusals are attributed to it). */
	void writeKey(long key, int moveIndex, int rows) {
		this.moveIndex = moveIndex;
		this.movingKey = key;
		for (KeyWriter writer : this.keyWriters) {
			writer.rows = rows;
		}
	}

	/** Successful writes of the moving key so far, over all writers. */
	long keyWrites() {
		return this.keyWriters.stream().mapToLong((w) -> w.successes.get()).sum();
	}

	/** Whether some writer of the moving key is still being refused. */
	boolean anyRefused() {
		return this.keyWriters.stream().anyMatch((w) -> w.refusedSince != 0);
	}

	/** The refusal stretches of a move: [writer][stretch] nanoseconds. */
	List<Long> stretchesOf(int move) {
		List<Long> result = new ArrayList<>();
		for (KeyWriter writer : this.keyWriters) {
			for (long[] stretch : writer.stretches) {
				if (stretch[0] == move) {
					result.add(stretch[1]);
				}
			}
		}
		return result;
	}

	/** Writes refused (ShardMovingException, or the source's fence trigger) during a move. */
	long[] refusalsOf(int move) {
		long shardMoving = 0;
		long fenceTrigger = 0;
		for (KeyWriter writer : this.keyWriters) {
			for (long[] refusal : writer.refusals) {
				if (refusal[0] == move) {
					shardMoving += refusal[1];
					fenceTrigger += refusal[2];
				}
			}
		}
		return new long[] { shardMoving, fenceTrigger };
	}

	long errorCount() {
		return this.errorCount.get();
	}

	List<String> firstErrors() {
		return this.errors.stream().limit(5).toList();
	}

	/** Foreground operations per phase, over every thread. */
	long operations(int phase) {
		return this.foregrounds.stream().mapToLong((f) -> f.latencies[phase].size()).sum();
	}

	/**
	 * The foreground latencies (ns) of a phase started during each mover step (index: the step's
	 * ordinal + 1; 0 before the first step), sorted.
	 */
	long[][] latenciesByStep(int phase) {
		int slots = this.foregrounds.isEmpty() ? 0 : this.foregrounds.get(0).bySteps[phase].length;
		long[][] all = new long[slots][];
		for (int s = 0; s < slots; s++) {
			int total = 0;
			for (Foreground foreground : this.foregrounds) {
				total += foreground.bySteps[phase][s].size();
			}
			all[s] = new long[total];
			int at = 0;
			for (Foreground foreground : this.foregrounds) {
				LongList list = foreground.bySteps[phase][s];
				at = list.copyInto(all[s], at);
			}
			Arrays.sort(all[s]);
		}
		return all;
	}

	/** Every foreground latency (ns) recorded in a phase, sorted. */
	long[] latencies(int phase) {
		int total = (int) operations(phase);
		long[] all = new long[total];
		int at = 0;
		for (Foreground foreground : this.foregrounds) {
			LongList list = foreground.latencies[phase];
			at = list.copyInto(all, at);
		}
		Arrays.sort(all);
		return all;
	}

	void stop() throws InterruptedException {
		this.running = false;
		for (Thread thread : this.threads) {
			thread.join(TimeUnit.SECONDS.toMillis(30));
		}
	}

	private void error(Throwable ex) {
		if (this.errorCount.incrementAndGet() <= 20) {
			this.errors.add(ex.toString());
		}
	}

	/** Writes orders of customers that are never moved: inserts and updates, half each. */
	private final class Foreground implements Runnable {

		final OrderStore store;

		final LongList[] latencies = new LongList[MoveLoad.this.phases];

		/** Per phase and mover step (ordinal + 1). */
		final LongList[][] bySteps = new LongList[MoveLoad.this.phases][STEP_SLOTS];

		Foreground(OrderStore store) {
			this.store = store;
			for (int i = 0; i < this.latencies.length; i++) {
				this.latencies[i] = new LongList();
				for (int s = 0; s < STEP_SLOTS; s++) {
					this.bySteps[i][s] = new LongList();
				}
			}
		}

		@Override
		public void run() {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			List<long[]> mine = new ArrayList<>();
			while (MoveLoad.this.running) {
				int phase = MoveLoad.this.phase;
				int step = MoveLoad.this.step;
				long started = System.nanoTime();
				try {
					if (mine.isEmpty() || random.nextBoolean()) {
						long customer = MoveLoad.this.calmKeys[random.nextInt(MoveLoad.this.calmKeys.length)];
						long order = MoveLoad.this.orderIds.incrementAndGet();
						this.store.insert(customer, order);
						if (mine.size() < 10_000) {
							mine.add(new long[] { customer, order });
						}
					}
					else {
						long[] row = mine.get(random.nextInt(mine.size()));
						this.store.advance(row[0], row[1]);
					}
					if (phase != UNRECORDED) {
						long latency = System.nanoTime() - started;
						this.latencies[phase].add(latency);
						this.bySteps[phase][step + 1].add(latency);
					}
				}
				catch (RuntimeException ex) {
					error(ex);
				}
			}
		}

	}

	/**
	 * Writes the key being moved: updates of its seeded orders, inserts and deletes of its own,
	 * retrying refused writes after 2 ms (a client's short back-off).
	 */
	private final class KeyWriter implements Runnable {

		final OrderStore store;

		final AtomicLong successes = new AtomicLong();

		/** [move, nanoseconds from first refusal to next success]. */
		final ConcurrentLinkedQueue<long[]> stretches = new ConcurrentLinkedQueue<>();

		/** [move, ShardMovingException refusals, fence-trigger refusals] per stretch. */
		final ConcurrentLinkedQueue<long[]> refusals = new ConcurrentLinkedQueue<>();

		volatile int rows;

		volatile long refusedSince;

		KeyWriter(OrderStore store) {
			this.store = store;
		}

		@Override
		public void run() {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			// The rows this writer added, per key: deleted again as often as added, so a key stays
			// near its size class (at most a tenth more, at least 2 rows).
			Map<Long, List<Long>> added = new HashMap<>();
			int move = -1;
			long shardMoving = 0;
			long fenced = 0;
			while (MoveLoad.this.running) {
				long key = MoveLoad.this.movingKey;
				if (key == 0) {
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
					continue;
				}
				List<Long> mine = added.computeIfAbsent(key, (k) -> new ArrayList<>());
				int dice = random.nextInt(10);
				if (dice >= 6 && dice < 8 && mine.size() >= Math.max(2, this.rows / 10)) {
					dice = 8;
				}
				try {
					if (dice < 6 || (dice >= 8 && mine.isEmpty())) {
						this.store.advance(key, 1 + random.nextInt(Math.max(1, this.rows)));
					}
					else if (dice < 8) {
						long order = MoveLoad.this.orderIds.incrementAndGet();
						this.store.insert(key, order);
						mine.add(order);
					}
					else {
						this.store.delete(key, mine.get(mine.size() - 1));
						mine.remove(mine.size() - 1);
					}
					this.successes.incrementAndGet();
					if (this.refusedSince != 0) {
						this.stretches.add(new long[] { move, System.nanoTime() - this.refusedSince });
						this.refusals.add(new long[] { move, shardMoving, fenced });
						this.refusedSince = 0;
					}
				}
				catch (RuntimeException ex) {
					boolean trigger = Refusals.byFence(ex);
					if (!trigger && !Refusals.byDirectory(ex)) {
						error(ex);
						continue;
					}
					if (this.refusedSince == 0) {
						this.refusedSince = System.nanoTime();
						move = MoveLoad.this.moveIndex;
						shardMoving = 0;
						fenced = 0;
					}
					if (trigger) {
						fenced++;
					}
					else {
						shardMoving++;
					}
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
				}
			}
		}

	}

}
