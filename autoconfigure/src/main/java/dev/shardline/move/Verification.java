package dev.shardline.move;

/**
 * A key's rows of one table, found identical on source and target by {@link RowCopier#verify}.
 *
 * @param rows the number of rows (the same on both)
 * @param digest a SHA-256 (hex) over every row's primary key and digest in primary-key order,
 * the same on both servers; for logs and reports
 */
public record Verification(long rows, String digest) {
}
