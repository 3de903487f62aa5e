package org.swf.testbed.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.swf.testbed.access.BrokerAccess;
import org.swf.testbed.access.BrokerHold;
import org.swf.testbed.agentmanager.AgentManager;
import org.swf.testbed.agentmanager.AgentManagerDaemon;
import org.swf.testbed.agentmanager.ManagerLock;
import org.swf.testbed.config.BrokerSettings;
import org.swf.testbed.heartbeat.MonitorClient;
import org.swf.testbed.messaging.JmsMessageBusFactory;
import org.swf.testbed.orchestrator.BrokerStart;
import org.swf.testbed.orchestrator.Orchestrator;
import org.swf.testbed.orchestrator.ProgramFactory;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.port.BrokerEndpoint;
import org.swf.testbed.util.OsUser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code testbed agent-manager}: the per-user daemon behind the MCP tools, in the foreground
 * ({@code nohup testbed agent-manager &} puts it in the background).
 */
@Command(name = "agent-manager", mixinStandardHelpOptions = true,
        description = {"Run the per-user agent manager in the foreground: it serves /queue/testbed.USER.control"
                + " (start_testbed, stop_testbed, status, ping, logs) for the MCP tools, answers every command,"
                + " and sends heartbeats (every 30 s, at once on SIGUSR1, EXITED on shutdown).",
            "It uses the broker of the default config; when that is the embedded broker and none is running, it"
                + " starts it as the supervised program 'broker', and holds it: 'testbed stop-agents' and"
                + " stop_testbed then stop the agents and leave the broker running, and a manager that stops"
                + " leaves the broker to the agents (or stops it, when nothing else runs). It reconnects to the"
                + " broker forever."})
final class AgentManagerCommand implements Callable<Integer> {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final HomeServices home;

    @Spec
    private CommandSpec spec;

    @Mixin
    private BrokerConfigOption config;

    @Option(names = "--heartbeat-seconds", paramLabel = "SECONDS", description = "Heartbeat interval (default"
            + " $TESTBED_HEARTBEAT_SECONDS, else 30).")
    private Long heartbeatSeconds;

    AgentManagerCommand(HomeServices home) {
        this.home = home;
    }

    @Override
    public Integer call() throws InterruptedException {
        // Before connecting, which may wait for the broker forever: a bad TESTBED_HEARTBEAT_SECONDS fails now.
        Duration interval = interval();
        String user = OsUser.name();
        Destinations.agentManagerControl(user);
        String host = home.environment().hostName();
        // First, before a broker is started or a connection made: a second manager of the user here
        // leaves at once, naming the first.
        try (ManagerLock lock = ManagerLock.acquire(Path.of(System.getProperty("user.home"), ".testbed"), user,
                host)) {
            BrokerSettings broker = config.brokerSettings(home.configLocator());
            BrokerAccess access = home.brokerAccess();
            JmsMessageBusFactory buses = new JmsMessageBusFactory();
            Orchestrator orchestrator = home.orchestrator();
            List<AutoCloseable> owned = broker.embedded() ? List.of(holdBroker(orchestrator)) : List.of();
            BrokerEndpoint endpoint = access.endpoint(broker);
            AgentManagerDaemon daemon = new AgentManagerDaemon(user, host,
                    () -> buses.connectReconnecting(endpoint, "agent-manager-" + user, CONNECT_TIMEOUT),
                    bus -> new AgentManager(user, orchestrator, bus, new JsonCodec(), interval,
                            MonitorClient.fromEnvironment(home.environment()), host),
                    AgentManagerDaemon.Backoff.DEFAULT, AgentManagerDaemon.ProcessEvents.jvm(), owned);
            daemon.run(manager -> spec.commandLine().getErr().println("Agent manager for " + user + " on " + host
                    + " serving /queue/" + manager.hostControlQueue().name() + " and /queue/"
                    + manager.controlQueue().name() + " on " + endpoint.redactedUrl()));
        }
        return ExitCode.OK.code;
    }

    /**
     * Holds this home's broker, then starts it as a supervised program unless it runs (a
     * listener of this user that knows the home's login is taken for it). Held first, so that a
     * stop running meanwhile leaves it. The returned closeable lets go of the hold when the manager
     * stops, and stops the broker too when no program of the testbed uses it.
     */
    private AutoCloseable holdBroker(Orchestrator orchestrator) {
        PrintWriter err = spec.commandLine().getErr();
        BrokerHold hold = orchestrator.holdBroker();
        try {
            BrokerStart start = orchestrator.startBroker(config.name());
            start.notices().forEach(notice -> err.println("testbed: note: " + notice));
            if (start.startedNow()) {
                err.println("Started the embedded broker as the supervised program 'broker': AMQP "
                        + BrokerSettings.embeddedUrl(start.ports().amqpPort()) + ", STOMP 127.0.0.1:"
                        + start.ports().stompPort() + "; its log: " + orchestrator.logFile(ProgramFactory.BROKER));
            }
        } catch (RuntimeException e) {
            hold.close();
            throw e;
        }
        return () -> {
            hold.close();
            List<String> stopped = orchestrator.stopBrokerIfIdle();
            if (!stopped.isEmpty()) {
                err.println("Stopped the embedded broker: no agent uses it");
                err.flush();
            }
        };
    }

    private Duration interval() {
        if (heartbeatSeconds != null) {
            return Duration.ofSeconds(Math.max(1, heartbeatSeconds));
        }
        return home.environment().heartbeatInterval();
    }
}
