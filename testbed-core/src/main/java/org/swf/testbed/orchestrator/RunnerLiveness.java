package org.swf.testbed.orchestrator;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;
import org.swf.testbed.port.ExecutionRecord;

/**
 * Tells whether the runner of a stored execution still runs: same host, a live process with
 * that pid, and that process started when the runner did (so a new process that reuses the pid
 * does not keep a dead runner's execution "running").
 */
public final class RunnerLiveness implements Predicate<ExecutionRecord> {

    private static final Duration START_TOLERANCE = Duration.ofSeconds(1);

    private final String hostname;

    /** @param hostname this host's name, as runners record it */
    public RunnerLiveness(String hostname) {
        this.hostname = hostname;
    }

    /** @return liveness as seen from this host */
    public static RunnerLiveness ofThisHost() {
        return new RunnerLiveness(localHostname());
    }

    /** @return this host's name, as runners record it */
    public static String localHostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    @Override
    public boolean test(ExecutionRecord execution) {
        if (execution.hostname() != null && !execution.hostname().equals(hostname)) {
            return true; // another host's runner: we cannot tell, so we do not declare it dead
        }
        Optional<ProcessHandle> process = ProcessHandle.of(execution.runnerPid()).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return false;
        }
        Optional<Instant> started = process.get().info().startInstant();
        return execution.runnerStartedAt() == null || started.isEmpty()
                || Duration.between(started.get(), execution.runnerStartedAt()).abs().compareTo(START_TOLERANCE) <= 0;
    }
}
