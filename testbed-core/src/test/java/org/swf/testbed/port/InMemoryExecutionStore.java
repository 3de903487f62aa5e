package org.swf.testbed.port;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** An {@link ExecutionStore} in memory, for unit tests; one instance stands for one database. */
public final class InMemoryExecutionStore implements ExecutionStore {

    private final Map<String, ExecutionRecord> executions = new LinkedHashMap<>();
    private long execution;
    private long run = 100009;

    @Override
    public synchronized Allocation allocate() {
        return new Allocation(++execution, ++run);
    }

    @Override
    public synchronized void started(ExecutionRecord record) {
        if (executions.putIfAbsent(record.executionId(), record) != null) {
            throw new IllegalStateException("Execution " + record.executionId() + " exists already");
        }
    }

    @Override
    public synchronized void finished(String executionId, ExecutionStatus status, Instant endedAt,
            Map<String, Integer> messageCounts, String failure) {
        if (status == ExecutionStatus.RUNNING) {
            throw new IllegalArgumentException("An execution cannot finish as running");
        }
        ExecutionRecord r = executions.get(executionId);
        if (r != null) {
            executions.put(executionId, new ExecutionRecord(r.executionId(), r.workflowName(), r.namespace(), r.user(),
                    r.runId(), status, r.startedAt(), endedAt, r.parameters(), messageCounts, r.runnerPid(),
                    r.runnerStartedAt(), r.hostname(), failure));
        }
    }

    @Override
    public synchronized Optional<ExecutionRecord> find(String executionId) {
        return Optional.ofNullable(executions.get(executionId));
    }

    @Override
    public synchronized List<ExecutionRecord> recent(int limit) {
        return executions.values().stream()
                .sorted(Comparator.comparing(ExecutionRecord::startedAt).thenComparing(ExecutionRecord::executionId)
                        .reversed())
                .limit(limit).toList();
    }

    @Override
    public synchronized List<ExecutionRecord> failAbandoned(Predicate<ExecutionRecord> runnerAlive) {
        List<ExecutionRecord> abandoned = new ArrayList<>();
        for (ExecutionRecord r : List.copyOf(executions.values())) {
            if (r.status() == ExecutionStatus.RUNNING && !runnerAlive.test(r)) {
                finished(r.executionId(), ExecutionStatus.FAILED, Instant.now(), r.messageCounts(),
                        "The workflow runner (pid " + r.runnerPid() + ") died while running it");
                abandoned.add(executions.get(r.executionId()));
            }
        }
        return abandoned;
    }
}
