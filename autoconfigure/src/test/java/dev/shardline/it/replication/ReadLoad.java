package dev.shardline.it.replication;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A steady read load from several threads, recording when each read failed, so a test can
 * assert that no read failed after a detection deadline. Bounded: it stops when closed.
 */
final class ReadLoad implements AutoCloseable {

	private final ExecutorService threads;

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final List<Long> failuresAtNanos = new CopyOnWriteArrayList<>();

	private final List<Long> servedBy = new CopyOnWriteArrayList<>();

	private final AtomicLong reads = new AtomicLong();

	ReadLoad(int threadCount, LongSupplier read) {
		this.threads = Executors.newFixedThreadPool(threadCount);
		for (int i = 0; i < threadCount; i++) {
			this.threads.execute(() -> {
				while (this.running.get()) {
					long started = System.nanoTime();
					try {
						long server = read.getAsLong();
						this.servedBy.add(server);
						this.reads.incrementAndGet();
					}
					catch (RuntimeException ex) {
						this.failuresAtNanos.add(started);
					}
				}
			});
		}
	}

	/** Reads that were started after the given instant and failed. */
	long failuresStartedAfter(long nanos) {
		return this.failuresAtNanos.stream().filter((at) -> at > nanos).count();
	}

	long reads() {
		return this.reads.get();
	}

	void clearServers() {
		this.servedBy.clear();
	}

	List<Long> servers() {
		return this.servedBy;
	}

	@Override
	public void close() throws InterruptedException {
		this.running.set(false);
		this.threads.shutdown();
		this.threads.awaitTermination(30, TimeUnit.SECONDS);
	}

}
