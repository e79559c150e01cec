package dev.shardline.it.slice.datajdbc;

import dev.shardline.it.slice.SliceTopology;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jdbc.test.autoconfigure.DataJdbcTest;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** Boot's @DataJdbcTest slice routes repository calls through Shardline. */
@DataJdbcTest
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
class DataJdbcSliceTests {

	@DynamicPropertySource
	static void topology(DynamicPropertyRegistry registry) {
		SliceTopology.register(registry);
	}

	@Autowired
	SliceOrderRowRepository repository;

	@Test
	void repositoryCallsRouteByKey() {
		long customer = SliceTopology.customerOn("shard-1");
		assertThat(this.repository.serverId(customer)).isEqualTo(SliceTopology.serverId("shard-1", false));
	}

}
