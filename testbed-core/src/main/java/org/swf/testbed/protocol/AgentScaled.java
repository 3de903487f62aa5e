package org.swf.testbed.protocol;

import java.util.List;

/**
 * The reply to {@link ScaleAgent}: what the host changed.
 *
 * @param started the copies it started, now ready
 * @param stopped the copies it stopped
 */
public record AgentScaled(List<String> started, List<String> stopped) {

    /** Copies the lists; a reply without one has none. */
    public AgentScaled {
        started = started == null ? List.of() : List.copyOf(started);
        stopped = stopped == null ? List.of() : List.copyOf(stopped);
    }
}
