package dev.shardline.it.jdbc;

import dev.shardline.annotation.ReadOnly;
import dev.shardline.annotation.ShardKey;

/** Annotations on an interface the bean implements; the implementation has none. */
public interface RoutedStore {

	@ReadOnly
	long serverIdForRead(@ShardKey long customerId);

	long serverIdForWrite(@ShardKey long customerId);

}
