package dev.shardline.move;

/**
 * What {@link RowCopier#catchUp} changed on the target.
 *
 * @param inserted rows that were missing on the target and were copied
 * @param replaced rows that differed and were replaced by the source's
 * @param deleted rows that existed only on the target and were deleted (including changed rows
 * that vanished from the source while they were being copied)
 */
public record CatchUp(long inserted, long replaced, long deleted) {

	/**
	 * Whether anything changed.
	 * @return whether any row was inserted, replaced or deleted
	 */
	public boolean changedAnything() {
		return this.inserted + this.replaced + this.deleted > 0;
	}

}
