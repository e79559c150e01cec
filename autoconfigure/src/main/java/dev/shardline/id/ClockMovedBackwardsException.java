package dev.shardline.id;

/**
 * The clock went backwards by more than {@link ShardlineIdGenerator} waits out, so minting
 * an ID could repeat one already handed out.
 */
public class ClockMovedBackwardsException extends dev.shardline.ShardlineException {

	private static final long serialVersionUID = 1L;

	private final long millisBehind;

	/**
	 * Create a new exception.
	 * @param millisBehind how far the clock is behind the last millisecond used for an ID
	 * @param toleranceMillis the largest step back the generator waits out
	 */
	public ClockMovedBackwardsException(long millisBehind, long toleranceMillis) {
		super("The clock moved backwards by " + millisBehind + " ms, more than the " + toleranceMillis
				+ " ms Shardline waits out, so no ID is minted: it could repeat one already handed out."
				+ " Fix the host's time synchronization (let NTP slew the clock rather than step it);"
				+ " IDs are minted again once the clock is past the last millisecond used.");
		this.millisBehind = millisBehind;
	}

	/**
	 * Return how far the clock was behind the last millisecond used for an ID.
	 * @return the step back in milliseconds
	 */
	public long getMillisBehind() {
		return this.millisBehind;
	}

}
