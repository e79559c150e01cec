package dev.shardline.it.slice.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An order entity in the @DataJpaTest slice. */
@Entity
@Table(name = "orders")
public class SliceOrder {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	Long id;

	@Column(name = "customer_id")
	long customerId;

	long amount;

}
