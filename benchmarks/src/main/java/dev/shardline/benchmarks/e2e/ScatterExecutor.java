package dev.shardline.benchmarks.e2e;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor every system's scatter-gather (W5) runs its per-shard statements on: the same
 * size everywhere, threads started up front so they can be counted.
 */
public final class ScatterExecutor extends ThreadPoolExecutor {

	private final List<Thread> threads;

	private ScatterExecutor(int size, List<Thread> threads, AtomicInteger counter) {
		super(size, size, 1, TimeUnit.HOURS, new LinkedBlockingQueue<>(), (task) -> {
			Thread thread = new Thread(task, "bench-scatter-" + counter.incrementAndGet());
			thread.setDaemon(true);
			threads.add(thread);
			return thread;
		});
		this.threads = threads;
		prestartAllCoreThreads();
	}

	/**
	 * Creates a started executor with two threads per client thread (one per shard).
	 * @param clientThreads the client threads that scatter at once
	 * @return the executor
	 */
	public static ScatterExecutor forClientThreads(int clientThreads) {
		return new ScatterExecutor(2 * Math.max(1, clientThreads), new CopyOnWriteArrayList<>(), new AtomicInteger());
	}

	/**
	 * The executor's threads.
	 * @return the threads
	 */
	public List<Thread> threads() {
		return List.copyOf(this.threads);
	}

}
