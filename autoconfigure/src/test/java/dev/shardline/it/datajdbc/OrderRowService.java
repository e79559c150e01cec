package dev.shardline.it.datajdbc;

import org.springframework.transaction.annotation.Transactional;

/** A transaction over two repository calls. */
public class OrderRowService {

	private final OrderRowRepository repository;

	public OrderRowService(OrderRowRepository repository) {
		this.repository = repository;
	}

	@Transactional
	public void saveBoth(OrderRow first, OrderRow second) {
		this.repository.save(first);
		this.repository.save(second);
	}

	@Transactional
	public long saveThenReadServerId(OrderRow row) {
		this.repository.save(row);
		return this.repository.readServerId(row.customerId());
	}

}
