package org.swf.testbed.cli;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import org.swf.testbed.TestbedTimeoutException;
import org.swf.testbed.agents.Agent;
import org.swf.testbed.agents.AgentIdentity;
import org.swf.testbed.agents.AgentRuntime;
import org.swf.testbed.config.TestbedConfig;
import org.swf.testbed.config.TestbedConfigReader;
import org.swf.testbed.config.TestbedEnvironment;
import org.swf.testbed.heartbeat.MonitorClient;
import org.swf.testbed.lifecycle.ShutdownBudget;
import org.swf.testbed.messaging.JmsMessageBusFactory;
import org.swf.testbed.port.BrokerEndpoint;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.util.Await;

/**
 * Runs one agent in this JVM until SIGTERM (supervisord's stop signal here): connects with
 * automatic reconnection, starts the agent runtime, and on the signal lets it send its exit
 * heartbeat before the process ends. (SIGQUIT, which the original's supervisord config sends,
 * cannot be caught by Java code: HotSpot keeps it for thread dumps, and -Xrs, which frees it,
 * also stops SIGTERM from running shutdown hooks. So the generated config sends TERM.)
 */
final class AgentHost {

    private static final System.Logger LOG = System.getLogger(AgentHost.class.getName());

    /**
     * How long an agent waits for its broker to listen before it connects: {@code testbed run}
     * starts the agents with a new broker, not after it, so their JVMs start while it does.
     */
    private static final Duration BROKER_START_WAIT = Duration.ofSeconds(60);

    private final HomeServices home;

    /** @param home the home the agent belongs to, and the process environment */
    AgentHost(HomeServices home) {
        this.home = home;
    }

    /**
     * @param configFile the testbed config the agent belongs to, or null for the default one
     * @param agentFactory makes the agent from the loaded config
     * @return the exit code once the agent has shut down
     */
    int run(Path configFile, Function<TestbedConfig, Agent> agentFactory) throws InterruptedException {
        TestbedEnvironment environment = home.environment();
        // Before anything starts: a bad value fails the start, naming the variable, where supervisord shows it.
        Duration heartbeat = environment.heartbeatInterval();
        TestbedConfigReader reader = new TestbedConfigReader(home.configLocator());
        TestbedConfig config = configFile == null ? reader.read((String) null) : reader.read(configFile);
        Agent agent = agentFactory.apply(config);
        String program = environment.program().orElse(agent.agentType().toLowerCase(Locale.ROOT));
        AgentIdentity identity = AgentIdentity.ofThisProcess(agent.agentType(), config.namespace(), program,
                environment.hostName());
        BrokerEndpoint broker = home.brokerAccess().endpoint(config.broker());
        // supervisord sends SIGKILL SUPERVISOR_GRACE after SIGTERM (stopwaitsecs): the budget is well inside it.
        ShutdownBudget budget = ShutdownBudget.STANDARD;
        awaitListening(broker, BROKER_START_WAIT);
        MessageBus bus = new JmsMessageBusFactory(budget.busClose()).connectReconnecting(broker,
                identity.instanceName(), Duration.ofSeconds(10));
        AgentRuntime runtime = new AgentRuntime(identity, bus, agent, new JsonCodec(), heartbeat,
                MonitorClient.fromEnvironment(environment, budget.monitorFlush()), budget);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            boolean connected = bus.isConnected();
            runtime.close();
            LOG.log(Level.INFO, "{0} exited (EXITED heartbeat {1})", identity.instanceName(),
                    connected ? "sent" : "not sent: broker unreachable");
        }, "agent-shutdown"));
        runtime.start();
        runtime.awaitShutdown();
        return ExitCode.OK.code;
    }

    /**
     * Waits until something accepts TCP connections at the broker's address, or {@code timeout}
     * passed; then the client library connects (and says why, when it cannot). Without this, its
     * reconnect back-off (doubling up to 5 s) could make an agent started next to its broker
     * wait seconds after the broker listens. Failover URLs and unparseable ones are left to the
     * client library.
     */
    private static void awaitListening(BrokerEndpoint broker, Duration timeout) {
        InetSocketAddress address;
        try {
            URI uri = new URI(broker.url());
            if (uri.getHost() == null || uri.getPort() < 0) {
                return;
            }
            address = new InetSocketAddress(uri.getHost(), uri.getPort());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return;
        }
        try {
            Await.until("the broker to listen at " + address, timeout, () -> {
                try (Socket probe = new Socket()) {
                    probe.connect(address, (int) Duration.ofSeconds(1).toMillis());
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (TestbedTimeoutException e) {
            // The client library tries anyway, and says why it cannot connect.
        }
    }
}
