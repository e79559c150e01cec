package dev.shardline.it.slice.datajdbc;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * An order row.
 *
 * @param id generated id
 * @param customerId the shard key
 * @param amount amount
 */
@Table("orders")
public record SliceOrderRow(@Id Long id, long customerId, long amount) {
}
