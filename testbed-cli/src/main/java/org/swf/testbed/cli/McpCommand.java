package org.swf.testbed.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.swf.testbed.mcp.McpServerSettings;
import org.swf.testbed.mcp.TestbedMcpServer;
import org.swf.testbed.messaging.BusOptions;
import org.swf.testbed.messaging.JmsMessageBusFactory;
import org.swf.testbed.port.BrokerEndpoint;
import org.swf.testbed.supervisor.SupervisorLayout;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code testbed mcp}: the MCP server over stdio, for an AI assistant's MCP client to launch. Its
 * tools reach the user's agent manager and the workflow runners over the broker.
 */
@Command(name = "mcp", mixinStandardHelpOptions = true,
        description = {"Run the testbed's MCP server on stdin/stdout until stdin closes: tools check_agent_manager,"
                + " start_user_testbed, stop_user_testbed, start_workflow, stop_workflow, get_testbed_status,"
                + " list_agents and tail_agent_log, which talk to the user's agent manager (testbed agent-manager)"
                + " and the workflow runners over the broker. The home's program logs are resources"
                + " testbed://logs/PROGRAM; start_user_testbed and stop_user_testbed report progress.",
            "stdout carries only JSON-RPC; logs go to stderr. Configure an MCP client with the command"
                + " 'testbed' and the arguments '--home HOME mcp' (and '--broker-url URL' when the broker is not the"
                + " default config's); docs/mcp.md has the registration for common clients."})
final class McpCommand implements Callable<Integer> {

    private final HomeServices home;

    @Spec
    private CommandSpec spec;

    @Option(names = "--broker-url", paramLabel = "URL", description = "Broker to use, e.g. amqp://127.0.0.1:5672"
            + " (default: the [broker] of the config, else amqp://127.0.0.1:5672).")
    private String brokerUrl;

    @Mixin
    private BrokerConfigOption config;

    @Option(names = "--any-user", description = "Let tools address other users' agent managers (username). Only for"
            + " a shared broker whose authorization keeps each user to their own queues (see docs/security.md);"
            + " by default this server acts for the user who runs it alone.")
    private boolean anyUser;

    McpCommand(HomeServices home) {
        this.home = home;
    }

    @Override
    public Integer call() {
        BrokerEndpoint broker = brokerUrl != null ? home.brokerAccess().external(brokerUrl, null)
                : home.brokerAccess().endpoint(config.brokerSettings(home.configLocator()));
        try {
            BusOptions.of(broker.url(), "mcp");
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        McpServerSettings settings = McpServerSettings.of(broker, BuildInfo.ofThisBuild().version())
                .withOtherUsers(anyUser).withLogDirectory(SupervisorLayout.forHome(home.home()).logDir());
        PrintStream protocol = System.out;
        // stdout is the JSON-RPC channel, and one stray line from anything else (a library printing a
        // notice) would break the client's session: for the session, System.out is stderr, and only
        // the transport writes to the real stdout.
        System.setOut(System.err);
        try (TestbedMcpServer server = new TestbedMcpServer(new JmsMessageBusFactory(), settings)) {
            server.serve(System.in, protocol);
        } finally {
            System.setOut(protocol);
        }
        return ExitCode.OK.code;
    }
}
