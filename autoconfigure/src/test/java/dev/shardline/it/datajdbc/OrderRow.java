package dev.shardline.it.datajdbc;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A row of the orders table, for Spring Data JDBC.
 *
 * @param id generated id
 * @param customerId the shard key
 * @param amount the amount
 * @param note a note
 */
@Table("orders")
public record OrderRow(@Id Long id, long customerId, long amount, String note) {
}
