package dev.shardline.sample;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import dev.shardline.routing.ShardRouting;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The sample starts on its embedded default profile (no server), serves health, shows the
 * configured shards, and stores each customer's orders on the customer's shard only.
 */
@SpringBootTest
@AutoConfigureMockMvc
class SampleApplicationTests {

	@Autowired
	MockMvc mvc;

	@Autowired
	ShardRouting routing;

	@Test
	void healthIsUp() throws Exception {
		this.mvc.perform(get("/actuator/health")).andExpect(status().isOk()).andExpect(jsonPath("$.status").value("UP"));
	}

	@Test
	void showsTheConfiguredShards() throws Exception {
		this.mvc.perform(get("/shards"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$[0].name").value("shard-0"))
			.andExpect(jsonPath("$[1].name").value("shard-1"))
			.andExpect(jsonPath("$[0].primary").value("jdbc:h2:mem:shard0;MODE=MySQL;DB_CLOSE_DELAY=-1"));
	}

	@Test
	void ordersLandOnTheirCustomersShardOnly() throws Exception {
		// Find one customer per shard, so both shards are exercised.
		long onShard0 = firstCustomerOn("shard-0");
		long onShard1 = firstCustomerOn("shard-1");
		for (long customer : new long[] { onShard0, onShard1 }) {
			String shard = this.routing.shardFor(customer);
			this.mvc.perform(post("/customers/" + customer + "/orders").param("amountCents", "1250"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.shard").value(shard));
			this.mvc.perform(get("/customers/" + customer + "/orders"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.orders[0].amountCents").value(1250));
			String other = shard.equals("shard-0") ? "shard1" : "shard0";
			assertThat(countOrders(shard.replace("-", ""), customer)).isEqualTo(1);
			assertThat(countOrders(other, customer)).isZero();
		}
	}

	private long firstCustomerOn(String shard) {
		for (long customer = 1_000; customer < 2_000; customer++) {
			if (this.routing.shardFor(customer).equals(shard)) {
				return customer;
			}
		}
		throw new AssertionError("no customer in 1000..1999 routes to " + shard);
	}

	private static int countOrders(String database, long customer) throws Exception {
		try (Connection connection = DriverManager
			.getConnection("jdbc:h2:mem:" + database + ";MODE=MySQL;DB_CLOSE_DELAY=-1", "sa", "");
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM orders WHERE customer_id = " + customer)) {
			rs.next();
			return rs.getInt(1);
		}
	}

}
