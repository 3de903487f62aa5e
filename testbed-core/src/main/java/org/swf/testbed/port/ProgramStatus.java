package org.swf.testbed.port;

import java.time.Duration;
import java.util.Objects;

/**
 * One program as observed now.
 *
 * @param name program name
 * @param state its process state
 * @param pid its process id, 0 when it has none
 * @param uptime how long it has been running, zero when not running
 * @param detail the supervisor's words for the state (e.g. "Exited too quickly"), or empty
 */
public record ProgramStatus(String name, ProgramState state, long pid, Duration uptime, String detail) {

    /** Requires name and state; defaults uptime and detail. */
    public ProgramStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        uptime = uptime == null ? Duration.ZERO : uptime;
        detail = detail == null ? "" : detail;
    }
}
