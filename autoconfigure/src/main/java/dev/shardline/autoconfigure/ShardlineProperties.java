package dev.shardline.autoconfigure;

import dev.shardline.directory.DirectoryBackfill;
import dev.shardline.move.CopyPacer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Every {@code shardline.*} property. Validation with full property paths happens in
 * {@link ShardlineConfigurationValidator}, so a bad value fails startup with a message that
 * names the key and the fix.
 */
@ConfigurationProperties("shardline")
public class ShardlineProperties {

	/**
	 * Whether Shardline is active. {@code false}: Shardline does nothing at all. Set {@code true}
	 * explicitly to keep Shardline when Boot's DataSourceAutoConfiguration is excluded.
	 */
	private boolean enabled = true;

	/** The shards, by name, in the order they are declared. */
	private Map<String, Shard> shards = new LinkedHashMap<>();

	/**
	 * The shard that serves unkeyed work (global tables). Default: the first shard in name
	 * order (not declaration order, which environment variables and some property sources
	 * do not keep).
	 */
	private String defaultShard;

	/** How a key picks its shard. */
	private Strategy strategy = Strategy.RING;

	/** Consistent-hash ring settings (strategy: ring). */
	private final Ring ring = new Ring();

	/**
	 * Key ranges (strategy: range): ordered, without gaps or overlaps; {@code from} inclusive,
	 * {@code to} exclusive, the last range may be open-ended.
	 */
	private List<Range> range = new ArrayList<>();

	/** Routing rules. */
	private final Routing routing = new Routing();

	/** Schema initialization across shards. */
	private final Schema schema = new Schema();

	/** Replication awareness: lag, node failures, promotions. */
	private final Replication replication = new Replication();

	/** Web integration. */
	private final Web web = new Web();

	/** Directory-based sharding: per-key assignments that override the strategy. */
	private final Directory directory = new Directory();

	/** Shard-aware IDs. */
	private final Id id = new Id();

	/** Logs and traces. */
	private final Observability observability = new Observability();

	/** Scatter-gather. */
	private final Scatter scatter = new Scatter();

	/** Bulk rebalancing of directory keys (adding or removing a shard). */
	private final Rebalance rebalance = new Rebalance();

	/**
	 * HikariCP settings applied to every node's pool (kebab-case, e.g. maximum-pool-size); a
	 * node's own {@code hikari} settings override them.
	 */
	private Map<String, String> hikari = new LinkedHashMap<>();

	/**
	 * How many instances of this application run at once (at least 1). Each opens its own pools
	 * (and a monitor connection) to every node, so a node may see this many times one
	 * instance's connections; Shardline warns when that exceeds the node's
	 * {@code max_connections}, and the endpoint shows the totals.
	 */
	private int expectedInstances = 1;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Map<String, Shard> getShards() {
		return this.shards;
	}

	public void setShards(Map<String, Shard> shards) {
		this.shards = shards;
	}

	public String getDefaultShard() {
		return this.defaultShard;
	}

	public void setDefaultShard(String defaultShard) {
		this.defaultShard = defaultShard;
	}

	public Strategy getStrategy() {
		return this.strategy;
	}

	public void setStrategy(Strategy strategy) {
		this.strategy = strategy;
	}

	public Ring getRing() {
		return this.ring;
	}

	public List<Range> getRange() {
		return this.range;
	}

	public void setRange(List<Range> range) {
		this.range = range;
	}

	public Routing getRouting() {
		return this.routing;
	}

	public Schema getSchema() {
		return this.schema;
	}

	public Replication getReplication() {
		return this.replication;
	}

	public Web getWeb() {
		return this.web;
	}

	public Directory getDirectory() {
		return this.directory;
	}

	public Id getId() {
		return this.id;
	}

	public Scatter getScatter() {
		return this.scatter;
	}

	public Rebalance getRebalance() {
		return this.rebalance;
	}

	public Observability getObservability() {
		return this.observability;
	}

	public int getExpectedInstances() {
		return this.expectedInstances;
	}

	public void setExpectedInstances(int expectedInstances) {
		this.expectedInstances = expectedInstances;
	}

	public Map<String, String> getHikari() {
		return this.hikari;
	}

	public void setHikari(Map<String, String> hikari) {
		this.hikari = hikari;
	}

	/** The shard that unkeyed work uses: the configured one, else the first in name order. */
	public String effectiveDefaultShard() {
		if (this.defaultShard != null && !this.defaultShard.isBlank()) {
			return this.defaultShard;
		}
		return this.shards.keySet().stream().sorted().findFirst().orElse(null);
	}

	/** How keys are assigned to shards. */
	public enum Strategy {

		/** Consistent-hash ring over the key's bytes (see the README for the definition). */
		RING,

		/** Ordered key ranges from {@code shardline.range}. */
		RANGE

	}

	/** What happens to work that needs a shard key but has none. */
	public enum MissingKey {

		/** The work goes to the default shard. */
		DEFAULT_SHARD,

		/** The work fails with a ShardKeyMissingException naming the method. */
		FAIL

	}

	/** How replication lag is measured. */
	public enum LagMethod {

		/** A heartbeat row written on each primary and read on its replicas (sub-second). */
		HEARTBEAT,

		/** SHOW REPLICA STATUS (whole seconds; NULL counts as unknown). */
		REPLICA_STATUS

	}

	/** What a read does when no replica may serve it. */
	public enum Fallback {

		/** The shard's primary serves it. */
		PRIMARY,

		/** It fails with a NoReplicaAvailableException. */
		FAIL

	}

	/** What reads do while a shard's primary is unreachable. */
	public enum PrimaryDownReads {

		/** Replicas keep serving reads at their last measured lag. */
		REPLICAS,

		/** Reads of that shard fail like writes. */
		FAIL

	}

	/** Read-your-writes mode. */
	public enum ReadYourWrites {

		/** Off: a read may miss the unit of work's own writes. */
		NONE,

		/** After a write, reads of that shard use its primary until replicas caught up (or the window ends). */
		SESSION,

		/** The write's GTID is captured; a replica serves the read once it applied it. */
		GTID

	}

	/** One shard: a primary and its replicas. */
	public static class Shard {

		/** Ring weight; the shard's virtual nodes scale with it. */
		private int weight = 1;

		/** The node that takes writes. */
		private Node primary;

		/** Replicas of the primary, serving {@code @ReadOnly} work. */
		private List<Replica> replicas = new ArrayList<>();

		public int getWeight() {
			return this.weight;
		}

		public void setWeight(int weight) {
			this.weight = weight;
		}

		public Node getPrimary() {
			return this.primary;
		}

		public void setPrimary(Node primary) {
			this.primary = primary;
		}

		public List<Replica> getReplicas() {
			return this.replicas;
		}

		public void setReplicas(List<Replica> replicas) {
			this.replicas = replicas;
		}

	}

	/** A database node and its connection pool. */
	public static class Node {

		/** JDBC URL of the node. Credentials in it are moved out of the URL before use. */
		private String url;

		/** Login user. */
		private String username;

		/** Login password. Never logged or shown. */
		private String password;

		/**
		 * HikariCP settings for this node's pool (kebab-case, e.g. maximum-pool-size); they
		 * override {@code shardline.hikari}.
		 */
		private Map<String, String> hikari = new LinkedHashMap<>();

		public String getUrl() {
			return this.url;
		}

		public void setUrl(String url) {
			this.url = url;
		}

		public String getUsername() {
			return this.username;
		}

		public void setUsername(String username) {
			this.username = username;
		}

		public String getPassword() {
			return this.password;
		}

		public void setPassword(String password) {
			this.password = password;
		}

		public Map<String, String> getHikari() {
			return this.hikari;
		}

		public void setHikari(Map<String, String> hikari) {
			this.hikari = hikari;
		}

		@Override
		public String toString() {
			// Never the password: this may end up in logs and exception messages.
			return "Node[url=" + this.url + ", username=" + this.username + "]";
		}

	}

	/** A replica node. */
	public static class Replica extends Node {

		/** This replica's share of the shard's reads within its group. */
		private int weight = 1;

		/** Replica group: {@code @ReadOnly(group = ...)} reads only from its group. */
		private String group = "default";

		public int getWeight() {
			return this.weight;
		}

		public void setWeight(int weight) {
			this.weight = weight;
		}

		public String getGroup() {
			return this.group;
		}

		public void setGroup(String group) {
			this.group = group;
		}

	}

	/** Consistent-hash ring settings. */
	public static class Ring {

		/**
		 * Virtual nodes per unit of shard weight. Default: the smallest value that keeps the
		 * busiest shard within 1.05 times the mean for 2 to 64 equal shards.
		 */
		private Integer virtualNodes;

		public Integer getVirtualNodes() {
			return this.virtualNodes;
		}

		public void setVirtualNodes(Integer virtualNodes) {
			this.virtualNodes = virtualNodes;
		}

	}

	/** One key range of the range strategy. */
	public static class Range {

		/** First key of the range (inclusive); a number or a string. */
		private String from;

		/** End of the range (exclusive); absent on the last, open-ended range. */
		private String to;

		/** Shard that owns the range. */
		private String shard;

		public String getFrom() {
			return this.from;
		}

		public void setFrom(String from) {
			this.from = from;
		}

		public String getTo() {
			return this.to;
		}

		public void setTo(String to) {
			this.to = to;
		}

		public String getShard() {
			return this.shard;
		}

		public void setShard(String shard) {
			this.shard = shard;
		}

	}

	/** Routing rules. */
	public static class Routing {

		/** What happens when a {@code @ShardKey} argument is null. */
		private MissingKey missingKey = MissingKey.DEFAULT_SHARD;

		/**
		 * Whether {@code @Transactional(readOnly = true)} counts as {@code @ReadOnly} (Spring
		 * Data JPA's finders carry it).
		 */
		private boolean transactionalReadOnly = false;

		/** Read-your-writes within a unit of work (a request, an explicit scope, or the outermost routed call). */
		private ReadYourWrites readYourWrites = ReadYourWrites.NONE;

		/** Session mode: the longest a write keeps its shard's reads on the primary. */
		private Duration readYourWritesWindow = Duration.ofSeconds(5);

		public ReadYourWrites getReadYourWrites() {
			return this.readYourWrites;
		}

		public void setReadYourWrites(ReadYourWrites readYourWrites) {
			this.readYourWrites = readYourWrites;
		}

		public Duration getReadYourWritesWindow() {
			return this.readYourWritesWindow;
		}

		public void setReadYourWritesWindow(Duration readYourWritesWindow) {
			this.readYourWritesWindow = readYourWritesWindow;
		}

		public MissingKey getMissingKey() {
			return this.missingKey;
		}

		public void setMissingKey(MissingKey missingKey) {
			this.missingKey = missingKey;
		}

		public boolean isTransactionalReadOnly() {
			return this.transactionalReadOnly;
		}

		public void setTransactionalReadOnly(boolean transactionalReadOnly) {
			this.transactionalReadOnly = transactionalReadOnly;
		}

	}

	/** Replication awareness. */
	public static class Replication {

		/** How lag is measured. */
		private LagMethod method = LagMethod.HEARTBEAT;

		/** Heartbeat table, on every primary (replicated to its replicas). */
		private String heartbeatTable = "shardline_heartbeat";

		/** Whether the heartbeat table is created if missing. */
		private boolean createHeartbeatTable = true;

		/** Replicas further behind than this (or whose lag is unknown) serve no reads. */
		private Duration maxLag = Duration.ofSeconds(5);

		/** How often lag and node health are checked. */
		private Duration checkInterval = Duration.ofSeconds(1);

		/** What a read does when no replica may serve it. */
		private Fallback fallback = Fallback.PRIMARY;

		/** What reads of a shard do while its primary is unreachable. */
		private PrimaryDownReads primaryDownReads = PrimaryDownReads.REPLICAS;

		/** Whether writes follow the one node of a shard whose read_only is off (after a promotion). */
		private boolean discoverPrimary = false;

		/**
		 * Bound on how long a request waits for a dead or hung node (pool connection and
		 * validation timeouts default to it; probes use it).
		 */
		private Duration connectTimeout = Duration.ofSeconds(2);

		public LagMethod getMethod() {
			return this.method;
		}

		public void setMethod(LagMethod method) {
			this.method = method;
		}

		public String getHeartbeatTable() {
			return this.heartbeatTable;
		}

		public void setHeartbeatTable(String heartbeatTable) {
			this.heartbeatTable = heartbeatTable;
		}

		public boolean isCreateHeartbeatTable() {
			return this.createHeartbeatTable;
		}

		public void setCreateHeartbeatTable(boolean createHeartbeatTable) {
			this.createHeartbeatTable = createHeartbeatTable;
		}

		public Duration getMaxLag() {
			return this.maxLag;
		}

		public void setMaxLag(Duration maxLag) {
			this.maxLag = maxLag;
		}

		public Duration getCheckInterval() {
			return this.checkInterval;
		}

		public void setCheckInterval(Duration checkInterval) {
			this.checkInterval = checkInterval;
		}

		public Fallback getFallback() {
			return this.fallback;
		}

		public void setFallback(Fallback fallback) {
			this.fallback = fallback;
		}

		public PrimaryDownReads getPrimaryDownReads() {
			return this.primaryDownReads;
		}

		public void setPrimaryDownReads(PrimaryDownReads primaryDownReads) {
			this.primaryDownReads = primaryDownReads;
		}

		public boolean isDiscoverPrimary() {
			return this.discoverPrimary;
		}

		public void setDiscoverPrimary(boolean discoverPrimary) {
			this.discoverPrimary = discoverPrimary;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

	}

	/** Scatter-gather settings. */
	public static class Scatter {

		/**
		 * Threads that run per-shard work of scatter-gather calls (bounded; idle ones retire after
		 * a minute). Default: 2 per shard, at least 4, at most 64.
		 */
		private Integer threads;

		/** Default per-call timeout of a scatter-gather call (each shard's work must finish by then). */
		private Duration timeout = Duration.ofSeconds(30);

		public Integer getThreads() {
			return this.threads;
		}

		public void setThreads(Integer threads) {
			this.threads = threads;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	/** Bulk rebalance settings (README: "Adding a shard", "Removing a shard"). */
	public static class Rebalance {

		/**
		 * Batches in flight at most, spread evenly over the shard pairs (source, target); with
		 * more workers than pairs a pair's batches overlap.
		 */
		private int workers = 2;

		/** Most rows per batch (keys moved in one copy, fence and flip round); a larger key is moved alone. */
		private int batchRows = 1000;

		/** Most keys per batch. */
		private int batchKeys = 500;

		/**
		 * How gently a rebalance works: after each batch its worker pauses this multiple of the
		 * time the batch took, leaving the shards to the application's statements. 0 never pauses.
		 */
		private double niceRatio = 1;

		/**
		 * A batch waits while a replica of its source or target shard lags more than this share of
		 * {@code shardline.replication.max-lag} (or while either primary is down).
		 */
		private double lagThrottleFraction = 0.5;

		/**
		 * How long the instance running a rebalance holds it without renewing; after that any
		 * instance takes the rebalance over and resumes it from its pending keys.
		 */
		private Duration lease = Duration.ofSeconds(10);

		/**
		 * Shards being drained (removed): keys recorded on their first write go to the ring
		 * without these shards, and a plan never targets them. Existing keys stay until a
		 * {@code remove} plan moves them.
		 */
		private List<String> draining = new ArrayList<>();

		public int getWorkers() {
			return this.workers;
		}

		public void setWorkers(int workers) {
			this.workers = workers;
		}

		public int getBatchRows() {
			return this.batchRows;
		}

		public void setBatchRows(int batchRows) {
			this.batchRows = batchRows;
		}

		public int getBatchKeys() {
			return this.batchKeys;
		}

		public void setBatchKeys(int batchKeys) {
			this.batchKeys = batchKeys;
		}

		public double getNiceRatio() {
			return this.niceRatio;
		}

		public void setNiceRatio(double niceRatio) {
			this.niceRatio = niceRatio;
		}

		public double getLagThrottleFraction() {
			return this.lagThrottleFraction;
		}

		public void setLagThrottleFraction(double lagThrottleFraction) {
			this.lagThrottleFraction = lagThrottleFraction;
		}

		public Duration getLease() {
			return this.lease;
		}

		public void setLease(Duration lease) {
			this.lease = lease;
		}

		public List<String> getDraining() {
			return this.draining;
		}

		public void setDraining(List<String> draining) {
			this.draining = draining;
		}

	}

	/** Logs and traces. */
	public static class Observability {

		/**
		 * Put the route (shard, node, role, reason) into the logging MDC while a routed call
		 * runs. Costs four MDC entries per routed call; the current observation gets the same
		 * key values either way.
		 */
		private boolean mdc = true;

		public boolean isMdc() {
			return this.mdc;
		}

		public void setMdc(boolean mdc) {
			this.mdc = mdc;
		}

	}

	/** Shard-aware ID settings. */
	public static class Id {

		/**
		 * This instance's worker id (0-31 with the default layout). Every instance that mints
		 * IDs at the same time needs its own.
		 */
		private int workerId = 0;

		public int getWorkerId() {
			return this.workerId;
		}

		public void setWorkerId(int workerId) {
			this.workerId = workerId;
		}

	}

	/** Directory settings. */
	public static class Directory {

		/** Whether routing asks the directory before the strategy. */
		private boolean enabled = false;

		/** The shard whose primary holds the directory table. Default: the default shard. */
		private String shard;

		/** The directory table. */
		private String table = "shardline_directory";

		/** Whether the table is created if missing. */
		private boolean createTable = true;

		/** Most entries (and misses) cached per instance. */
		private long cacheSize = 100_000;

		/** How long a cached entry is trusted: the bound on how stale another instance's view may be. */
		private Duration cacheTtl = Duration.ofSeconds(10);

		/** Whether the strategy's choice is recorded the first time a key is written. */
		private boolean assignOnFirstWrite = false;

		/** Tables moved with a key, and their key column (table: column), in copy order. */
		private Map<String, String> moveTables = new LinkedHashMap<>();

		/**
		 * The longest a move refuses its key's writes (its fenced final phase); a move that
		 * needs longer rolls back. A move whose mover stopped answering in that phase is rolled
		 * back by any instance after twice this.
		 */
		private Duration moveTimeout = Duration.ofSeconds(5);

		/**
		 * How long a move may make no progress while copying or cleaning up (the key stays
		 * writable then) before any instance takes it over (rolls it back or finishes it).
		 */
		private Duration moveStaleAfter = Duration.ofSeconds(30);

		/** Rows per insert statement when a move copies a key's rows. */
		private int moveBatchRows = 500;

		/**
		 * How gently a move copies a key's rows while the key is still writable: after each
		 * insert statement the copy pauses for this multiple of the time that statement's rows
		 * took to read and write (gh-ost's nice ratio), so the source and target keep time for
		 * the application's other statements. 0 never pauses; with 1 the copy works at most half
		 * of the time. The fenced phase, which refuses the key's writes, is never paced. (The
		 * same default as {@link CopyPacer#DEFAULT_NICE_RATIO}; a literal, for the configuration
		 * metadata.)
		 */
		private double moveCopyNiceRatio = 1.0;

		/**
		 * Whether start-up fails (instead of logging an error) when the sharding strategy differs
		 * from the one the directory's keys were placed with and a backfill has not recorded them all.
		 */
		private boolean refuseUnrecordedPlacementChange = false;

		/** Keys per batch of a directory backfill. */
		private int backfillBatchKeys = 1000;

		/**
		 * How a backfill turns key-column values into keys, as the application passes them to
		 * {@code @ShardKey}: auto (integers are numbers, binaries bytes, the rest strings), long,
		 * string, uuid (stored as text) or bytes.
		 */
		private DirectoryBackfill.KeyType keyType = DirectoryBackfill.KeyType.AUTO;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getShard() {
			return this.shard;
		}

		public void setShard(String shard) {
			this.shard = shard;
		}

		public String getTable() {
			return this.table;
		}

		public void setTable(String table) {
			this.table = table;
		}

		public boolean isCreateTable() {
			return this.createTable;
		}

		public void setCreateTable(boolean createTable) {
			this.createTable = createTable;
		}

		public long getCacheSize() {
			return this.cacheSize;
		}

		public void setCacheSize(long cacheSize) {
			this.cacheSize = cacheSize;
		}

		public Duration getCacheTtl() {
			return this.cacheTtl;
		}

		public void setCacheTtl(Duration cacheTtl) {
			this.cacheTtl = cacheTtl;
		}

		public boolean isAssignOnFirstWrite() {
			return this.assignOnFirstWrite;
		}

		public void setAssignOnFirstWrite(boolean assignOnFirstWrite) {
			this.assignOnFirstWrite = assignOnFirstWrite;
		}

		public boolean isRefuseUnrecordedPlacementChange() {
			return this.refuseUnrecordedPlacementChange;
		}

		public void setRefuseUnrecordedPlacementChange(boolean refuseUnrecordedPlacementChange) {
			this.refuseUnrecordedPlacementChange = refuseUnrecordedPlacementChange;
		}

		public int getBackfillBatchKeys() {
			return this.backfillBatchKeys;
		}

		public void setBackfillBatchKeys(int backfillBatchKeys) {
			this.backfillBatchKeys = backfillBatchKeys;
		}

		public DirectoryBackfill.KeyType getKeyType() {
			return this.keyType;
		}

		public void setKeyType(DirectoryBackfill.KeyType keyType) {
			this.keyType = keyType;
		}

		public Duration getMoveTimeout() {
			return this.moveTimeout;
		}

		public void setMoveTimeout(Duration moveTimeout) {
			this.moveTimeout = moveTimeout;
		}

		public Duration getMoveStaleAfter() {
			return this.moveStaleAfter;
		}

		public void setMoveStaleAfter(Duration moveStaleAfter) {
			this.moveStaleAfter = moveStaleAfter;
		}

		public int getMoveBatchRows() {
			return this.moveBatchRows;
		}

		public void setMoveBatchRows(int moveBatchRows) {
			this.moveBatchRows = moveBatchRows;
		}

		public double getMoveCopyNiceRatio() {
			return this.moveCopyNiceRatio;
		}

		public void setMoveCopyNiceRatio(double moveCopyNiceRatio) {
			this.moveCopyNiceRatio = moveCopyNiceRatio;
		}

		public Map<String, String> getMoveTables() {
			return this.moveTables;
		}

		public void setMoveTables(Map<String, String> moveTables) {
			this.moveTables = moveTables;
		}

	}

	/** Web integration. */
	public static class Web {

		/** Whether read-your-writes positions travel across requests of a client in a signed cookie. */
		private boolean consistencyCookie = false;

		/**
		 * Secret (at least 16 characters) that signs the consistency cookie; the same on every
		 * instance. Required when the cookie is on.
		 */
		private String consistencyCookieSecret;

		/** Name of the consistency cookie. */
		private String consistencyCookieName = "shardline-rw";

		public boolean isConsistencyCookie() {
			return this.consistencyCookie;
		}

		public void setConsistencyCookie(boolean consistencyCookie) {
			this.consistencyCookie = consistencyCookie;
		}

		public String getConsistencyCookieSecret() {
			return this.consistencyCookieSecret;
		}

		public void setConsistencyCookieSecret(String consistencyCookieSecret) {
			this.consistencyCookieSecret = consistencyCookieSecret;
		}

		public String getConsistencyCookieName() {
			return this.consistencyCookieName;
		}

		public void setConsistencyCookieName(String consistencyCookieName) {
			this.consistencyCookieName = consistencyCookieName;
		}

	}

	/** Schema initialization. */
	public static class Schema {

		/**
		 * Whether spring.sql.init scripts run on every shard's primary (sharded tables exist
		 * everywhere); {@code false}: only on the default shard's primary. Never on replicas.
		 */
		private boolean allShards = true;

		public boolean isAllShards() {
			return this.allShards;
		}

		public void setAllShards(boolean allShards) {
			this.allShards = allShards;
		}

	}

}
