package org.swf.testbed.protocol;

import java.util.List;

/**
 * The answer to {@code stop_testbed}: what the agent manager stopped.
 *
 * @param stopped the programs stopped; empty when none ran
 * @param message a sentence for people
 */
public record TestbedStopped(
        List<String> stopped,
        String message) {

    /** Copies the list; a reply without it has none. */
    public TestbedStopped {
        stopped = stopped == null ? List.of() : List.copyOf(stopped);
    }
}
