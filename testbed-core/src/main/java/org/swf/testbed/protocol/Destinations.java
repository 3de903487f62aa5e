package org.swf.testbed.protocol;

import java.util.regex.Pattern;

/**
 * The one place that names the testbed's broker addresses (DESIGN 3.2).
 *
 * <p>Commands for a workflow runner go to a queue of the runner's own namespace, so that a
 * command for one namespace is never consumed, and dropped, by another namespace's runner.
 */
public final class Destinations {

    /** Workflow broadcasts and agent outputs; the original's {@code /topic/epictopic}. */
    public static final Destination EPICTOPIC = Destination.topic("epictopic");
    /** Heartbeats of every agent and agent manager. */
    public static final Destination HEARTBEATS = Destination.topic("testbed.heartbeat");

    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_.-]+");

    private Destinations() {
    }

    /**
     * @param namespace a testbed namespace
     * @return the queue the namespace's workflow runner consumes
     */
    public static Destination workflowControl(String namespace) {
        return Destination.queue("workflow_control." + requireWord("namespace", namespace));
    }

    /**
     * @param namespace a testbed namespace
     * @return the work queue fast processing puts TF slices on; workers compete for them
     */
    public static Destination sliceQueue(String namespace) {
        return Destination.queue("panda.transformer.slices." + requireWord("namespace", namespace));
    }

    /**
     * @param namespace a testbed namespace
     * @return the queue workers answer slices on, consumed by fast processing
     */
    public static Destination sliceResults(String namespace) {
        return Destination.queue("panda.results.fastprocessing." + requireWord("namespace", namespace));
    }

    /**
     * @param user an OS login name
     * @return the queue that user's agent manager consumes
     */
    public static Destination agentManagerControl(String user) {
        return Destination.queue("testbed." + requireWord("user", user) + ".control");
    }

    /**
     * @param user an OS login name
     * @param host a host's name in the testbed ({@code TESTBED_HOST}, else the machine's)
     * @return the control queue of that user's agent manager on that host, which other hosts of a
     *     testbed spread over several address
     */
    public static Destination agentManagerControl(String user, String host) {
        return Destination.queue("testbed." + requireWord("user", user) + ".control." + requireWord("host", host));
    }

    private static String requireWord(String what, String value) {
        if (value == null || !WORD.matcher(value).matches()) {
            throw new IllegalArgumentException("Invalid " + what + " '" + value
                    + "' for a destination name: use letters, digits, '_', '.' or '-'");
        }
        return value;
    }
}
