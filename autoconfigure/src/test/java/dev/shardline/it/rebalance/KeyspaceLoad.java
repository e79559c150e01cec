package dev.shardline.it.rebalance;

import java.util.HashSet;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import dev.shardline.ShardMovingException;
import dev.shardline.it.jdbc.LedgerStore;

/**
 * Writers and readers of a whole key space on several application instances, for tests that
 * change where keys live while the application runs. Writers insert rows with fresh ids into
 * random keys (existing ones, and new ones first written during the test) and record what was
 * acknowledged and what was refused; readers check that a key's primary read holds every row
 * acknowledged before the read began, and that a {@code @ReadOnly} read holds the key's seeded
 * rows. An instance can be swapped (a rolling restart) while the load runs.
 */
final class KeyspaceLoad implements AutoCloseable {

	/** Acknowledged row ids per key (beyond the seeded ones). */
	final Map<Long, Set<String>> acknowledged = new ConcurrentHashMap<>();

	/** Ids whose insert was refused (the key was moving) or failed: they must exist nowhere. */
	final Set<String> refusedIds = ConcurrentHashMap.newKeySet();

	/** Ids of writes cut off by their instance's restart: they may exist, once at most. */
	final Set<String> uncertainIds = ConcurrentHashMap.newKeySet();

	final AtomicLong writes = new AtomicLong();

	final AtomicLong refusals = new AtomicLong();

	final AtomicLong primaryReads = new AtomicLong();

	final AtomicLong refusedReads = new AtomicLong();

	final AtomicLong replicaReads = new AtomicLong();

	/** Errors other than a refusal of a moving key's write (none are expected). */
	final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();

	/** Reads that missed a row (primary: acknowledged before the read; replica: seeded). */
	final ConcurrentLinkedQueue<String> misses = new ConcurrentLinkedQueue<>();

	private final List<Long> seededKeys;

	private final int seededRows;

	private final long firstNewKey;

	private final AtomicLong nextNewKey;

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final ExecutorService threads = Executors.newCachedThreadPool();

	/** One slot per instance: the ledger its threads use now (swapped in a rolling restart). */
	private final List<AtomicReference<LedgerStore>> instances = new java.util.concurrent.CopyOnWriteArrayList<>();

	KeyspaceLoad(List<Long> seededKeys, int seededRows, long firstNewKey) {
		this.seededKeys = List.copyOf(seededKeys);
		this.seededRows = seededRows;
		this.firstNewKey = firstNewKey;
		this.nextNewKey = new AtomicLong(firstNewKey);
	}

	/** The id of a seeded row: computable, so 200,000 of them need not be kept. */
	static String seededId(long key, int row) {
		return "s-" + key + "-" + row;
	}

	/**
	 * Starts writers and readers on an instance.
	 * @return the instance's slot, to swap its ledger in a rolling restart
	 */
	AtomicReference<LedgerStore> start(LedgerStore ledger, int writers, int readers) {
		AtomicReference<LedgerStore> slot = new AtomicReference<>(ledger);
		this.instances.add(slot);
		for (int i = 0; i < writers; i++) {
			this.threads.execute(() -> write(slot));
		}
		for (int i = 0; i < readers; i++) {
			this.threads.execute(() -> read(slot));
		}
		return slot;
	}

	/** Every key written so far: the seeded ones and the new ones. */
	Set<Long> keys() {
		Set<Long> keys = new HashSet<>(this.seededKeys);
		for (long key = this.firstNewKey; key < this.nextNewKey.get(); key++) {
			keys.add(key);
		}
		keys.addAll(this.acknowledged.keySet());
		return keys;
	}

	/** The rows a key must have: its seeded rows and every acknowledged insert. */
	Set<String> expected(long key) {
		Set<String> rows = new HashSet<>(this.acknowledged.getOrDefault(key, Set.of()));
		if (key < this.firstNewKey) {
			for (int row = 0; row < this.seededRows; row++) {
				rows.add(seededId(key, row));
			}
		}
		return rows;
	}

	private long pick() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		if (random.nextInt(50) == 0) {
			// a new key, first written now (recorded at its first write)
			return this.nextNewKey.getAndIncrement();
		}
		long news = this.nextNewKey.get() - this.firstNewKey;
		if (news > 0 && random.nextInt(5) == 0) {
			return this.firstNewKey + random.nextLong(news);
		}
		return this.seededKeys.get(random.nextInt(this.seededKeys.size()));
	}

	private void write(AtomicReference<LedgerStore> slot) {
		while (this.running.get()) {
			long key = pick();
			String id = UUID.randomUUID().toString();
			LedgerStore ledger = slot.get();
			if (ledger == null) {
				// the instance is restarting
				LockSupport.parkNanos(1_000_000);
				continue;
			}
			try {
				ledger.add(key, id, ThreadLocalRandom.current().nextLong(1_000_000));
				this.acknowledged.computeIfAbsent(key, (k) -> ConcurrentHashMap.newKeySet()).add(id);
				this.writes.incrementAndGet();
			}
			catch (ShardMovingException ex) {
				this.refusedIds.add(id);
				this.refusals.incrementAndGet();
			}
			catch (RuntimeException ex) {
				if (slot.get() == ledger) {
					// Not acknowledged: must not exist either (a statement that failed is rolled back).
					this.refusedIds.add(id);
					this.errors.add("write of key " + key + ": " + ex);
				}
				else {
					// Cut off by its instance's shutdown: it may or may not have committed.
					this.uncertainIds.add(id);
				}
			}
		}
	}

	private void read(AtomicReference<LedgerStore> slot) {
		while (this.running.get()) {
			long key = pick();
			if (key >= this.nextNewKey.get()) {
				continue;
			}
			LedgerStore ledger = slot.get();
			if (ledger == null) {
				// the instance is restarting
				LockSupport.parkNanos(1_000_000);
				continue;
			}
			try {
				if (ThreadLocalRandom.current().nextBoolean()) {
					Set<String> before = new HashSet<>(this.acknowledged.getOrDefault(key, Set.of()));
					List<String> ids = ledger.idsOnPrimary(key);
					this.primaryReads.incrementAndGet();
					if (!ids.containsAll(before) || (key < this.firstNewKey && !ids.contains(seededId(key, 0)))) {
						before.removeAll(ids);
						this.misses.add("primary read of key " + key + " missed " + before);
					}
				}
				else if (key < this.firstNewKey) {
					long count = ledger.count(key);
					this.replicaReads.incrementAndGet();
					if (count < this.seededRows) {
						this.misses.add("@ReadOnly read of key " + key + " saw " + count + " rows of "
								+ this.seededRows + " seeded");
					}
				}
			}
			catch (ShardMovingException ex) {
				// A routed call that is not @ReadOnly may write: paused like a write while the key moves.
				this.refusedReads.incrementAndGet();
			}
			catch (RuntimeException ex) {
				if (slot.get() == ledger) {
					this.errors.add("read of key " + key + ": " + ex);
				}
			}
		}
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
