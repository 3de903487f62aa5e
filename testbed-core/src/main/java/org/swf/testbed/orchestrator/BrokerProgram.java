package org.swf.testbed.orchestrator;

import java.util.List;
import java.util.Optional;
import org.swf.testbed.port.DaemonState;
import org.swf.testbed.port.ProgramState;
import org.swf.testbed.port.ProgramStatus;
import org.swf.testbed.port.SupervisorSnapshot;

/**
 * The home's broker as a supervised program beside the testbed's: once running under an
 * answering supervisord it outlives the agents (a start updates supervisord around it instead of
 * restarting it, and a stop leaves it while the agent manager holds it), so it is not part of the
 * testbed's own lifecycle state.
 */
final class BrokerProgram {

    private BrokerProgram() {
    }

    /**
     * @param snapshot what runs now
     * @return the broker program when it runs under an answering supervisord
     */
    static Optional<ProgramStatus> running(SupervisorSnapshot snapshot) {
        if (snapshot.daemon() != DaemonState.RUNNING) {
            return Optional.empty();
        }
        return snapshot.programs().stream()
                .filter(p -> p.name().equals(ProgramFactory.BROKER) && p.state() == ProgramState.RUNNING).findFirst();
    }

    /**
     * @param snapshot what runs now
     * @return every program but a running broker: what the testbed's lifecycle state is made of
     */
    static List<ProgramStatus> others(SupervisorSnapshot snapshot) {
        Optional<ProgramStatus> broker = running(snapshot);
        return snapshot.programs().stream().filter(p -> broker.isEmpty() || !p.equals(broker.get())).toList();
    }
}
