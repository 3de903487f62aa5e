package org.swf.testbed.port;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What every {@link AgentReportStore} must do; the fake and the SQLite adapter both pass it. */
public abstract class AgentReportStoreContract {

    /**
     * The two views of one home's records.
     *
     * @param executions its executions
     * @param reports what its agents reported
     */
    public record Stores(ExecutionStore executions, AgentReportStore reports) {
    }

    /** @return new, empty stores over the same records */
    protected abstract Stores newStores();

    @Test
    void agentIdsStartAtOneAndAreNeverHandedOutTwice() {
        AgentReportStore store = newStores().reports();
        assertThat(store.nextAgentId()).isEqualTo(1);
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            ids.add(store.nextAgentId());
        }
        assertThat(ids).hasSize(20).doesNotContain(1L);
    }

    @Test
    void aSubscriberIsAddedOnce() {
        AgentReportStore store = newStores().reports();
        assertThat(store.addSubscriber("data-agent-alice-1-/topic/epictopic", "DATA agent")).isTrue();
        assertThat(store.addSubscriber("data-agent-alice-1-/topic/epictopic", "again")).isFalse();
    }

    @Test
    void runsAreUniqueByNumberAndEnd() {
        AgentReportStore store = newStores().reports();
        ReportedRun run = store.addRun(100010, "2026-01-01T10:00:00", Map.of("beam", "on")).orElseThrow();
        assertThat(run.runNumber()).isEqualTo(100010);
        assertThat(run.runConditions()).containsEntry("beam", "on");
        assertThat(store.addRun(100010, "later", Map.of())).isEmpty();
        assertThat(store.endRun(run.runId(), "2026-01-01T11:00:00").orElseThrow().endTime())
                .isEqualTo("2026-01-01T11:00:00");
        assertThat(store.run(run.runId()).orElseThrow().startTime()).isEqualTo("2026-01-01T10:00:00");
        assertThat(store.endRun(run.runId() + 1000, "x")).isEmpty();
    }

    @Test
    void stfFilesBelongToTheExecutionOfTheirRun() {
        Stores stores = newStores();
        stores.executions().started(new ExecutionRecord("stf_datataking-alice-0001", "stf_datataking", "ns", "alice",
                "100010", ExecutionStatus.RUNNING, Instant.now(), null, Map.of(), Map.of(), 1, null, "host", null));
        ReportedRun run = stores.reports().addRun(100010, "t", Map.of()).orElseThrow();
        ReportedRun other = stores.reports().addRun(100011, "t", Map.of()).orElseThrow();
        StfFileRecord added = stores.reports().addStfFile(new StfFileRecord(null, run.runId(), "swf.100010.000001.stf",
                null, "run", "registered", Map.of("created_by", "data-agent-alice-1"), "data-agent-alice-1", null))
                .orElseThrow();
        stores.reports().addStfFile(new StfFileRecord(null, other.runId(), "swf.100011.000001.stf", 5L, "run",
                "registered", Map.of(), null, null));

        assertThat(added.fileId()).matches("[0-9a-f-]{36}");
        assertThat(added.createdAt()).isNotNull();
        assertThat(stores.reports().addStfFile(new StfFileRecord(null, run.runId(), "swf.100010.000001.stf", null,
                "run", "registered", Map.of(), null, null))).isEmpty();
        assertThat(stores.reports().updateStfFile(added.fileId(), "processed", Map.of("processed_by", "x"))
                .orElseThrow().metadata()).isEqualTo(Map.of("processed_by", "x"));
        assertThat(stores.reports().updateStfFile("no-such-file", "processed", null)).isEmpty();
        assertThat(stores.reports().stfFiles("stf_datataking-alice-0001")).singleElement().satisfies(file -> {
            assertThat(file.stfFilename()).isEqualTo("swf.100010.000001.stf");
            assertThat(file.status()).isEqualTo("processed");
            assertThat(file.createdBy()).isEqualTo("data-agent-alice-1");
        });
        assertThat(stores.reports().stfFiles("stf_datataking-alice-0099")).isEmpty();
    }

    @Test
    void logsAreFoundByProgramOrInstanceNewestLast() {
        AgentReportStore store = newStores().reports();
        for (int i = 1; i <= 5; i++) {
            store.addLog(new AgentLogRecord("data-agent-alice-" + (i % 2), "data-agent", "2026-01-01T10:00:0" + i, 20,
                    "INFO", "line " + i, "agent", "run", i, null, "100010"));
        }
        store.addLog(new AgentLogRecord("other-agent-alice-3", "other-agent", "t", 40, "ERROR", "elsewhere", null, null,
                null, null, null));

        assertThat(store.logs("data-agent", 3)).extracting(AgentLogRecord::message)
                .containsExactly("line 3", "line 4", "line 5");
        assertThat(store.logs("data-agent-alice-0", 10)).extracting(AgentLogRecord::message)
                .containsExactly("line 2", "line 4");
        assertThat(store.logs("nobody", 10)).isEmpty();
    }
}
