package org.swf.testbed.orchestrator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.swf.testbed.config.TestbedEnvironment;

/**
 * Where the orchestrator works and how long it waits.
 *
 * @param home the testbed home, holding {@code workflows/}, {@code agents.supervisord.conf} and
 *     {@code logs/}
 * @param environment the caller's environment, for {@code SWF_TESTBED_CONFIG}, an external broker's login
 *     and {@code SWF_HOME}
 * @param readinessTimeout how long started programs may take to report READY
 * @param replyTimeout how long to wait for a command's reply
 * @param connectTimeout how long connecting to the broker may take
 */
public record OrchestratorSettings(Path home, TestbedEnvironment environment, Duration readinessTimeout,
        Duration replyTimeout, Duration connectTimeout) {

    /** Requires everything. */
    public OrchestratorSettings {
        Objects.requireNonNull(home, "home");
        home = home.toAbsolutePath().normalize();
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(readinessTimeout, "readinessTimeout");
        Objects.requireNonNull(replyTimeout, "replyTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
    }

    /**
     * @param home the testbed home
     * @param environment the caller's environment
     * @return settings with the default timeouts (60 s readiness, 5 s replies and connects)
     */
    public static OrchestratorSettings defaults(Path home, TestbedEnvironment environment) {
        return new OrchestratorSettings(home, environment, Duration.ofSeconds(60), Duration.ofSeconds(5),
                Duration.ofSeconds(5));
    }

    /** @return the directory for the testbed's own state (counters, last run) */
    public Path stateDirectory() {
        return home.resolve(".testbed");
    }
}
