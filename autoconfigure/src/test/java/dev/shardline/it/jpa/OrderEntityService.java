package dev.shardline.it.jpa;

import org.springframework.transaction.annotation.Transactional;

/** Transactions over JPA repository calls. */
public class OrderEntityService {

	private final OrderEntityRepository repository;

	public OrderEntityService(OrderEntityRepository repository) {
		this.repository = repository;
	}

	@Transactional
	public void saveBoth(OrderEntity first, OrderEntity second) {
		this.repository.save(first);
		this.repository.save(second);
	}

	@Transactional
	public long saveThenReadServerId(OrderEntity entity) {
		this.repository.save(entity);
		return this.repository.readServerId(entity.getCustomerId()).longValue();
	}

}
