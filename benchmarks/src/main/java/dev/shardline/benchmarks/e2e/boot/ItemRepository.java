package dev.shardline.benchmarks.e2e.boot;

import dev.shardline.annotation.ReadOnly;
import dev.shardline.annotation.ShardKey;
import dev.shardline.benchmarks.e2e.Workload;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The annotated bean, as users write one: each method is one unit of routed work.
 */
@Component
public class ItemRepository {

	private final JdbcTemplate jdbc;

	private final BenchScatter scatter;

	public ItemRepository(JdbcTemplate jdbc, BenchScatter scatter) {
		this.jdbc = jdbc;
		this.scatter = scatter;
	}

	/**
	 * The row's payload, from the primary of the key's shard.
	 * @param id the row id, also the shard key
	 * @return the payload
	 */
	public String find(@ShardKey long id) {
		return this.jdbc.queryForObject(Workload.SELECT_BY_ID, String.class, id);
	}

	/**
	 * The row's payload, from a replica of the key's shard.
	 * @param id the row id, also the shard key
	 * @return the payload
	 */
	@ReadOnly
	public String findReadOnly(@ShardKey long id) {
		return this.jdbc.queryForObject(Workload.SELECT_BY_ID, String.class, id);
	}

	/**
	 * Inserts a row on the primary of the customer's shard.
	 * @param id the row id
	 * @param customerId the shard key
	 * @param payload the payload
	 */
	public void insert(long id, @ShardKey long customerId, String payload) {
		this.jdbc.update(Workload.INSERT, id, customerId, payload);
	}

	/**
	 * Counts the customer's rows over every shard (scatter-gather has no annotation: it is the
	 * same {@code ShardTemplate} call the programmatic system makes).
	 * @param customerId the customer
	 * @return the total
	 */
	public long countEverywhere(long customerId) {
		return this.scatter.template().readOnly().sumLong(this.jdbc, Workload.COUNT_BY_CUSTOMER, customerId).value();
	}

}
