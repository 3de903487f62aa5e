package org.swf.testbed.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.swf.testbed.access.BrokerAccess;
import org.swf.testbed.access.BrokerPorts;
import org.swf.testbed.agentmanager.AgentManager;
import org.swf.testbed.agentmanager.AgentManagerDaemon;
import org.swf.testbed.agentmanager.ManagerLock;
import org.swf.testbed.broker.EmbeddedBroker;
import org.swf.testbed.config.BrokerSettings;
import org.swf.testbed.heartbeat.HeartbeatSender;
import org.swf.testbed.heartbeat.MonitorClient;
import org.swf.testbed.messaging.JmsMessageBusFactory;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.port.BrokerEndpoint;
import org.swf.testbed.util.ListeningSockets;
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
                + " runs one itself. It reconnects to the broker forever."})
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
        String host = HeartbeatSender.localHostname();
        // First, before a broker is started or a connection made: a second manager of the user here
        // leaves at once, naming the first.
        try (ManagerLock lock = ManagerLock.acquire(Path.of(System.getProperty("user.home"), ".testbed"), user,
                host)) {
            BrokerSettings broker = config.brokerSettings(home.configLocator());
            BrokerAccess access = home.brokerAccess();
            JmsMessageBusFactory buses = new JmsMessageBusFactory();
            EmbeddedBroker ownBroker = broker.embedded() ? startBrokerIfNone(broker, access) : null;
            BrokerEndpoint endpoint = access.endpoint(broker);
            AgentManagerDaemon daemon = new AgentManagerDaemon(user,
                    () -> buses.connectReconnecting(endpoint, "agent-manager-" + user, CONNECT_TIMEOUT),
                    bus -> new AgentManager(user, home.orchestrator(), bus, new JsonCodec(), interval,
                            MonitorClient.fromEnvironment(home.environment()), host),
                    AgentManagerDaemon.Backoff.DEFAULT, AgentManagerDaemon.ProcessEvents.jvm(),
                    ownBroker == null ? List.of() : List.of(ownBroker));
            daemon.run(manager -> spec.commandLine().getErr().println("Agent manager for " + user + " serving /queue/"
                    + manager.controlQueue().name() + " on " + endpoint.redactedUrl()));
        }
        return ExitCode.OK.code;
    }

    /**
     * Starts this home's broker in this process unless one runs: a listener of this user where the
     * home's broker should be is taken for it (connecting proves it, by the home's login); one of
     * another user never is.
     */
    private EmbeddedBroker startBrokerIfNone(BrokerSettings broker, BrokerAccess access) {
        Optional<BrokerPorts> known = access.homeBroker().knownPorts(broker);
        if (known.isPresent() && !ListeningSockets.free(BrokerSettings.EMBEDDED_HOST, known.get().amqpPort())) {
            OptionalInt owner = ListeningSockets.ownerOf(known.get().amqpPort());
            if (owner.isEmpty() || owner.getAsInt() == OsUser.effectiveUid()) {
                return null;
            }
        }
        EmbeddedBroker started = HomeBrokers.start(access, broker, null, spec.commandLine().getErr());
        spec.commandLine().getErr().println("Started the embedded broker: AMQP " + started.amqpUrl()
                + ", STOMP 127.0.0.1:" + started.stompPort());
        return started;
    }

    private Duration interval() {
        if (heartbeatSeconds != null) {
            return Duration.ofSeconds(Math.max(1, heartbeatSeconds));
        }
        return home.environment().heartbeatInterval();
    }
}
