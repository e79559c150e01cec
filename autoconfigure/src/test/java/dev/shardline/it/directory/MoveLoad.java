package dev.shardline.it.directory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.shardline.ShardMovingException;
import dev.shardline.it.jdbc.LedgerStore;

/**
 * Writers and readers of one moving key (and of other keys) on several application instances,
 * recording every outcome so a test can check the servers afterwards: inserts, updates and
 * deletes of the key's rows (each writer touches only rows it inserted, so the expected final
 * state is exact), refusals, unexpected errors, reads that missed a row acknowledged before
 * the load began, and the longest stretch in which the key's writes were refused.
 */
final class MoveLoad implements AutoCloseable {

	/** Expected amount per acknowledged, not deleted row id. */
	final Map<String, Long> expected = new ConcurrentHashMap<>();

	/** Ids whose insert was refused or failed: they must exist nowhere. */
	final Set<String> refusedIds = ConcurrentHashMap.newKeySet();

	final AtomicLong acknowledged = new AtomicLong();

	final AtomicLong refusals = new AtomicLong();

	final AtomicLong readMisses = new AtomicLong();

	final AtomicLong reads = new AtomicLong();

	final AtomicLong otherKeyWrites = new AtomicLong();

	final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();

	final ConcurrentLinkedQueue<String> otherKeyErrors = new ConcurrentLinkedQueue<>();

	/** Per writer, the times (nanoTime) between which its writes were refused in a row. */
	private final ConcurrentLinkedQueue<long[]> pauses = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final ExecutorService threads = Executors.newCachedThreadPool();

	private final long key;

	private final Set<String> baseline;

	MoveLoad(long key, Set<String> baseline) {
		this.key = key;
		this.baseline = baseline;
	}

	/** Starts one writer and one reader of the key, and one writer of another key, on an instance. */
	void start(LedgerStore ledger, long otherKey) {
		this.threads.execute(() -> write(ledger));
		this.threads.execute(() -> read(ledger));
		this.threads.execute(() -> {
			while (this.running.get()) {
				try {
					ledger.add(otherKey, UUID.randomUUID().toString(), 1);
					this.otherKeyWrites.incrementAndGet();
				}
				catch (RuntimeException ex) {
					this.otherKeyErrors.add(ex.toString());
				}
			}
		});
	}

	private void write(LedgerStore ledger) {
		List<String> mine = new ArrayList<>();
		long refusedSince = 0;
		while (this.running.get()) {
			int dice = ThreadLocalRandom.current().nextInt(10);
			String id = (dice < 7 || mine.isEmpty()) ? UUID.randomUUID().toString()
					: mine.get(ThreadLocalRandom.current().nextInt(mine.size()));
			long amount = ThreadLocalRandom.current().nextLong(1_000_000);
			try {
				if (dice < 7 || mine.size() == 0) {
					ledger.add(this.key, id, amount);
					mine.add(id);
					this.expected.put(id, amount);
				}
				else if (dice < 9) {
					if (ledger.update(this.key, id, amount) != 1) {
						this.unexpected.add("update of " + id + " found no row");
					}
					this.expected.put(id, amount);
				}
				else {
					if (ledger.delete(this.key, id) != 1) {
						this.unexpected.add("delete of " + id + " found no row");
					}
					mine.remove(id);
					this.expected.remove(id);
				}
				this.acknowledged.incrementAndGet();
				if (refusedSince != 0) {
					this.pauses.add(new long[] { refusedSince, System.nanoTime() });
					refusedSince = 0;
				}
			}
			catch (ShardMovingException ex) {
				this.refusals.incrementAndGet();
				if (dice < 7 || mine.isEmpty()) {
					this.refusedIds.add(id);
				}
				if (refusedSince == 0) {
					refusedSince = System.nanoTime();
				}
				Thread.onSpinWait();
			}
			catch (RuntimeException ex) {
				this.unexpected.add(ex.toString());
				if (dice < 7 || mine.isEmpty()) {
					this.refusedIds.add(id);
				}
			}
		}
	}

	private void read(LedgerStore ledger) {
		while (this.running.get()) {
			try {
				List<String> ids = ledger.ids(this.key);
				this.reads.incrementAndGet();
				if (!ids.containsAll(this.baseline)) {
					this.readMisses.incrementAndGet();
				}
			}
			catch (RuntimeException ex) {
				this.unexpected.add("read: " + ex);
			}
		}
	}

	/** The longest stretch in which one writer's writes of the key were refused, in ms. */
	long longestPauseMillis() {
		return this.pauses.stream().mapToLong((p) -> TimeUnit.NANOSECONDS.toMillis(p[1] - p[0])).max().orElse(0);
	}

	@Override
	public void close() throws InterruptedException {
		this.running.set(false);
		this.threads.shutdown();
		if (!this.threads.awaitTermination(60, TimeUnit.SECONDS)) {
			throw new IllegalStateException("load threads did not stop");
		}
	}

}
