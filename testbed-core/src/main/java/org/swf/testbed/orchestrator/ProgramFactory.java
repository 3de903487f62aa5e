package org.swf.testbed.orchestrator;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.swf.testbed.access.BrokerPorts;
import org.swf.testbed.config.AgentSpec;
import org.swf.testbed.config.Readiness;
import org.swf.testbed.config.TestbedConfig;
import org.swf.testbed.port.ProgramRole;
import org.swf.testbed.port.ProgramSpec;

/**
 * Turns a testbed config into supervised programs. Core cannot implement it: only the front end
 * knows how to launch this project's own JVM entry points (java binary, class path). The standard
 * one is testbed-cli's {@code org.swf.testbed.cli.StandardPrograms}, which the CLI, the agent
 * manager and embedding JVM tools use.
 */
public interface ProgramFactory {

    /** Name of the embedded broker's program. */
    String BROKER = "broker";
    /** Name of the workflow runner's program. */
    String WORKFLOW_RUNNER = "workflow-runner";

    /** The suffix that makes an agent key a program name. */
    String AGENT_SUFFIX = "-agent";
    /**
     * An agent's program name, as {@link #agentProgram(String, int)} makes it. The key goes as far
     * as it can: {@code a-agent-2-agent} is the first copy of {@code a-agent-2}.
     */
    Pattern AGENT_PROGRAM = Pattern.compile("(.+)" + AGENT_SUFFIX + "(?:-([2-9]|[1-9][0-9]{1,2}))?");

    /**
     * @param config the testbed config
     * @param ports where the home's embedded broker is to listen
     * @return the embedded broker's program; its login reaches it through the environment
     */
    ProgramSpec broker(TestbedConfig config, BrokerPorts ports);

    /**
     * @param config the testbed config
     * @return the workflow runner's program
     */
    ProgramSpec workflowRunner(TestbedConfig config);

    /**
     * @param config the testbed config
     * @param agent one of its agents
     * @return the agent's program
     * @throws org.swf.testbed.ConfigException when the agent cannot be run as configured (unknown
     *     built-in type, missing script)
     */
    ProgramSpec agent(TestbedConfig config, AgentSpec agent);

    /**
     * @param agent an agent
     * @return whether the agent sends heartbeats on our heartbeat topic, so its readiness can be
     *     awaited (built-in agents do; foreign commands may not)
     */
    boolean sendsHeartbeats(AgentSpec agent);

    /**
     * @param agent an agent
     * @return whether a start waits for its READY heartbeat: as its table's {@code ready} says,
     *     else when it sends heartbeats; otherwise it is ready once supervisord runs it
     */
    default boolean readyByHeartbeat(AgentSpec agent) {
        return agent.ready() != null ? agent.ready() == Readiness.HEARTBEAT : sendsHeartbeats(agent);
    }

    /**
     * Whether an agent may run as several copies. Copies share the agent's subscriptions: copies of
     * a queue consumer share its messages, but each copy of a topic subscriber gets every message,
     * and acts on it once per copy.
     *
     * @param config the testbed config
     * @param agent one of its agents
     * @return why the agent cannot run as several copies, or empty when it can
     */
    default Optional<String> whyNotReplicable(TestbedConfig config, AgentSpec agent) {
        return Optional.empty();
    }

    /**
     * @param agentKey an agent key
     * @return the agent's program name (that of its first copy)
     */
    static String agentProgram(String agentKey) {
        return agentKey + AGENT_SUFFIX;
    }

    /**
     * @param agentKey an agent key
     * @param replica which copy, from 1
     * @return the program name of that copy: the agent's program name for the first, that name
     *     and {@code -N} for the N-th, so copies come and go without renaming the first
     */
    static String agentProgram(String agentKey, int replica) {
        if (replica < 1) {
            throw new IllegalArgumentException("replica " + replica + " of agent '" + agentKey
                    + "': copies count from 1");
        }
        return replica == 1 ? agentProgram(agentKey) : agentProgram(agentKey) + "-" + replica;
    }

    /**
     * @param first the program of an agent's first copy
     * @param replica which further copy, from 2
     * @return that copy's program: the first one's command, directory, environment and restart
     *     rules under a name of its own (supervisord tells each program its name, which its
     *     heartbeats carry)
     */
    static ProgramSpec replicaOf(ProgramSpec first, int replica) {
        AgentCopy copy = agentCopyOf(first.name()).filter(c -> c.replica() == 1).orElseThrow(
                () -> new IllegalArgumentException("'" + first.name()
                        + "' is not the program of an agent's first copy"));
        if (replica < 2) {
            throw new IllegalArgumentException("replica " + replica + " of '" + first.name()
                    + "': further copies count from 2");
        }
        return new ProgramSpec(agentProgram(copy.agentKey(), replica), ProgramRole.REPLICA, first.command(),
                first.directory(), first.environment(), first.startSeconds(), first.autoRestart());
    }

    /**
     * @param program a program name
     * @return the agent key and copy the program runs, or empty for a program that runs no agent
     *     (the broker, the workflow runner)
     */
    static Optional<AgentCopy> agentCopyOf(String program) {
        Matcher matcher = AGENT_PROGRAM.matcher(program);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        String replica = matcher.group(2);
        return Optional.of(new AgentCopy(matcher.group(1), replica == null ? 1 : Integer.parseInt(replica)));
    }

    /**
     * One copy of an agent.
     *
     * @param agentKey the agent's key
     * @param replica which copy, from 1
     */
    record AgentCopy(String agentKey, int replica) {
    }
}
