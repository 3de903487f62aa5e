package org.swf.testbed.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.swf.testbed.port.ProgramRole;
import org.swf.testbed.port.ProgramSpec;

/** The names of an agent's copies, read back, and how a further copy is made from the first. */
class ProgramFactoryTest {

    @Test
    void theFirstCopyKeepsTheAgentsProgramNameAndTheOthersAreNumbered() {
        assertThat(ProgramFactory.agentProgram("worker", 1)).isEqualTo("worker-agent");
        assertThat(ProgramFactory.agentProgram("worker", 2)).isEqualTo("worker-agent-2");
        assertThat(ProgramFactory.agentProgram("worker", 64)).isEqualTo("worker-agent-64");
        assertThatThrownBy(() -> ProgramFactory.agentProgram("worker", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aProgramNameTellsItsAgentAndCopyEvenWhenTheKeyLooksLikeACopy() {
        for (String key : List.of("worker", "w-agent-2", "a-agent", "x_1", "2")) {
            for (int replica : List.of(1, 2, 10, 64)) {
                assertThat(ProgramFactory.agentCopyOf(ProgramFactory.agentProgram(key, replica)))
                        .as("%s copy %d", key, replica).hasValue(new ProgramFactory.AgentCopy(key, replica));
            }
        }
        assertThat(ProgramFactory.agentCopyOf(ProgramFactory.BROKER)).isEmpty();
        assertThat(ProgramFactory.agentCopyOf(ProgramFactory.WORKFLOW_RUNNER)).isEmpty();
        assertThat(ProgramFactory.agentCopyOf("worker-agent-1")).as("the first copy has no number").isEmpty();
        assertThat(ProgramFactory.agentCopyOf("worker-agent-02")).isEmpty();
    }

    @Test
    void aFurtherCopyRunsTheFirstOnesCommandUnderItsOwnNameOutsideTheAgentsGroup() {
        ProgramSpec first = new ProgramSpec("worker-agent", ProgramRole.AGENT, List.of("java", "agent", "worker"),
                Path.of("/home/t"), Map.of("SLICE_PROCESSING_MILLIS", "50"), 2, false);

        ProgramSpec third = ProgramFactory.replicaOf(first, 3);

        assertThat(third).isEqualTo(new ProgramSpec("worker-agent-3", ProgramRole.REPLICA, first.command(),
                first.directory(), first.environment(), 2, false));
        assertThatThrownBy(() -> ProgramFactory.replicaOf(first, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProgramFactory.replicaOf(third, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not the program of an agent's first copy");
    }
}
