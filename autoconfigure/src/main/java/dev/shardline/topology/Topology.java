package dev.shardline.topology;

import java.beans.PropertyDescriptor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * All shards and nodes, each node with its own started HikariCP pool. Pools start without
 * an initial connection, so the application starts while any node is down; they share one
 * housekeeping thread. Closing the topology closes every pool.
 */
public final class Topology implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(Topology.class);

	private final Map<String, Shard> shards;

	private final List<Shard> shardList;

	private final List<ShardNode> nodes;

	private final Shard defaultShard;

	private ScheduledThreadPoolExecutor housekeeping;

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
		ScheduledThreadPoolExecutor housekeeping = housekeeping();
		try {
			List<Shard> shards = new ArrayList<>();
			for (ShardSpec spec : specs) {
				ShardNode primary = node(spec.name(), NodeRole.PRIMARY, -1, spec.primary(), poolCustomizer, started,
						housekeeping);
				List<ShardNode> replicas = new ArrayList<>();
				for (int i = 0; i < spec.replicas().size(); i++) {
					replicas.add(node(spec.name(), NodeRole.REPLICA, i, spec.replicas().get(i), poolCustomizer, started,
							housekeeping));
				}
				shards.add(new Shard(spec.name(), shards.size(), primary, replicas));
			}
			Topology topology = new Topology(shards, defaultShard);
			topology.housekeeping = housekeeping;
			return topology;
		}
		catch (RuntimeException ex) {
			started.forEach(HikariDataSource::close);
			housekeeping.shutdownNow();
			throw ex;
		}
	}

	/**
	 * One housekeeping thread for every pool: Hikari would otherwise start a thread per pool
	 * (2,048 of them for 1,024 shards with a replica each), and the pools' periodic work (retiring
	 * idle and old connections) is light.
	 */
	private static ScheduledThreadPoolExecutor housekeeping() {
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, "shardline-pool-housekeeper");
			thread.setDaemon(true);
			return thread;
		});
		// Hikari's advice for a shared executor: cancelled tasks of closed pools leave the queue.
		executor.setRemoveOnCancelPolicy(true);
		executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		return executor;
	}

	private static ShardNode node(String shard, NodeRole role, int index, NodeSpec spec,
			Consumer<HikariConfig> poolCustomizer, List<HikariDataSource> started, ScheduledExecutorService housekeeping) {
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
		config.setScheduledExecutor(housekeeping);
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
		if (settings.isEmpty() || applyPlainSettings(config, settings)) {
			return config;
		}
		// Nested keys (data-source-properties.*), other spellings, values to convert: Boot's binder,
		// which also reports a bad value with its property name.
		config = new HikariConfig();
		Map<String, String> prefixed = new LinkedHashMap<>();
		settings.forEach((key, value) -> prefixed.put("hikari." + key, value));
		new Binder(new MapConfigurationPropertySource(prefixed)).bind("hikari", Bindable.ofInstance(config));
		return config;
	}

	/**
	 * HikariCP's setters of plain values by kebab-case name. Binding a pool's settings with
	 * Boot's binder takes about a millisecond (it introspects HikariConfig each time); with
	 * thousands of nodes that was seconds of start-up, so plain values are set directly.
	 */
	private static final Set<Class<?>> PLAIN_TYPES = Set.of(int.class, long.class, boolean.class, String.class);

	private static final Map<String, Method> PLAIN_SETTERS = plainSetters();

	private static Map<String, Method> plainSetters() {
		Map<String, Method> setters = new HashMap<>();
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(HikariConfig.class)) {
			Method setter = descriptor.getWriteMethod();
			if (setter != null && PLAIN_TYPES.contains(setter.getParameterTypes()[0])) {
				setters.put(descriptor.getName().replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT), setter);
			}
		}
		return setters;
	}

	/** Applies every setting directly; false (config half-set) when any needs the binder. */
	private static boolean applyPlainSettings(HikariConfig config, Map<String, String> settings) {
		for (Map.Entry<String, String> setting : settings.entrySet()) {
			Method setter = PLAIN_SETTERS.get(setting.getKey());
			String value = (setting.getValue() != null) ? setting.getValue().trim() : null;
			if (setter == null || value == null) {
				return false;
			}
			Class<?> type = setter.getParameterTypes()[0];
			try {
				Object converted;
				if (type == int.class) {
					converted = Integer.parseInt(value);
				}
				else if (type == long.class) {
					converted = Long.parseLong(value);
				}
				else if (type == boolean.class) {
					if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
						return false;
					}
					converted = Boolean.parseBoolean(value);
				}
				else {
					converted = setting.getValue();
				}
				setter.invoke(config, converted);
			}
			catch (ReflectiveOperationException | IllegalArgumentException ex) {
				return false;
			}
		}
		return true;
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
		if (this.housekeeping != null) {
			this.housekeeping.shutdownNow();
		}
	}

}
