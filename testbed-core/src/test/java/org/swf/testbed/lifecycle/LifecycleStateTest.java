package org.swf.testbed.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.swf.testbed.port.DaemonState;
import org.swf.testbed.port.ProgramState;
import org.swf.testbed.port.ProgramStatus;
import org.swf.testbed.port.SupervisorSnapshot;

class LifecycleStateTest {

    @Test
    void followsTheSpecsStateDiagram() {
        LifecycleState state = LifecycleState.STOPPED.next(LifecycleEvent.START_AGENTS);
        assertThat(state).isEqualTo(LifecycleState.STARTING);
        state = state.next(LifecycleEvent.AGENTS_STARTED);
        assertThat(state).isEqualTo(LifecycleState.RUNNING);
        assertThat(state.next(LifecycleEvent.START_WORKFLOW)).isEqualTo(LifecycleState.RUNNING);
        assertThat(state.next(LifecycleEvent.STOP_WORKFLOW)).isEqualTo(LifecycleState.RUNNING);
        state = state.next(LifecycleEvent.STOP_AGENTS);
        assertThat(state).isEqualTo(LifecycleState.STOPPING);
        assertThat(state.next(LifecycleEvent.AGENTS_STOPPED)).isEqualTo(LifecycleState.STOPPED);
        assertThat(LifecycleState.STARTING.next(LifecycleEvent.START_FAILED)).isEqualTo(LifecycleState.STOPPED);
    }

    @Test
    void illegalMovesNameBothStates() {
        assertThatThrownBy(() -> LifecycleState.RUNNING.next(LifecycleEvent.START_AGENTS))
                .isInstanceOf(IllegalLifecycleTransitionException.class)
                .hasMessageContaining("start agents while the testbed is RUNNING")
                .hasMessageContaining("Run 'testbed stop-agents' first");
        assertThatThrownBy(() -> LifecycleState.STOPPED.next(LifecycleEvent.START_WORKFLOW))
                .isInstanceOf(IllegalLifecycleTransitionException.class)
                .hasMessageContaining("STOPPED");
    }

    @Test
    void observedStateComesFromProgramStates() {
        assertThat(LifecycleState.observe(List.of())).isEqualTo(LifecycleState.STOPPED);
        assertThat(LifecycleState.observe(List.of(program(ProgramState.STOPPED), program(ProgramState.FATAL))))
                .isEqualTo(LifecycleState.STOPPED);
        assertThat(LifecycleState.observe(List.of(program(ProgramState.RUNNING), program(ProgramState.RUNNING))))
                .isEqualTo(LifecycleState.RUNNING);
        assertThat(LifecycleState.observe(List.of(program(ProgramState.RUNNING), program(ProgramState.BACKOFF))))
                .isEqualTo(LifecycleState.STARTING);
        assertThat(LifecycleState.observe(List.of(program(ProgramState.ORPHANED))))
                .isEqualTo(LifecycleState.STARTING);
        assertThat(LifecycleState.observe(List.of(program(ProgramState.RUNNING), program(ProgramState.STOPPING))))
                .isEqualTo(LifecycleState.STOPPING);
    }

    private static ProgramStatus program(ProgramState state) {
        return new ProgramStatus("p" + state, state, 1, Duration.ZERO, "");
    }

    @Test
    void aStopBeginsFromWhatTheAnsweringDaemonReports() {
        SupervisorSnapshot running = new SupervisorSnapshot(true, List.of(program(ProgramState.RUNNING)));
        SupervisorSnapshot stopping = new SupervisorSnapshot(true, List.of(program(ProgramState.STOPPING)));

        assertThat(LifecycleState.beginStop(running)).isEqualTo(LifecycleState.STOPPING);
        assertThatThrownBy(() -> LifecycleState.beginStop(stopping))
                .isInstanceOf(IllegalLifecycleTransitionException.class);
    }

    @Test
    void programsThatLookStoppingUnderASilentDaemonNeverBlockAStop() {
        for (DaemonState daemon : List.of(DaemonState.HUNG, DaemonState.SHUTTING_DOWN)) {
            SupervisorSnapshot snapshot = new SupervisorSnapshot(daemon, 4242, "it is stopped",
                    List.of(program(ProgramState.STOPPING), program(ProgramState.STOPPING)));

            assertThat(LifecycleState.observe(snapshot.programs())).isEqualTo(LifecycleState.STOPPING);
            assertThat(LifecycleState.beginStop(snapshot)).as(daemon.name()).isEqualTo(LifecycleState.STOPPING);
        }
    }
}
