package dev.shardline.topology;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * All shards and nodes, each node with its own started HikariCP pool. Pools start without
 * an initial connection, so the application starts while any node is down; closing the
 * topology closes every pool.
 */
public final class Topology implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(Topology.class);

	private final Map<String, Shard> shards;

	private final List<Shard> shardList;

	private final List<ShardNode> nodes;

	private final Shard defaultShard;

	private Topology(List<Shard> shards, String defaultShard) {
		Map<String, Shard> byName = new LinkedHashMap<>();
		List<ShardNode> nodes = new ArrayList<>();
		for (Shard shard : shards) {
			byName.put(shard.name(), shard);
			nodes.add(shard.primary());
			nodes.addAll(shard.replicas());
		}
		this.shards = Collections.unmodifiableMap(byName);
		this.shardList = List.copyOf(shards);
		this.nodes = List.copyOf(nodes);
		this.defaultShard = byName.get(defaultShard);
		if (this.defaultShard == null) {
			throw new IllegalArgumentException("Unknown default shard '" + defaultShard + "'");
		}
	}

	/**
	 * Builds the topology and starts one pool per node.
	 * @param specs the shards
	 * @param defaultShard the shard for unkeyed work
	 * @param poolCustomizer applied to every pool's configuration before it starts (metrics)
	 * @return the topology
	 */
	public static Topology create(List<ShardSpec> specs, String defaultShard, Consumer<HikariConfig> poolCustomizer) {
		List<HikariDataSource> started = new ArrayList<>();
		try {
			List<Shard> shards = new ArrayList<>();
			for (ShardSpec spec : specs) {
				ShardNode primary = node(spec.name(), NodeRole.PRIMARY, -1, spec.primary(), poolCustomizer, started);
				List<ShardNode> replicas = new ArrayList<>();
				for (int i = 0; i < spec.replicas().size(); i++) {
					replicas.add(node(spec.name(), NodeRole.REPLICA, i, spec.replicas().get(i), poolCustomizer, started));
				}
				shards.add(new Shard(spec.name(), shards.size(), primary, replicas));
			}
			return new Topology(shards, defaultShard);
		}
		catch (RuntimeException ex) {
			started.forEach(HikariDataSource::close);
			throw ex;
		}
	}

	private static ShardNode node(String shard, NodeRole role, int index, NodeSpec spec,
			Consumer<HikariConfig> poolCustomizer, List<HikariDataSource> started) {
		JdbcUrls.Credentials credentials = JdbcUrls.split(spec.url());
		HikariConfig config = hikariConfig(spec.hikari());
		config.setJdbcUrl(credentials.url());
		config.setUsername((spec.username() != null) ? spec.username() : credentials.user());
		config.setPassword((spec.password() != null) ? spec.password() : credentials.password());
		config.setPoolName(ShardNode.poolName(shard, role, index));
		if (!spec.hikari().containsKey("initialization-fail-timeout")) {
			// Start the pool without a first connection: a down replica or non-default shard
			// must not stop the application from starting.
			config.setInitializationFailTimeout(-1);
		}
		poolCustomizer.accept(config);
		HikariDataSource pool = new HikariDataSource(config);
		started.add(pool);
		return new ShardNode(shard, role, index, (role == NodeRole.REPLICA) ? spec.group() : null,
				(role == NodeRole.REPLICA) ? spec.weight() : 0, credentials.url(), pool);
	}

	/**
	 * Binds kebab-case HikariCP settings onto a fresh configuration.
	 * @param settings the settings
	 * @return the configuration
	 */
	public static HikariConfig hikariConfig(Map<String, String> settings) {
		HikariConfig config = new HikariConfig();
		if (!settings.isEmpty()) {
			Map<String, String> prefixed = new LinkedHashMap<>();
			settings.forEach((key, value) -> prefixed.put("hikari." + key, value));
			new Binder(new MapConfigurationPropertySource(prefixed)).bind("hikari", Bindable.ofInstance(config));
		}
		return config;
	}

	/** Shards in declaration order. */
	public List<Shard> shards() {
		return this.shardList;
	}

	/**
	 * A shard by name.
	 * @param name the shard's name
	 * @return the shard, or null when there is none of that name
	 */
	public Shard shard(String name) {
		return this.shards.get(name);
	}

	/** The shard for unkeyed work. */
	public Shard defaultShard() {
		return this.defaultShard;
	}

	/** Every node: each shard's primary, then its replicas. */
	public List<ShardNode> nodes() {
		return this.nodes;
	}

	@Override
	public void close() {
		for (ShardNode node : this.nodes) {
			try {
				node.pool().close();
			}
			catch (RuntimeException ex) {
				logger.warn("Could not close pool " + node.name(), ex);
			}
		}
	}

}
