package dev.shardline.it.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A row of the orders table, for JPA. */
@Entity
@Table(name = "orders")
public class OrderEntity {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private Long id;

	@Column(name = "customer_id")
	private long customerId;

	private long amount;

	private String note;

	protected OrderEntity() {
	}

	public OrderEntity(long customerId, long amount, String note) {
		this.customerId = customerId;
		this.amount = amount;
		this.note = note;
	}

	public Long getId() {
		return this.id;
	}

	public long getCustomerId() {
		return this.customerId;
	}

	public long getAmount() {
		return this.amount;
	}

	public String getNote() {
		return this.note;
	}

}
