package org.swf.testbed.port;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Keeps the record of every workflow execution: who ran what, with which parameters, how it
 * ended and what it sent. Shared by every process of a testbed home (runner, CLI, agent
 * manager), so numbers are allocated atomically across processes.
 */
public interface ExecutionStore {

    /**
     * Allocates the next execution number and run number together, atomically even when
     * several processes ask at once.
     *
     * @return the numbers; execution numbers start at 1, run numbers at 100010
     */
    Allocation allocate();

    /**
     * Records a new, running execution.
     *
     * @param execution the execution, with status {@link ExecutionStatus#RUNNING}
     */
    void started(ExecutionRecord execution);

    /**
     * Records how an execution ended.
     *
     * @param executionId the execution
     * @param status how it ended (not RUNNING)
     * @param endedAt when
     * @param messageCounts messages it sent, by type
     * @param failure why it failed, or null
     */
    void finished(String executionId, ExecutionStatus status, Instant endedAt, Map<String, Integer> messageCounts,
            String failure);

    /**
     * @param executionId an execution id
     * @return its record, if there is one
     */
    Optional<ExecutionRecord> find(String executionId);

    /**
     * @param limit how many at most
     * @return the most recent executions, newest first
     */
    List<ExecutionRecord> recent(int limit);

    /**
     * Marks every running execution whose runner is gone as failed, with an end time, so that no
     * execution stays "running" after its runner died.
     *
     * @param runnerAlive tells whether the runner of an execution still runs
     * @return the executions marked failed
     */
    List<ExecutionRecord> failAbandoned(Predicate<ExecutionRecord> runnerAlive);

    /**
     * Numbers for one new execution.
     *
     * @param executionNumber the sequence number in the execution id
     * @param runNumber the run number
     */
    record Allocation(long executionNumber, long runNumber) {
    }
}
