package org.swf.testbed.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.swf.testbed.access.BrokerAccess;
import org.swf.testbed.config.ConfigLocator;
import org.swf.testbed.config.TestbedEnvironment;
import org.swf.testbed.messaging.JmsMessageBusFactory;
import org.swf.testbed.orchestrator.Orchestrator;
import org.swf.testbed.orchestrator.OrchestratorSettings;
import org.swf.testbed.store.SqliteExecutionStore;
import org.swf.testbed.supervisor.SupervisorLayout;
import org.swf.testbed.supervisor.SupervisordProcessSupervisor;

/**
 * The testbed home one invocation works on, and its parts wired to the real adapters: the
 * orchestrator (supervisord, the AMQP broker, JVM programs, SQLite records), broker access and
 * config lookup. picocli makes the commands before it parses {@code --home}, so the commands get
 * this and ask for a part when they run; every part is made on request, for the home chosen then.
 */
final class HomeServices {

    private static final Duration DEFAULT_READINESS = Duration.ofSeconds(60);

    private final TestbedEnvironment environment;
    private final Supplier<Path> homeOption;

    /**
     * @param environment the process environment
     * @param homeOption the {@code --home} the command line gave, or null, once it is parsed
     */
    HomeServices(TestbedEnvironment environment, Supplier<Path> homeOption) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.homeOption = Objects.requireNonNull(homeOption, "homeOption");
    }

    /** @return the process environment the CLI was started with */
    TestbedEnvironment environment() {
        return environment;
    }

    /** @return the testbed home: {@code --home}, else {@code TESTBED_HOME}, else the current directory */
    Path home() {
        Path given = homeOption.get();
        if (given != null) {
            return given.toAbsolutePath().normalize();
        }
        return environment.home().orElseGet(() -> Path.of("").toAbsolutePath());
    }

    /** @return finds this home's configs */
    ConfigLocator configLocator() {
        return new ConfigLocator(home(), environment);
    }

    /** @return the orchestrator of this home, wired to supervisord and the AMQP broker */
    Orchestrator orchestrator() {
        return orchestrator(DEFAULT_READINESS);
    }

    /**
     * @param readinessTimeout how long started programs may take to report READY
     * @return the orchestrator of this home
     */
    Orchestrator orchestrator(Duration readinessTimeout) {
        OrchestratorSettings defaults = OrchestratorSettings.defaults(home(), environment);
        OrchestratorSettings settings = new OrchestratorSettings(defaults.home(), defaults.environment(),
                readinessTimeout, defaults.replyTimeout(), defaults.connectTimeout());
        return new Orchestrator(settings, new SupervisordProcessSupervisor(SupervisorLayout.forHome(home())),
                new JmsMessageBusFactory(), StandardPrograms.ofThisCli(),
                executionStore());
    }

    /** @return how this home's parts reach its broker, and its embedded broker's login and ports */
    BrokerAccess brokerAccess() {
        return new BrokerAccess(stateDirectory(), environment);
    }

    /** @return this home's state directory ({@code .testbed}) */
    Path stateDirectory() {
        return OrchestratorSettings.defaults(home(), environment).stateDirectory();
    }

    /** @return the execution records of this home */
    SqliteExecutionStore executionStore() {
        return new SqliteExecutionStore(stateDirectory().resolve("testbed.db"));
    }
}
