/**
 * The exact row-copy engine of key moves: preflight checks that a table can be moved, a copy
 * of one key's rows that keeps every value byte for byte, a catch-up that makes the target
 * equal to the source, and a server-side per-row digest that verifies it.
 * <p>
 * Intended sequence per table, with {@link dev.shardline.move.RowCopier}:
 * <ol>
 * <li>{@code preflight(source, target)} before the key is marked: refuses tables that cannot
 * be moved safely and returns the {@link dev.shardline.move.MoveTable};</li>
 * <li>{@code copyAll} while the key is still writable on the source;</li>
 * <li>optionally {@code catchUp} rounds while still writable, to shrink what is left;</li>
 * <li>after the fence (no more writes to the key anywhere): {@code catchUpAndVerify} (or
 * {@code catchUp} then {@code verify}), then flip;</li>
 * <li>{@code deleteAll} on the old owner (or on the target, to roll back).</li>
 * </ol>
 */
package dev.shardline.move;
