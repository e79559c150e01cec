package dev.shardline.test;

/**
 * Thrown when no way to start real servers exists on this machine; the message says what to install.
 *
 * <p>Deliberately an error rather than a JUnit assumption: integration tests that silently skip on a CI box
 * without MariaDB would look green while testing nothing.
 */
public class TopologyUnavailableException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** @param message what is missing and how to install it */
    public TopologyUnavailableException(String message) {
        super(message);
    }
}
