package dev.shardline.it.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.shardline.test.MySqlTopology;
import dev.shardline.test.TopologyShard;

/**
 * The sample application's load shape on every instance, recording every outcome: writers of
 * rows with unique ids (plus one writer of the key being moved), {@code @ReadOnly} readers of
 * the shards' clock rows, and read-your-writes threads that write a row and read it back in the
 * same unit of work after a pause (like a GET after a POST and a redirect). One clock ticker per
 * shard and the ejection watch run beside it. Paced, so the 2-core machine keeps room for the
 * servers and the monitors.
 */
final class Workload implements AutoCloseable {

	/**
	 * How much load each instance puts on.
	 * @param writers writer threads of the fixed keys
	 * @param readers reader threads
	 * @param readYourWrites read-your-writes threads
	 * @param pace pause after each write or read of a writer or reader
	 * @param readBackMin shortest pause between a write and its read-back
	 * @param readBackMax longest pause between a write and its read-back
	 * @param tick how often each shard's clock advances
	 */
	record Shape(int writers, int readers, int readYourWrites, Duration pace, Duration readBackMin,
			Duration readBackMax, Duration tick) {
	}

	private final ChaosRecorder recorder;

	private final List<ChaosInstance> instances;

	private final ChaosKeys keys;

	private final Map<Long, String> nodeOfServerId;

	private final MySqlTopology topology;

	private final Shape shape;

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final AtomicLong ids = new AtomicLong();

	private final ExecutorService threads = Executors.newCachedThreadPool();

	Workload(ChaosRecorder recorder, List<ChaosInstance> instances, ChaosKeys keys, MySqlTopology topology,
			Shape shape) {
		this.recorder = recorder;
		this.instances = instances;
		this.keys = keys;
		this.topology = topology;
		this.shape = shape;
		this.nodeOfServerId = new java.util.HashMap<>();
		topology.nodes().forEach((node) -> this.nodeOfServerId.put((long) node.serverId(), node.name()));
	}

	void start() {
		for (TopologyShard shard : this.topology.shards()) {
			this.threads.execute(new ClockTicker(this.topology, shard, this.recorder, this.shape.tick(), this.running::get));
		}
		this.threads.execute(new EjectionWatch(this.instances, this.recorder, this.running::get));
		for (ChaosInstance instance : this.instances) {
			for (int i = 0; i < this.shape.writers(); i++) {
				this.threads.execute(() -> loop(() -> write(instance, this.keys.randomStable(), this.ids.incrementAndGet())));
			}
			this.threads.execute(() -> loop(() -> write(instance, this.keys.moving(), this.ids.incrementAndGet())));
			for (int i = 0; i < this.shape.readers(); i++) {
				this.threads.execute(() -> loop(() -> read(instance)));
			}
			for (int i = 0; i < this.shape.readYourWrites(); i++) {
				this.threads.execute(() -> {
					while (this.running.get()) {
						instance.routing().readYourWrites(() -> writeAndReadBack(instance));
					}
				});
			}
		}
	}

	private void loop(Runnable work) {
		while (this.running.get()) {
			work.run();
			// pacing of the load, not a wait for a condition
			LockSupport.parkNanos(this.shape.pace().toNanos());
		}
	}

	/** One write of a new row; true if acknowledged. */
	private boolean write(ChaosInstance instance, long key, long id) {
		long start = System.nanoTime();
		try {
			instance.store().insert(key, id, instance.name());
			this.recorder.write(new ChaosRecording.Write(instance.name(), id, key, this.keys.shardOf(key), start,
					System.nanoTime(), Outcome.ACKNOWLEDGED, null));
			return true;
		}
		catch (RuntimeException ex) {
			this.recorder.write(new ChaosRecording.Write(instance.name(), id, key, this.keys.shardOf(key), start,
					System.nanoTime(), Outcome.of(ex), summary(ex)));
			return false;
		}
	}

	private void read(ChaosInstance instance) {
		long key = this.keys.randomStable();
		String shard = this.keys.shardOf(key);
		long start = System.nanoTime();
		try {
			long[] seen = instance.store().clock(key);
			this.recorder.read(new ChaosRecording.Read(instance.name(), shard, start, System.nanoTime(),
					this.nodeOfServerId.get(seen[1]), seen[0], null));
		}
		catch (RuntimeException ex) {
			this.recorder.read(new ChaosRecording.Read(instance.name(), shard, start, System.nanoTime(), null, 0,
					summary(ex)));
		}
	}

	/** Runs inside one read-your-writes unit of work. */
	private void writeAndReadBack(ChaosInstance instance) {
		long key = this.keys.randomStable();
		long id = this.ids.incrementAndGet();
		if (!write(instance, key, id)) {
			LockSupport.parkNanos(this.shape.pace().toNanos());
			return;
		}
		long min = this.shape.readBackMin().toNanos();
		LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(min, this.shape.readBackMax().toNanos() + 1));
		long start = System.nanoTime();
		try {
			long[] seen = instance.store().readBack(key, id);
			this.recorder.readBack(new ChaosRecording.ReadBack(instance.name(), id, this.keys.shardOf(key), start,
					this.nodeOfServerId.get(seen[1]), seen[0] == 1));
		}
		catch (RuntimeException ex) {
			// a failed read-back is neither a hit nor a miss; reads' availability is judged on the readers
		}
	}

	private static String summary(Throwable ex) {
		String message = String.valueOf(ex.getMessage());
		return ex.getClass().getSimpleName() + ": " + ((message.length() > 200) ? message.substring(0, 200) : message);
	}

	@Override
	public void close() throws InterruptedException {
		this.running.set(false);
		this.threads.shutdown();
		if (!this.threads.awaitTermination(60, TimeUnit.SECONDS)) {
			throw new IllegalStateException("chaos load threads did not stop within 60 s");
		}
	}

}
