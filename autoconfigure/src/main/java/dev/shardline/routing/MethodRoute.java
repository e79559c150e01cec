package dev.shardline.routing;

import org.springframework.expression.Expression;

/**
 * What the annotations of one method (for one target class) ask for. Resolved once and
 * cached.
 */
final class MethodRoute {

	/** Methods without Shardline annotations. */
	static final MethodRoute NONE = new MethodRoute(-1, null, null, false, null, false, "", false);

	final int keyIndex;

	final String keyExpressionText;

	final Expression keyExpression;

	final boolean readOnly;

	final String group;

	/** Whether the method starts its own transaction scope (REQUIRES_NEW, NOT_SUPPORTED, NEVER). */
	final boolean freshTransaction;

	/** The method, for messages. */
	final String description;

	/** Whether the key is a Shardline ID (its shard is in its bits). */
	final boolean shardlineId;

	MethodRoute(int keyIndex, String keyExpressionText, Expression keyExpression, boolean readOnly, String group,
			boolean freshTransaction, String description, boolean shardlineId) {
		this.keyIndex = keyIndex;
		this.keyExpressionText = keyExpressionText;
		this.keyExpression = keyExpression;
		this.readOnly = readOnly;
		this.group = group;
		this.freshTransaction = freshTransaction;
		this.description = description;
		this.shardlineId = shardlineId;
	}

	boolean isRouted() {
		return this.keyIndex >= 0 || this.readOnly;
	}

	boolean isKeyed() {
		return this.keyIndex >= 0;
	}

}
