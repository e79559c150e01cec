package dev.shardline.it.jpa;

import java.util.List;

import dev.shardline.annotation.ReadOnly;
import dev.shardline.annotation.ShardKey;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.transaction.annotation.Transactional;

/** Shardline annotations on a Spring Data JPA repository interface. */
public interface OrderEntityRepository extends JpaRepository<OrderEntity, Long> {

	@Override
	<S extends OrderEntity> S save(@ShardKey("customerId") S entity);

	@ReadOnly
	List<OrderEntity> findByCustomerId(@ShardKey long customerId);


	@ReadOnly
	@Query(value = "SELECT @@server_id FROM DUAL WHERE ?1 IS NOT NULL", nativeQuery = true)
	Number readServerId(@ShardKey long customerId);

	@Query(value = "SELECT @@server_id FROM DUAL WHERE ?1 IS NOT NULL", nativeQuery = true)
	Number plainServerId(@ShardKey long customerId);

	/** No @ReadOnly: only the transactional-read-only opt-in sends it to a replica. */
	@Transactional(readOnly = true)
	@Query(value = "SELECT @@server_id FROM DUAL WHERE ?1 IS NOT NULL", nativeQuery = true)
	Number readOnlyTransactionServerId(@ShardKey long customerId);

}
