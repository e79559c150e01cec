package dev.shardline.it.datajdbc;

import java.util.List;

import dev.shardline.annotation.ReadOnly;
import dev.shardline.annotation.ShardKey;

import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.CrudRepository;

/** Shardline annotations on a Spring Data JDBC repository interface. */
public interface OrderRowRepository extends CrudRepository<OrderRow, Long> {

	@Override
	<S extends OrderRow> S save(@ShardKey("customerId") S row);

	@ReadOnly
	List<OrderRow> findByCustomerId(@ShardKey long customerId);

	@ReadOnly
	@Query("SELECT @@server_id FROM DUAL WHERE :customerId IS NOT NULL")
	long readServerId(@ShardKey long customerId);

	@Query("SELECT @@server_id FROM DUAL WHERE :customerId IS NOT NULL")
	long writeServerId(@ShardKey long customerId);

}
