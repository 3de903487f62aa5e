package org.swf.testbed.cli;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.access.BrokerAccess;
import org.swf.testbed.access.BrokerPorts;
import org.swf.testbed.agentmanager.AgentManager;
import org.swf.testbed.agents.MonitorClient;
import org.swf.testbed.broker.EmbeddedBroker;
import org.swf.testbed.config.BrokerSettings;
import org.swf.testbed.messaging.JmsMessageBusFactory;
import org.swf.testbed.port.MessageBus;
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

    private static final System.Logger LOG = System.getLogger(AgentManagerCommand.class.getName());
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(30);

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
        BrokerSettings broker = config.brokerSettings(home.configLocator());
        BrokerAccess access = home.brokerAccess();
        JmsMessageBusFactory buses = new JmsMessageBusFactory();
        EmbeddedBroker ownBroker = broker.embedded() ? startBrokerIfNone(broker, access) : null;
        BrokerEndpoint endpoint = access.endpoint(broker);
        CountDownLatch stopping = new CountDownLatch(1);
        MessageBus bus = connectForever(buses, endpoint, user, stopping);
        if (bus == null) {
            return ExitCode.OK.code;
        }
        AgentManager manager = new AgentManager(user, home.orchestrator(), bus, new JsonCodec(), interval,
                MonitorClient.fromEnvironment(home.environment()), hostname());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            manager.close();
            if (ownBroker != null) {
                ownBroker.close();
            }
            System.err.println(java.time.LocalDateTime.now() + " INFO agent manager for " + user + " exited");
        }, "agent-manager-shutdown"));
        installHeartbeatSignal(manager);
        manager.start();
        spec.commandLine().getErr().println("Agent manager for " + user + " serving /queue/"
                + manager.controlQueue().name() + " on " + endpoint.redactedUrl());
        manager.awaitShutdown();
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

    /** Connects, retrying with back-off until it succeeds or the process is asked to stop. */
    private MessageBus connectForever(JmsMessageBusFactory buses, BrokerEndpoint endpoint, String user,
            CountDownLatch stopping)
            throws InterruptedException {
        Thread hook = new Thread(stopping::countDown, "agent-manager-connect-abort");
        Runtime.getRuntime().addShutdownHook(hook);
        Duration wait = Duration.ofSeconds(1);
        try {
            while (true) {
                try {
                    return buses.connectReconnecting(endpoint, "agent-manager-" + user, Duration.ofSeconds(10));
                } catch (ServiceUnavailableException e) {
                    LOG.log(Level.WARNING, "{0} Retrying in {1} s", e.getMessage(), wait.toSeconds());
                    if (stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                        return null;
                    }
                    wait = wait.multipliedBy(2).compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : wait.multipliedBy(2);
                }
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
    }

    private Duration interval() {
        if (heartbeatSeconds != null) {
            return Duration.ofSeconds(Math.max(1, heartbeatSeconds));
        }
        return home.environment().heartbeatInterval();
    }

    @SuppressWarnings("removal")
    private static void installHeartbeatSignal(AgentManager manager) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("USR1"), signal -> manager.heartbeatNow());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.log(Level.WARNING, "SIGUSR1 cannot trigger heartbeats in this JVM: {0}", e.getMessage());
        }
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
