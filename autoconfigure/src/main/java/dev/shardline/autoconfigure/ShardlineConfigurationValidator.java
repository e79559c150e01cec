package dev.shardline.autoconfigure;

import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariConfig;
import dev.shardline.strategy.RangeShardingStrategy;
import dev.shardline.topology.JdbcUrls;
import dev.shardline.topology.Topology;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.BindException;

/**
 * Checks {@link ShardlineProperties} as a whole and reports every problem with its full
 * property path, so a bad configuration fails at startup instead of at the first query.
 */
final class ShardlineConfigurationValidator {

	private static final Pattern SHARD_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");

	private ShardlineConfigurationValidator() {
	}

	static void validate(ShardlineProperties properties) {
		List<ConfigurationProblem> problems = problems(properties);
		if (!problems.isEmpty()) {
			throw new InvalidShardlineConfigurationException(problems);
		}
	}

	static List<ConfigurationProblem> problems(ShardlineProperties properties) {
		List<ConfigurationProblem> problems = new ArrayList<>();
		if (properties.getShards().isEmpty()) {
			problems.add(new ConfigurationProblem("shardline.shards", "no shards are configured",
					"declare at least one shard with a primary url (shardline.shards.<name>.primary.url), "
							+ "or set shardline.enabled=false"));
			return problems;
		}
		checkHikari(problems, "shardline.hikari", properties.getHikari());
		if (properties.getExpectedInstances() < 1) {
			problems.add(new ConfigurationProblem("shardline.expected-instances",
					"must be at least 1 but is " + properties.getExpectedInstances(),
					"set how many instances of this application run at once (default 1)"));
		}
		Map<String, String> urls = new HashMap<>();
		properties.getShards().forEach((name, shard) -> {
			String path = "shardline.shards." + name;
			if (!SHARD_NAME.matcher(name).matches()) {
				problems.add(new ConfigurationProblem(path, "the shard name '" + name + "' is not allowed",
						"use letters, digits, '-' and '_' only (the name appears in pool names and metric tags)"));
			}
			if (shard == null) {
				problems.add(new ConfigurationProblem(path + ".primary.url", "the shard has no primary",
						"set " + path + ".primary.url"));
				return;
			}
			if (shard.getWeight() < 1) {
				problems.add(new ConfigurationProblem(path + ".weight", "must be at least 1 but is " + shard.getWeight(),
						"set a positive ring weight (default 1)"));
			}
			if (shard.getPrimary() == null) {
				problems.add(new ConfigurationProblem(path + ".primary.url", "the shard has no primary",
						"set " + path + ".primary.url"));
			}
			else {
				checkNode(problems, urls, path + ".primary", shard.getPrimary(), properties);
			}
			for (int i = 0; i < shard.getReplicas().size(); i++) {
				ShardlineProperties.Replica replica = shard.getReplicas().get(i);
				String replicaPath = path + ".replicas[" + i + "]";
				if (replica == null) {
					continue;
				}
				checkNode(problems, urls, replicaPath, replica, properties);
				if (replica.getWeight() < 1) {
					problems.add(new ConfigurationProblem(replicaPath + ".weight",
							"must be at least 1 but is " + replica.getWeight(),
							"set a positive share of the shard's reads (default 1), or remove the replica"));
				}
				if (replica.getGroup() == null || replica.getGroup().isBlank()) {
					problems.add(new ConfigurationProblem(replicaPath + ".group", "the group is empty",
							"name a group (default 'default')"));
				}
			}
		});
		String defaultShard = properties.effectiveDefaultShard();
		if (!properties.getShards().containsKey(defaultShard)) {
			problems.add(new ConfigurationProblem("shardline.default-shard",
					"names shard '" + defaultShard + "', which is not configured",
					"name one of " + properties.getShards().keySet() + ", or leave it out to use the first shard by name"));
		}
		Integer virtualNodes = properties.getRing().getVirtualNodes();
		if (virtualNodes != null && virtualNodes < 1) {
			problems.add(new ConfigurationProblem("shardline.ring.virtual-nodes", "must be at least 1 but is "
					+ virtualNodes, "leave it out for the default, or set a positive number"));
		}
		if (properties.getStrategy() == ShardlineProperties.Strategy.RANGE) {
			checkRanges(problems, properties);
		}
		checkReplication(problems, properties);
		return problems;
	}

	private static void checkReplication(List<ConfigurationProblem> problems, ShardlineProperties properties) {
		ShardlineProperties.Replication replication = properties.getReplication();
		positive(problems, "shardline.replication.max-lag", replication.getMaxLag());
		positive(problems, "shardline.replication.check-interval", replication.getCheckInterval());
		positive(problems, "shardline.replication.connect-timeout", replication.getConnectTimeout());
		positive(problems, "shardline.routing.read-your-writes-window", properties.getRouting().getReadYourWritesWindow());
		String table = replication.getHeartbeatTable();
		if (table == null || !table.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?")) {
			problems.add(new ConfigurationProblem("shardline.replication.heartbeat-table",
					"'" + table + "' is not a plain table name", "use letters, digits and '_' (optionally schema.table)"));
		}
		int workers = dev.shardline.id.ShardlineIdLayout.DEFAULT.maxWorkers();
		if (properties.getId().getWorkerId() < 0 || properties.getId().getWorkerId() >= workers) {
			problems.add(new ConfigurationProblem("shardline.id.worker-id",
					"must be between 0 and " + (workers - 1) + " but is " + properties.getId().getWorkerId(),
					"give every instance that mints IDs its own worker id in that range"));
		}
		positive(problems, "shardline.scatter.timeout", properties.getScatter().getTimeout());
		Integer threads = properties.getScatter().getThreads();
		if (threads != null && threads < 1) {
			problems.add(new ConfigurationProblem("shardline.scatter.threads", "must be at least 1 but is " + threads,
					"set a positive number of threads, or leave it out"));
		}
		ShardlineProperties.Directory directory = properties.getDirectory();
		if (directory.isEnabled()) {
			if (directory.getShard() != null && !properties.getShards().containsKey(directory.getShard())) {
				problems.add(new ConfigurationProblem("shardline.directory.shard",
						"names shard '" + directory.getShard() + "', which is not configured",
						"name one of " + properties.getShards().keySet() + ", or leave it out for the default shard"));
			}
			positive(problems, "shardline.directory.cache-ttl", directory.getCacheTtl());
			positive(problems, "shardline.directory.move-timeout", directory.getMoveTimeout());
			positive(problems, "shardline.directory.move-stale-after", directory.getMoveStaleAfter());
			if (directory.getMoveBatchRows() < 1) {
				problems.add(new ConfigurationProblem("shardline.directory.move-batch-rows",
						"must be at least 1 but is " + directory.getMoveBatchRows(), "set a positive number of rows"));
			}
			nonNegative(problems, "shardline.directory.move-copy-nice-ratio", directory.getMoveCopyNiceRatio(),
					"set 0 to copy without pauses, or e.g. 1 to pause as long as each batch took");
			if (directory.getCacheSize() < 1) {
				problems.add(new ConfigurationProblem("shardline.directory.cache-size",
						"must be at least 1 but is " + directory.getCacheSize(), "set a positive number of entries"));
			}
			if (!directory.getTable().matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?")) {
				problems.add(new ConfigurationProblem("shardline.directory.table",
						"'" + directory.getTable() + "' is not a plain table name", "use letters, digits and '_'"));
			}
			rebalance(problems, properties);
			directory.getMoveTables().forEach((moveTable, column) -> {
				if (!moveTable.matches("[A-Za-z_][A-Za-z0-9_]*") || column == null || !column.matches("[A-Za-z_][A-Za-z0-9_]*")) {
					problems.add(new ConfigurationProblem("shardline.directory.move-tables." + moveTable,
							"'" + moveTable + ": " + column + "' is not a table and key column", "use table: column names"));
				}
			});
		}
		ShardlineProperties.Web web = properties.getWeb();
		if (web.isConsistencyCookie()) {
			String secret = web.getConsistencyCookieSecret();
			if (secret == null || secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 16) {
				problems.add(new ConfigurationProblem("shardline.web.consistency-cookie-secret",
						"is missing or shorter than 16 characters while shardline.web.consistency-cookie is on",
						"set the same secret of at least 16 characters on every instance"));
			}
			if (properties.getRouting().getReadYourWrites() == ShardlineProperties.ReadYourWrites.NONE) {
				problems.add(new ConfigurationProblem("shardline.web.consistency-cookie",
						"is on but shardline.routing.read-your-writes is none, so there is nothing to carry",
						"set shardline.routing.read-your-writes to session or gtid, or turn the cookie off"));
			}
		}
	}

	/** shardline.rebalance.*: positive sizes and lease, a fraction in (0, 1], draining shards that exist. */
	private static void rebalance(List<ConfigurationProblem> problems, ShardlineProperties properties) {
		ShardlineProperties.Rebalance rebalance = properties.getRebalance();
		atLeastOne(problems, "shardline.rebalance.workers", rebalance.getWorkers(), "workers");
		atLeastOne(problems, "shardline.rebalance.batch-rows", rebalance.getBatchRows(), "rows");
		atLeastOne(problems, "shardline.rebalance.batch-keys", rebalance.getBatchKeys(), "keys");
		double fraction = rebalance.getLagThrottleFraction();
		if (!(fraction > 0 && fraction <= 1)) {
			problems.add(new ConfigurationProblem("shardline.rebalance.lag-throttle-fraction",
					"must be above 0 and at most 1 but is " + fraction, "set a share of max-lag, e.g. 0.5"));
		}
		nonNegative(problems, "shardline.rebalance.nice-ratio", rebalance.getNiceRatio(),
				"set e.g. 1 (0 never pauses between batches)");
		positive(problems, "shardline.rebalance.lease", rebalance.getLease());
		for (String shard : rebalance.getDraining()) {
			if (!properties.getShards().containsKey(shard)) {
				problems.add(new ConfigurationProblem("shardline.rebalance.draining",
						"names shard '" + shard + "', which is not configured",
						"name shards of " + properties.getShards().keySet() + " (a shard leaves the ring only after its keys moved)"));
			}
		}
		if (!rebalance.getDraining().isEmpty() && properties.getShards().keySet().stream()
			.allMatch(rebalance.getDraining()::contains)) {
			problems.add(new ConfigurationProblem("shardline.rebalance.draining", "drains every shard",
					"leave at least one shard to take new keys"));
		}
	}

	private static void atLeastOne(List<ConfigurationProblem> problems, String property, int value, String what) {
		if (value < 1) {
			problems.add(new ConfigurationProblem(property, "must be at least 1 but is " + value,
					"set a positive number of " + what));
		}
	}

	/** A finite number of at least 0 (NaN and infinity are refused too). */
	private static void nonNegative(List<ConfigurationProblem> problems, String property, double value, String fix) {
		if (!(value >= 0) || Double.isInfinite(value)) {
			problems.add(new ConfigurationProblem(property, "must be a number of at least 0 but is " + value, fix));
		}
	}

	private static void positive(List<ConfigurationProblem> problems, String property, java.time.Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			problems.add(new ConfigurationProblem(property, "must be positive but is " + value,
					"set a positive duration, e.g. 1s or 500ms"));
		}
	}

	private static void checkNode(List<ConfigurationProblem> problems, Map<String, String> urls, String path,
			ShardlineProperties.Node node, ShardlineProperties properties) {
		if (node.getUrl() == null || node.getUrl().isBlank()) {
			problems.add(new ConfigurationProblem(path + ".url", "the url is missing",
					"set the node's JDBC url, e.g. jdbc:mysql://host:3306/app"));
		}
		else if (!node.getUrl().startsWith("jdbc:")) {
			problems.add(new ConfigurationProblem(path + ".url", "'" + JdbcUrls.safe(node.getUrl())
					+ "' is not a JDBC url", "use a url that starts with jdbc:, e.g. jdbc:mysql://host:3306/app"));
		}
		else {
			String safe = JdbcUrls.safe(node.getUrl());
			String earlier = urls.putIfAbsent(safe, path);
			if (earlier != null) {
				problems.add(new ConfigurationProblem(path + ".url",
						"'" + safe + "' is already the url of " + earlier,
						"give every node its own url: two pools on one server would route writes and reads "
								+ "to the same place and hide misconfiguration"));
			}
		}
		checkHikari(problems, path + ".hikari", node.getHikari());
		Map<String, String> merged = new LinkedHashMap<>(properties.getHikari());
		merged.putAll(node.getHikari());
		try {
			HikariConfig config = Topology.hikariConfig(merged);
			if (merged.containsKey("maximum-pool-size") && config.getMaximumPoolSize() < 1) {
				problems.add(new ConfigurationProblem(sourceOf(path, node, "maximum-pool-size"),
						"must be at least 1 but is " + config.getMaximumPoolSize(), "set a positive pool size"));
			}
			if (merged.containsKey("minimum-idle") && config.getMinimumIdle() < 0) {
				problems.add(new ConfigurationProblem(sourceOf(path, node, "minimum-idle"),
						"must not be negative but is " + config.getMinimumIdle(), "set 0 or more"));
			}
		}
		catch (BindException ex) {
			String property = ex.getProperty() != null ? ex.getProperty().getName().toString().replaceFirst("^hikari\\.", "") : "";
			problems.add(new ConfigurationProblem(sourceOf(path, node, property),
					"cannot be applied to the pool: " + rootMessage(ex), "use a valid HikariCP value"));
		}
	}

	private static String sourceOf(String nodePath, ShardlineProperties.Node node, String key) {
		return node.getHikari().containsKey(key) ? nodePath + ".hikari." + key : "shardline.hikari." + key;
	}

	private static String rootMessage(Throwable ex) {
		Throwable cause = ex;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause.getMessage();
	}

	private static void checkHikari(List<ConfigurationProblem> problems, String path, Map<String, String> settings) {
		for (String key : settings.keySet()) {
			String property = key.contains(".") ? key.substring(0, key.indexOf('.')) : key;
			PropertyDescriptor descriptor = BeanUtils.getPropertyDescriptor(HikariConfig.class, camelCase(property));
			if (descriptor == null || descriptor.getWriteMethod() == null) {
				problems.add(new ConfigurationProblem(path + "." + key, "is not a HikariCP setting",
						"use a HikariCP property in kebab-case, e.g. maximum-pool-size, connection-timeout"));
			}
			else if (key.equals("jdbc-url") || key.equals("username") || key.equals("password")
					|| key.equals("pool-name")) {
				problems.add(new ConfigurationProblem(path + "." + key, "is set by Shardline",
						"use the node's url, username and password; pool names are fixed"));
			}
		}
	}

	private static String camelCase(String kebab) {
		StringBuilder result = new StringBuilder();
		boolean upper = false;
		for (char c : kebab.toCharArray()) {
			if (c == '-' || c == '_') {
				upper = true;
			}
			else {
				result.append(upper ? Character.toUpperCase(c) : c);
				upper = false;
			}
		}
		return result.toString();
	}

	private static void checkRanges(List<ConfigurationProblem> problems, ShardlineProperties properties) {
		List<ShardlineProperties.Range> ranges = properties.getRange();
		if (ranges.isEmpty()) {
			problems.add(new ConfigurationProblem("shardline.range", "strategy is range but no ranges are configured",
					"list ranges under shardline.range ({from, to, shard}), or use strategy: ring"));
			return;
		}
		for (int i = 0; i < ranges.size(); i++) {
			String shard = ranges.get(i).getShard();
			if (shard == null || !properties.getShards().containsKey(shard)) {
				problems.add(new ConfigurationProblem("shardline.range[" + i + "].shard",
						"names shard '" + shard + "', which is not configured",
						"name one of " + properties.getShards().keySet()));
			}
		}
		for (String problem : RangeShardingStrategy.check(rules(ranges))) {
			int end = problem.indexOf(']');
			String index = problem.substring(1, end);
			String rest = problem.substring(end + 1).trim();
			String property = index.isEmpty() ? "shardline.range" : "shardline.range[" + index + "]";
			if (rest.startsWith(".")) {
				property += rest.substring(0, rest.indexOf(' '));
				rest = rest.substring(rest.indexOf(' ') + 1);
			}
			problems.add(new ConfigurationProblem(property, rest,
					"make the ranges ordered and contiguous: each range's from equals the previous range's to, "
							+ "only the last may leave out to"));
		}
	}

	static List<RangeShardingStrategy.Rule> rules(List<ShardlineProperties.Range> ranges) {
		List<RangeShardingStrategy.Rule> rules = new ArrayList<>();
		for (ShardlineProperties.Range range : ranges) {
			rules.add(new RangeShardingStrategy.Rule(range.getFrom(), range.getTo(), range.getShard()));
		}
		return rules;
	}

}
