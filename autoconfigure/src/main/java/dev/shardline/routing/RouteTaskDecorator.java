package dev.shardline.routing;

import org.springframework.core.task.TaskDecorator;

/**
 * Carries the submitting thread's route into tasks run by Spring-managed executors (and so
 * {@code @Async} methods), and removes it when the task ends so it never leaks to the next
 * task on a pooled thread.
 */
public final class RouteTaskDecorator implements TaskDecorator {

	@Override
	public Runnable decorate(Runnable runnable) {
		RoutingContext.Snapshot snapshot = RoutingContext.capture();
		if (snapshot == null) {
			return runnable;
		}
		return () -> {
			try (RoutingContext.Scope scope = snapshot.restore()) {
				runnable.run();
			}
		};
	}

}
