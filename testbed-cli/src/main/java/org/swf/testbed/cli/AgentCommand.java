package org.swf.testbed.cli;

import java.util.concurrent.Callable;
import org.swf.testbed.ConfigException;
import org.swf.testbed.agents.BuiltInAgents;
import org.swf.testbed.config.TestbedEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code testbed agent TYPE}: one built-in agent, as supervisord runs it. */
@Command(name = "agent", hidden = true, mixinStandardHelpOptions = true,
        description = "Run a built-in agent in the foreground (supervisord runs this).")
final class AgentCommand implements Callable<Integer> {

    private final AgentHost host;
    private final TestbedEnvironment environment;

    @Parameters(index = "0", paramLabel = "TYPE", description = "Built-in agent type, e.g. data.")
    private String type;

    @Mixin
    private ProgramConfigOption config;

    AgentCommand(AgentHost host, TestbedEnvironment environment) {
        this.host = host;
        this.environment = environment;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (BuiltInAgents.create(type).isEmpty()) {
            throw new ConfigException("There is no built-in agent '" + type + "'. Built-in agents: "
                    + String.join(", ", BuiltInAgents.types()));
        }
        // The agent reads its parameters from the config it runs in, and its process environment.
        return host.run(config.file(), testbed -> BuiltInAgents.create(type, testbed, environment).orElseThrow());
    }
}
