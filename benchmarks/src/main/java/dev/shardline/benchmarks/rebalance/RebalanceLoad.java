package dev.shardline.benchmarks.rebalance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.shardline.benchmarks.LongList;
import dev.shardline.benchmarks.Refusals;
import dev.shardline.benchmarks.move.app.OrderStore;
import dev.shardline.benchmarks.rebalance.app.OrderReader;

/**
 * The foreground of a run, on every application instance: threads that each pick a random seeded
 * key and read its recent orders ({@code @ReadOnly}), insert an order or update one (a quarter of
 * operations each for writes, half reads). Each operation's latency is recorded under the phase it
 * started in; writes refused because their key is moving (the directory's refusal or the source's
 * fence trigger) are counted, not retried, and kept out of the latencies.
 */
final class RebalanceLoad {

	/** No phase: operations are done but not recorded. */
	static final int UNRECORDED = -1;

	static final int PHASES = 3;

	private final long[] keys;

	private final int rowsPerKey;

	private volatile boolean running = true;

	private volatile int phase = UNRECORDED;

	private final List<Thread> threads = new ArrayList<>();

	private final List<Worker> workers = new ArrayList<>();

	private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();

	private final AtomicLong errorCount = new AtomicLong();

	/** New orders' ids, above the seeded ones: shared by every load of the JVM (a later load inserts into the same keys). */
	private static final AtomicLong orderIds = new AtomicLong(1_000_000_000L);

	RebalanceLoad(long[] keys, int rowsPerKey) {
		this.keys = keys;
		this.rowsPerKey = rowsPerKey;
	}

	/** Starts an instance's foreground threads. */
	void start(String instance, OrderStore store, OrderReader reader, int threads) {
		for (int i = 0; i < threads; i++) {
			Worker worker = new Worker(store, reader);
			this.workers.add(worker);
			Thread thread = new Thread(worker, "fg-" + instance + "-" + i);
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}
	}

	void phase(int phase) {
		this.phase = phase;
	}

	/** Successful operations recorded in a phase, over every thread. */
	long operations(int phase) {
		return this.workers.stream().mapToLong((w) -> w.latencies[phase].size()).sum();
	}

	/** Writes refused in a phase because their key was moving. */
	long refused(int phase) {
		return this.workers.stream().mapToLong((w) -> w.refused[phase].get()).sum();
	}

	/** Every latency (ns) recorded in a phase, sorted. */
	long[] latencies(int phase) {
		long[] all = new long[(int) operations(phase)];
		int at = 0;
		for (Worker worker : this.workers) {
			LongList list = worker.latencies[phase];
			at = list.copyInto(all, at);
		}
		Arrays.sort(all);
		return all;
	}

	long errorCount() {
		return this.errorCount.get();
	}

	List<String> firstErrors() {
		return this.errors.stream().limit(5).toList();
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

	private final class Worker implements Runnable {

		final OrderStore store;

		final OrderReader reader;

		final LongList[] latencies = new LongList[PHASES];

		final AtomicLong[] refused = new AtomicLong[PHASES];

		Worker(OrderStore store, OrderReader reader) {
			this.store = store;
			this.reader = reader;
			for (int i = 0; i < PHASES; i++) {
				this.latencies[i] = new LongList();
				this.refused[i] = new AtomicLong();
			}
		}

		@Override
		public void run() {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			long[] keys = RebalanceLoad.this.keys;
			while (RebalanceLoad.this.running) {
				int phase = RebalanceLoad.this.phase;
				long key = keys[random.nextInt(keys.length)];
				int dice = random.nextInt(4);
				long started = System.nanoTime();
				try {
					if (dice < 2) {
						this.reader.recentOrders(key);
					}
					else if (dice == 2) {
						this.store.insert(key, orderIds.incrementAndGet());
					}
					else {
						this.store.advance(key, 1 + random.nextInt(RebalanceLoad.this.rowsPerKey));
					}
					if (phase != UNRECORDED) {
						this.latencies[phase].add(System.nanoTime() - started);
					}
				}
				catch (RuntimeException ex) {
					if (Refusals.byDirectory(ex) || Refusals.byFence(ex)) {
						if (phase != UNRECORDED) {
							this.refused[phase].incrementAndGet();
						}
					}
					else {
						error(ex);
					}
				}
			}
		}

	}

}
