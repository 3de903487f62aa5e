package org.swf.testbed.cli;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.swf.testbed.access.BrokerAccess;
import org.swf.testbed.agents.Agent;
import org.swf.testbed.agents.AgentIdentity;
import org.swf.testbed.agents.AgentRuntime;
import org.swf.testbed.config.ConfigLocator;
import org.swf.testbed.config.TestbedConfig;
import org.swf.testbed.config.TestbedConfigReader;
import org.swf.testbed.heartbeat.MonitorClient;
import org.swf.testbed.messaging.JmsMessageBusFactory;
import org.swf.testbed.orchestrator.OrchestratorSettings;
import org.swf.testbed.port.BrokerEndpoint;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.JsonCodec;

/**
 * Runs one agent in this JVM until SIGTERM (supervisord's stop signal here): connects with
 * automatic reconnection, starts the agent runtime, and on the signal lets it send its exit
 * heartbeat before the process ends. (SIGQUIT, which the original's supervisord config sends,
 * cannot be caught by Java code: HotSpot keeps it for thread dumps, and -Xrs, which frees it,
 * also stops SIGTERM from running shutdown hooks. So the generated config sends TERM.)
 */
final class AgentHost {

    private static final System.Logger LOG = System.getLogger(AgentHost.class.getName());
    private static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(30);

    private AgentHost() {
    }

    /**
     * @param home the testbed home
     * @param configFile the testbed config the agent belongs to
     * @param environment the process environment
     * @param agentFactory makes the agent from the loaded config
     * @return the exit code once the agent has shut down
     */
    static int run(Path home, Path configFile, Map<String, String> environment,
            java.util.function.Function<TestbedConfig, Agent> agentFactory) throws InterruptedException {
        ConfigLocator locator = new ConfigLocator(home, environment);
        TestbedConfig config = new TestbedConfigReader(locator).read(configFile);
        Agent agent = agentFactory.apply(config);
        String program = environment.getOrDefault("TESTBED_PROGRAM", agent.agentType().toLowerCase(java.util.Locale.ROOT));
        AgentIdentity identity = AgentIdentity.ofThisProcess(agent.agentType(), config.namespace(), program);
        BrokerEndpoint broker = new BrokerAccess(OrchestratorSettings.defaults(home, environment).stateDirectory(),
                environment).endpoint(config.broker());
        MessageBus bus = new JmsMessageBusFactory().connectReconnecting(broker, identity.instanceName(),
                Duration.ofSeconds(10));
        AgentRuntime runtime = new AgentRuntime(identity, bus, agent, new JsonCodec(), heartbeatInterval(environment),
                MonitorClient.fromEnvironment(environment));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            boolean connected = bus.isConnected();
            runtime.close();
            // java.util.logging may already be shut down here, so this line goes to stderr directly.
            System.err.println(java.time.LocalDateTime.now() + " INFO " + identity.instanceName()
                    + " exited (EXITED heartbeat " + (connected ? "sent" : "not sent: broker unreachable") + ")");
        }, "agent-shutdown"));
        runtime.start();
        runtime.awaitShutdown();
        return ExitCode.OK.code;
    }

    private static Duration heartbeatInterval(Map<String, String> environment) {
        String seconds = environment.get("TESTBED_HEARTBEAT_SECONDS");
        try {
            return seconds == null ? DEFAULT_HEARTBEAT : Duration.ofSeconds(Math.max(1, Long.parseLong(seconds.trim())));
        } catch (NumberFormatException e) {
            LOG.log(Level.WARNING, "Ignoring TESTBED_HEARTBEAT_SECONDS={0}: not a number", seconds);
            return DEFAULT_HEARTBEAT;
        }
    }
}
