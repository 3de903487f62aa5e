package org.swf.testbed.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.swf.testbed.ConfigException;
import org.swf.testbed.agents.BuiltInAgents;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code testbed agent TYPE}: one built-in agent, as supervisord runs it. */
@Command(name = "agent", hidden = true, mixinStandardHelpOptions = true,
        description = "Run a built-in agent in the foreground (supervisord runs this).")
final class AgentCommand implements Callable<Integer> {

    @ParentCommand
    private TestbedCli cli;

    @Parameters(index = "0", paramLabel = "TYPE", description = "Built-in agent type, e.g. data.")
    private String type;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The testbed config file.")
    private Path config;

    @Override
    public Integer call() throws InterruptedException {
        if (BuiltInAgents.create(type).isEmpty()) {
            throw new ConfigException("There is no built-in agent '" + type + "'. Built-in agents: "
                    + String.join(", ", BuiltInAgents.types()));
        }
        // The agent reads its parameters from the config it runs in, and its process environment.
        return AgentHost.run(cli.home(), config, cli.environment(),
                testbed -> BuiltInAgents.create(type, testbed, cli.environment()).orElseThrow());
    }
}
