package dev.shardline.benchmarks.e2e;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;

/**
 * Closed-loop load on a fixed set of worker threads, in windows. Between windows every worker
 * is parked, so a window's operations are exactly the ones counted, and the servers' statement
 * counters read while parked bracket them exactly. Latencies go to preallocated per-thread
 * arrays; nothing on the measuring path allocates.
 */
final class LoadRunner implements AutoCloseable {

	/** Per-thread latency samples; later samples overwrite the oldest beyond this. */
	static final int LATENCY_CAPACITY = 1 << 19;

	private static final int RUN = 0;

	private static final int MEASURE = 1;

	private static final int PAUSE = 2;

	private static final int STOP = 3;

	/** One operation: runs it and returns the shard index of its key, or -1 for all shards. */
	@FunctionalInterface
	interface Operation {

		int execute(Worker worker);

	}

	private final Object monitor = new Object();

	private final List<Worker> workers = new ArrayList<>();

	private final List<Thread> helpers;

	private volatile int phase = PAUSE;

	private volatile CountDownLatch parked;

	private volatile Operation operation;

	LoadRunner(int threads, List<Thread> helpers) {
		this.helpers = List.copyOf(helpers);
		this.parked = new CountDownLatch(threads);
		for (int i = 0; i < threads; i++) {
			Worker worker = new Worker(i);
			this.workers.add(worker);
			worker.start();
		}
		awaitParked();
	}

	/**
	 * Runs the operation unmeasured for a while (warm-up), then parks the workers.
	 * @param operation the operation for this and the following windows
	 * @param seconds how long
	 * @return the errors the operation raised meanwhile, with the first one's message
	 */
	Errors warmUp(Operation operation, double seconds) {
		this.operation = operation;
		this.workers.forEach(Worker::resetCounters);
		release(RUN);
		sleep(seconds);
		pause();
		return errors();
	}

	/**
	 * Runs one measured window and parks the workers.
	 * @param seconds how long
	 * @param firstSlice whether this window starts a workload's measurement; later slices of
	 * the same workload add their latency samples to the earlier ones', so the percentiles
	 * cover every slice so far
	 * @return the window's figures (percentiles over every slice so far, the rest this slice's)
	 */
	Window measure(double seconds, boolean firstSlice) {
		for (Worker worker : this.workers) {
			worker.resetCounters();
			if (firstSlice) {
				worker.samples = 0;
			}
			if (worker.latencies == null) {
				// allocated here, after the heap figure and outside the workers' allocation count
				worker.latencies = new long[LATENCY_CAPACITY];
			}
		}
		ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
		OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
		long[] ids = allocationThreadIds();
		long allocatedBefore = sum(threads.getThreadAllocatedBytes(ids));
		long clientCpuBefore = sum(threads.getThreadCpuTime(ids));
		long cpuBefore = os.getProcessCpuTime();
		long start = System.nanoTime();
		release(MEASURE);
		sleep(seconds);
		pause();
		long elapsed = System.nanoTime() - start;
		long cpu = os.getProcessCpuTime() - cpuBefore;
		long clientCpu = sum(threads.getThreadCpuTime(ids)) - clientCpuBefore;
		long allocated = sum(threads.getThreadAllocatedBytes(ids)) - allocatedBefore;
		long ops = 0;
		long[] byShard = new long[2];
		int samples = 0;
		for (Worker worker : this.workers) {
			ops += worker.ops;
			byShard[0] += worker.byShard[0];
			byShard[1] += worker.byShard[1];
			samples += (int) Math.min(worker.samples, LATENCY_CAPACITY);
		}
		long[] latencies = new long[samples];
		int at = 0;
		for (Worker worker : this.workers) {
			int n = (int) Math.min(worker.samples, LATENCY_CAPACITY);
			System.arraycopy(worker.latencies, 0, latencies, at, n);
			at += n;
		}
		Arrays.sort(latencies);
		return new Window(ops, elapsed, byShard, percentile(latencies, 0.50), percentile(latencies, 0.99), cpu,
				clientCpu, allocated, errors());
	}

	private long[] allocationThreadIds() {
		List<Thread> all = new ArrayList<>(this.workers);
		all.addAll(this.helpers);
		return all.stream().mapToLong(Thread::getId).toArray();
	}

	private static long sum(long[] values) {
		long sum = 0;
		for (long value : values) {
			sum += Math.max(0, value);
		}
		return sum;
	}

	static long percentile(long[] sorted, double fraction) {
		if (sorted.length == 0) {
			return -1;
		}
		int rank = (int) Math.ceil(fraction * sorted.length);
		return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
	}

	private Errors errors() {
		long count = 0;
		String first = null;
		for (Worker worker : this.workers) {
			count += worker.errors;
			if (first == null && worker.firstError != null) {
				first = worker.firstError.toString();
			}
		}
		return new Errors(count, first);
	}

	private void release(int next) {
		synchronized (this.monitor) {
			this.phase = next;
			this.monitor.notifyAll();
		}
	}

	private void pause() {
		this.parked = new CountDownLatch(this.workers.size());
		release(PAUSE);
		awaitParked();
	}

	private void awaitParked() {
		try {
			this.parked.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	private static void sleep(double seconds) {
		try {
			Thread.sleep((long) (seconds * 1000));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	@Override
	public void close() {
		release(STOP);
		for (Worker worker : this.workers) {
			try {
				worker.join(10_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/** A worker thread: its own random keys, unique ids, counters and latency samples. */
	final class Worker extends Thread {

		/** Distinct per worker, so inserted ids never collide. */
		final int index;

		final SplittableRandom random;

		/** Next sequence number for this worker's inserted ids. */
		long sequence;

		long ops;

		/** Latency samples taken since the workload's first measured slice. */
		long samples;

		final long[] byShard = new long[2];

		long errors;

		Throwable firstError;

		long[] latencies;

		Worker(int index) {
			super("bench-worker-" + index);
			this.index = index;
			this.random = new SplittableRandom(42 + index);
			setDaemon(true);
		}

		void resetCounters() {
			this.ops = 0;
			this.byShard[0] = 0;
			this.byShard[1] = 0;
			this.errors = 0;
			this.firstError = null;
		}

		@Override
		public void run() {
			while (true) {
				int current = LoadRunner.this.phase;
				if (current == STOP) {
					return;
				}
				if (current == PAUSE) {
					park();
					continue;
				}
				Operation op = LoadRunner.this.operation;
				long start = System.nanoTime();
				int shard;
				try {
					shard = op.execute(this);
				}
				catch (RuntimeException | Error ex) {
					this.errors++;
					if (this.firstError == null) {
						this.firstError = ex;
					}
					// an unreachable node must not turn the loop into a busy spin
					LockSupport.parkNanos(10_000_000L);
					continue;
				}
				long took = System.nanoTime() - start;
				if (current == MEASURE) {
					this.latencies[(int) (this.samples++ % LATENCY_CAPACITY)] = took;
					this.ops++;
					if (shard >= 0) {
						this.byShard[shard]++;
					}
				}
			}
		}

		private void park() {
			LoadRunner.this.parked.countDown();
			synchronized (LoadRunner.this.monitor) {
				while (LoadRunner.this.phase == PAUSE) {
					try {
						LoadRunner.this.monitor.wait();
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			}
		}

	}

	/**
	 * Errors operations raised.
	 * @param count how many
	 * @param first the first one, or null
	 */
	record Errors(long count, String first) {
	}

	/**
	 * One measured window.
	 * @param ops completed operations
	 * @param elapsedNanos from release to all workers parked
	 * @param opsByShard operations by the shard of their key (W5's count toward neither)
	 * @param p50Nanos median latency over every slice of the workload so far
	 * @param p99Nanos 99th percentile latency over every slice of the workload so far
	 * @param processCpuNanos the whole process's CPU time over the window
	 * @param clientCpuNanos the CPU time of the client threads (and W5's executor threads) alone
	 * @param allocatedBytes bytes allocated by the workers and helper threads
	 * @param errors failed operations
	 */
	record Window(long ops, long elapsedNanos, long[] opsByShard, long p50Nanos, long p99Nanos, long processCpuNanos,
			long clientCpuNanos, long allocatedBytes, Errors errors) {
	}

}
