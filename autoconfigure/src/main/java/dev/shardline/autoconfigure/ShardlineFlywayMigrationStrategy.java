package dev.shardline.autoconfigure;

import java.util.List;

import dev.shardline.routing.ShardRouting;
import org.flywaydb.core.Flyway;

import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;

/**
 * Runs Flyway's migrations once per shard, each time on that shard's primary (replicas get
 * the schema through replication).
 */
class ShardlineFlywayMigrationStrategy implements FlywayMigrationStrategy {

	private final ShardRouting routing;

	private final List<String> shards;

	ShardlineFlywayMigrationStrategy(ShardRouting routing, List<String> shards) {
		this.routing = routing;
		this.shards = shards;
	}

	@Override
	public void migrate(Flyway flyway) {
		for (String shard : this.shards) {
			this.routing.onShardNamed(shard).run(flyway::migrate);
		}
	}

}
