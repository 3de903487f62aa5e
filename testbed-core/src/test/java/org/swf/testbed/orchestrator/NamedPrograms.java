package org.swf.testbed.orchestrator;

import java.util.List;
import java.util.Map;
import org.swf.testbed.access.BrokerPorts;
import org.swf.testbed.config.AgentSpec;
import org.swf.testbed.config.TestbedConfig;
import org.swf.testbed.port.ProgramRole;
import org.swf.testbed.port.ProgramSpec;

/**
 * Programs that are names only, for a fake supervisor that runs nothing (or runs agents in the
 * test's own JVM): every agent is taken to send heartbeats.
 */
public final class NamedPrograms implements ProgramFactory {

    private final String marker;

    /** @param marker the first word of every program's command, saying who runs it (e.g. {@code test}) */
    public NamedPrograms(String marker) {
        this.marker = marker;
    }

    @Override
    public ProgramSpec broker(TestbedConfig config, BrokerPorts ports) {
        return spec(BROKER, ProgramRole.BROKER, config);
    }

    @Override
    public ProgramSpec workflowRunner(TestbedConfig config) {
        return spec(WORKFLOW_RUNNER, ProgramRole.RUNNER, config);
    }

    @Override
    public ProgramSpec agent(TestbedConfig config, AgentSpec agent) {
        return spec(ProgramFactory.agentProgram(agent.key()), ProgramRole.AGENT, config);
    }

    @Override
    public boolean sendsHeartbeats(AgentSpec agent) {
        return true;
    }

    private ProgramSpec spec(String name, ProgramRole role, TestbedConfig config) {
        return new ProgramSpec(name, role, List.of(marker, name), config.home(), Map.of(), 0, true);
    }
}
