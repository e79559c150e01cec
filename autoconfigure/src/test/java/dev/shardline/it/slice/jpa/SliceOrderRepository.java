package dev.shardline.it.slice.jpa;

import dev.shardline.annotation.ShardKey;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

/** A repository in the @DataJpaTest slice. */
public interface SliceOrderRepository extends JpaRepository<SliceOrder, Long> {

	@Query(value = "SELECT @@server_id FROM DUAL WHERE ?1 IS NOT NULL", nativeQuery = true)
	Number serverId(@ShardKey long customerId);

}
