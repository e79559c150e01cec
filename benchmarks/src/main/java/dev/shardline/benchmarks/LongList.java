package dev.shardline.benchmarks;

import java.util.Arrays;

/** A growable array of longs: latencies recorded without boxing on a measured path. Used by one thread. */
public final class LongList {

	private long[] values = new long[4096];

	private int size;

	/**
	 * Appends a value.
	 * @param value the value
	 */
	public void add(long value) {
		if (this.size == this.values.length) {
			this.values = Arrays.copyOf(this.values, this.size * 2);
		}
		this.values[this.size++] = value;
	}

	/**
	 * How many values were added.
	 * @return the count
	 */
	public int size() {
		return this.size;
	}

	/**
	 * Copies the values added, in order, into an array.
	 * @param into the array
	 * @param at where the first value goes
	 * @return the index after the last value copied
	 */
	public int copyInto(long[] into, int at) {
		System.arraycopy(this.values, 0, into, at, this.size);
		return at + this.size;
	}

}
