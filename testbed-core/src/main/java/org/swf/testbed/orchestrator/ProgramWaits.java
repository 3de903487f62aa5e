package org.swf.testbed.orchestrator;

import java.util.List;
import org.swf.testbed.TestbedException;
import org.swf.testbed.port.ProcessSupervisor;
import org.swf.testbed.port.ProgramState;
import org.swf.testbed.port.ProgramStatus;
import org.swf.testbed.util.Await;

/** Waits for programs that were just started, failing as soon as one of them has failed. */
final class ProgramWaits {

    private static final int LOG_TAIL_LINES = 20;

    private final ProcessSupervisor supervisor;
    private final OrchestratorSettings settings;

    ProgramWaits(ProcessSupervisor supervisor, OrchestratorSettings settings) {
        this.supervisor = supervisor;
        this.settings = settings;
    }

    /** Waits until supervisord reports every one of {@code programs} RUNNING: each stayed up for its startsecs. */
    void awaitRunning(List<String> programs) {
        Await.until(String.join(", ", programs) + " to be RUNNING (up for their startsecs)",
                settings.readinessTimeout(), () -> {
                    List<ProgramStatus> now = failIfCrashed(programs);
                    return now.stream().filter(program -> programs.contains(program.name()))
                            .filter(program -> program.state() == ProgramState.RUNNING)
                            .count() == programs.size();
                });
    }

    /**
     * @param awaited programs that were started and should be running
     * @return what the supervisor reports now, when none of {@code awaited} failed
     * @throws TestbedException naming the first that failed, with its log's tail
     */
    List<ProgramStatus> failIfCrashed(List<String> awaited) {
        List<ProgramStatus> programs = supervisor.observe().programs();
        for (ProgramStatus program : programs) {
            if (awaited.contains(program.name()) && (!program.state().isActive() || program.state().isFailing())) {
                throw new TestbedException("Program '" + program.name() + "' failed to start: it is "
                        + program.state() + (program.detail().isEmpty() ? "" : " (" + program.detail() + ")")
                        + " instead of running. See its log: " + supervisor.logFile(program.name())
                        + ". Run 'testbed stop-agents' before trying again", null,
                        supervisor.logTail(program.name(), LOG_TAIL_LINES));
            }
        }
        return programs;
    }
}
