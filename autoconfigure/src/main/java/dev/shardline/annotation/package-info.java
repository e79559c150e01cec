/**
 * The annotations users put on their code: {@link dev.shardline.annotation.ShardKey} and
 * {@link dev.shardline.annotation.ReadOnly}.
 */
package dev.shardline.annotation;
