package dev.shardline.move;

/**
 * What {@link RowCopier#catchUpAndVerify} did: the catch-up's changes and the verification
 * that followed.
 *
 * @param catchUp what the catch-up changed on the target
 * @param verification the key's rows, found identical on both servers
 */
public record FinalSync(CatchUp catchUp, Verification verification) {
}
