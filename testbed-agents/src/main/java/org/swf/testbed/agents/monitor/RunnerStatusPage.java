package org.swf.testbed.agents.monitor;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What {@code GET /testbed/status/} of the monitor API answers: the workflow runner's status,
 * the same as its reply to {@code status_request}, and whether its broker connection is up. The
 * runner serves it once it is on the broker. {@code testbed status} asks here first: one loopback
 * HTTP request is far cheaper for a short-lived CLI than a broker connection (its client library
 * alone costs more start-up than the rest of the command), and the answer is the same.
 */
public final class RunnerStatusPage {

    /** The field of the page holding the runner's status, as {@code status_request} answers it. */
    public static final String RUNNER = "runner";
    /** The field of the page telling whether the runner's broker connection is up. */
    public static final String BROKER_CONNECTED = "broker_connected";

    private volatile Supplier<Map<String, Object>> source;

    /** @param page computes the page on each request */
    public void serve(Supplier<Map<String, Object>> page) {
        this.source = page;
    }

    /** @return the page now, or empty while the runner is not on the broker */
    Optional<Map<String, Object>> current() {
        Supplier<Map<String, Object>> page = source;
        return page == null ? Optional.empty() : Optional.of(page.get());
    }
}
