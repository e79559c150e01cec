package dev.shardline.it.slice.datajdbc;

import dev.shardline.annotation.ShardKey;

import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.CrudRepository;

/** A repository in the @DataJdbcTest slice. */
public interface SliceOrderRowRepository extends CrudRepository<SliceOrderRow, Long> {

	@Query("SELECT @@server_id FROM DUAL WHERE :customerId IS NOT NULL")
	long serverId(@ShardKey long customerId);

}
