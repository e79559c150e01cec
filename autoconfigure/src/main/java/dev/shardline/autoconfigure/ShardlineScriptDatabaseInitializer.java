package dev.shardline.autoconfigure;

import java.util.List;

import javax.sql.DataSource;

import dev.shardline.routing.ShardRouting;
import dev.shardline.topology.Shard;

import org.springframework.boot.jdbc.autoconfigure.ApplicationDataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.autoconfigure.init.SqlInitializationProperties;

/**
 * Runs {@code spring.sql.init} scripts on every shard's primary (sharded tables exist
 * everywhere), or only on the default shard's with {@code shardline.schema.all-shards=false}.
 * Never on a replica: replicas get the schema through replication.
 */
public class ShardlineScriptDatabaseInitializer extends ApplicationDataSourceScriptDatabaseInitializer {

	private final ShardRouting routing;

	private final List<String> shards;

	/**
	 * Creates the initializer.
	 * @param dataSource Shardline's data source
	 * @param properties spring.sql.init properties
	 * @param routing the programmatic routing API
	 * @param shards the shards whose primaries get the scripts
	 */
	public ShardlineScriptDatabaseInitializer(DataSource dataSource, SqlInitializationProperties properties,
			ShardRouting routing, List<Shard> shards) {
		super(dataSource, properties);
		this.routing = routing;
		this.shards = shards.stream().map(Shard::name).toList();
	}

	@Override
	protected void runScripts(Scripts scripts) {
		for (String shard : this.shards) {
			this.routing.onShardNamed(shard).run(() -> super.runScripts(scripts));
		}
	}

}
