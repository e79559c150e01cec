package dev.shardline.it.slice.jdbc;

import dev.shardline.it.slice.SliceTopology;
import dev.shardline.routing.ShardRouting;
import dev.shardline.routing.ShardlineDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** Boot's @JdbcTest slice routes through Shardline when it is configured. */
@JdbcTest
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
class JdbcSliceTests {

	@DynamicPropertySource
	static void topology(DynamicPropertyRegistry registry) {
		SliceTopology.register(registry);
	}

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	ShardRouting routing;

	@Test
	void routesThroughShardline() {
		assertThat(this.jdbc.getDataSource()).isInstanceOf(ShardlineDataSource.class);
		long customer = SliceTopology.customerOn("shard-1");
		long serverId = this.routing.onShard(customer)
			.get(() -> this.jdbc.queryForObject("SELECT @@server_id", Long.class));
		assertThat(serverId).isEqualTo(SliceTopology.serverId("shard-1", false));
	}

}
