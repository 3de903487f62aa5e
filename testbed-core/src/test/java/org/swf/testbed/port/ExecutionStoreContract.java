package org.swf.testbed.port;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What every {@link ExecutionStore} must do; the fake and the SQLite adapter both pass it. */
public abstract class ExecutionStoreContract {

    /** @return a new, empty store */
    protected abstract ExecutionStore newStore();

    private static ExecutionRecord running(String id, Instant start, long pid) {
        return new ExecutionRecord(id, "stf_datataking", "ns", "alice", "100010", ExecutionStatus.RUNNING, start, null,
                Map.of("stf_count", 5, "stf_interval", 2.2), Map.of(), pid, start, "host", null);
    }

    @Test
    void allocatesExecutionAndRunNumbersFromTheOriginalsStartValues() {
        ExecutionStore store = newStore();
        assertThat(store.allocate()).isEqualTo(new ExecutionStore.Allocation(1, 100010));
        assertThat(store.allocate()).isEqualTo(new ExecutionStore.Allocation(2, 100011));
        Set<Long> runs = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            runs.add(store.allocate().runNumber());
        }
        assertThat(runs).hasSize(20);
    }

    @Test
    void recordsAnExecutionFromStartToEnd() {
        ExecutionStore store = newStore();
        Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        store.started(running("stf_datataking-alice-0001", start, 42));

        ExecutionRecord stored = store.find("stf_datataking-alice-0001").orElseThrow();
        assertThat(stored.status()).isEqualTo(ExecutionStatus.RUNNING);
        assertThat(stored.endedAt()).isNull();
        assertThat(stored.parameters()).containsEntry("stf_count", 5);
        assertThat(stored.runnerPid()).isEqualTo(42);

        Instant end = start.plusSeconds(30);
        store.finished("stf_datataking-alice-0001", ExecutionStatus.COMPLETED, end, Map.of("stf_gen", 5, "end_run", 1),
                null);
        ExecutionRecord done = store.find("stf_datataking-alice-0001").orElseThrow();
        assertThat(done.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(done.endedAt()).isEqualTo(end);
        assertThat(done.messageCounts()).containsEntry("stf_gen", 5).containsEntry("end_run", 1);
        assertThat(store.find("nope")).isEmpty();
    }

    @Test
    void listsNewestFirst() {
        ExecutionStore store = newStore();
        Instant start = Instant.parse("2026-11-23T10:00:00Z");
        for (int i = 1; i <= 3; i++) {
            store.started(running("wf-alice-000" + i, start.plusSeconds(i), 1));
        }
        assertThat(store.recent(2)).extracting(ExecutionRecord::executionId).containsExactly("wf-alice-0003",
                "wf-alice-0002");
    }

    @Test
    void runningExecutionsOfDeadRunnersBecomeFailedWithAnEndTime() {
        ExecutionStore store = newStore();
        Instant start = Instant.now();
        store.started(running("wf-alice-0001", start, 111));
        store.started(running("wf-alice-0002", start, 222));
        store.finished("wf-alice-0002", ExecutionStatus.COMPLETED, start.plusSeconds(1), Map.of(), null);
        store.started(running("wf-alice-0003", start, 333));

        List<ExecutionRecord> failed = store.failAbandoned(execution -> execution.runnerPid() == 333);

        assertThat(failed).extracting(ExecutionRecord::executionId).containsExactly("wf-alice-0001");
        ExecutionRecord dead = store.find("wf-alice-0001").orElseThrow();
        assertThat(dead.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(dead.endedAt()).isNotNull();
        assertThat(dead.failure()).contains("died");
        assertThat(store.find("wf-alice-0002").orElseThrow().status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(store.find("wf-alice-0003").orElseThrow().status()).isEqualTo(ExecutionStatus.RUNNING);
    }
}
