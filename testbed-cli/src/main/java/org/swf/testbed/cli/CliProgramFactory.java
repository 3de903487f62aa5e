package org.swf.testbed.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.swf.testbed.ConfigException;
import org.swf.testbed.access.BrokerPorts;
import org.swf.testbed.agents.BuiltInAgents;
import org.swf.testbed.config.AgentLaunch;
import org.swf.testbed.config.AgentSpec;
import org.swf.testbed.config.ConfigLocator;
import org.swf.testbed.config.TestbedConfig;
import org.swf.testbed.orchestrator.ProgramFactory;
import org.swf.testbed.port.ProgramRole;
import org.swf.testbed.port.ProgramSpec;

/**
 * Runs the broker, the workflow runner and built-in agents as JVMs of this CLI's own entry
 * points, and other agents as the command or script their config names.
 */
final class CliProgramFactory implements ProgramFactory {

    private static final int JVM_START_SECONDS = 1;

    private final JvmLauncher launcher;

    CliProgramFactory(JvmLauncher launcher) {
        this.launcher = launcher;
    }

    @Override
    public ProgramSpec broker(TestbedConfig config, BrokerPorts ports) {
        return new ProgramSpec(BROKER, ProgramRole.BROKER,
                launcher.brokerCommand(List.of("broker", "--config", config.source().toString(),
                        "--amqp-port", Integer.toString(ports.amqpPort()),
                        "--stomp-port", Integer.toString(ports.stompPort()))), config.home(),
                Map.of(ConfigLocator.CONFIG_VARIABLE, config.source().toString()), JVM_START_SECONDS, true);
    }

    @Override
    public ProgramSpec workflowRunner(TestbedConfig config) {
        return jvm(config, WORKFLOW_RUNNER, ProgramRole.RUNNER,
                List.of("workflow-runner", "--config", config.source().toString()));
    }

    @Override
    public ProgramSpec agent(TestbedConfig config, AgentSpec agent) {
        String name = ProgramFactory.agentProgram(agent.key());
        Optional<String> builtIn = builtInType(config, agent);
        List<String> command;
        if (builtIn.isPresent()) {
            command = launcher.command(List.of("agent", builtIn.get(), "--config", config.source().toString()));
        } else if (agent.launch() instanceof AgentLaunch.Command given) {
            command = given.argv();
        } else if (agent.launch() instanceof AgentLaunch.Script script) {
            Path path = config.home().resolve(script.path()).normalize();
            String file = path.getFileName().toString();
            command = file.endsWith(".py") ? List.of("python3", "-u", path.toString())
                    : file.endsWith(".sh") ? List.of("bash", path.toString()) : List.of(path.toString());
        } else {
            AgentLaunch.BuiltIn unknown = (AgentLaunch.BuiltIn) agent.launch();
            throw new ConfigException(where(config, agent) + ": there is no built-in agent '" + unknown.type()
                    + "'. Built-in agents: " + String.join(", ", BuiltInAgents.types())
                    + ". Set type to one of them, or give command = [...] or script = \"...\" to run your own");
        }
        Map<String, String> environment = new LinkedHashMap<>(agent.environment());
        environment.put(ConfigLocator.CONFIG_VARIABLE, config.source().toString());
        try {
            return new ProgramSpec(name, ProgramRole.AGENT, command, config.home(), environment, agent.startSeconds(),
                    agent.autoRestart());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where(config, agent) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean sendsHeartbeats(AgentSpec agent) {
        return agent.launch() instanceof AgentLaunch.BuiltIn
                || agent.launch() instanceof AgentLaunch.Script script
                && BuiltInAgents.forOriginalScript(Path.of(script.path()).getFileName().toString()).isPresent();
    }

    /**
     * The built-in agent an agent table means: its type, or the original example script it
     * names when that script is not present (the original's configs name
     * {@code example_agents/example_data_agent.py}, which our data agent replaces).
     */
    private static Optional<String> builtInType(TestbedConfig config, AgentSpec agent) {
        if (agent.launch() instanceof AgentLaunch.BuiltIn builtIn) {
            return BuiltInAgents.create(builtIn.type()).isPresent() ? Optional.of(builtIn.type()) : Optional.empty();
        }
        if (agent.launch() instanceof AgentLaunch.Script script) {
            Path path = config.home().resolve(script.path()).normalize();
            if (Files.isRegularFile(path)) {
                return Optional.empty();
            }
            Optional<String> replacement = BuiltInAgents.forOriginalScript(path.getFileName().toString());
            if (replacement.isEmpty()) {
                throw new ConfigException(where(config, agent) + ": script " + script.path() + " not found (looked for "
                        + path + "). Fix the path, or remove script to run the built-in agent");
            }
            return replacement;
        }
        return Optional.empty();
    }

    private ProgramSpec jvm(TestbedConfig config, String name, ProgramRole role, List<String> arguments) {
        return new ProgramSpec(name, role, launcher.command(arguments), config.home(),
                Map.of(ConfigLocator.CONFIG_VARIABLE, config.source().toString()), JVM_START_SECONDS, true);
    }

    private static String where(TestbedConfig config, AgentSpec agent) {
        Path source = config.source();
        String shown = source.startsWith(config.home()) ? config.home().relativize(source).toString() : source.toString();
        return shown + ": [agents." + agent.key() + "]";
    }
}
