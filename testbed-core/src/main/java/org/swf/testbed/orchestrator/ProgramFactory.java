package org.swf.testbed.orchestrator;

import org.swf.testbed.access.BrokerPorts;
import org.swf.testbed.config.AgentSpec;
import org.swf.testbed.config.TestbedConfig;
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
     * @param agentKey an agent key
     * @return the agent's program name
     */
    static String agentProgram(String agentKey) {
        return agentKey + "-agent";
    }
}
