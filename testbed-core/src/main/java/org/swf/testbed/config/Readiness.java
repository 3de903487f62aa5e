package org.swf.testbed.config;

import java.util.Arrays;
import java.util.Optional;

/**
 * When {@code testbed run} takes an agent for ready ({@code [agents.KEY] ready = "..."}): a
 * command or script that reports heartbeats (over the broker or to the monitor API) is awaited
 * like a built-in agent; one that never does must not hold the start until it times out.
 */
public enum Readiness {

    /** Ready once it reports READY (or PROCESSING) in a heartbeat. */
    HEARTBEAT("heartbeat"),
    /** Ready once supervisord reports it RUNNING. */
    RUNNING("running");

    private final String word;

    Readiness(String word) {
        this.word = word;
    }

    /** @return the word a config uses */
    public String word() {
        return word;
    }

    /**
     * @param word a config's word
     * @return the readiness it names, if any
     */
    public static Optional<Readiness> of(String word) {
        return Arrays.stream(values()).filter(r -> r.word.equals(word)).findFirst();
    }
}
