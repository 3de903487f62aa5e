package org.swf.testbed.agents.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.access.HomeMonitor;
import org.swf.testbed.agents.monitor.MonitorApi.Answer;
import org.swf.testbed.agents.monitor.MonitorApi.Request;
import org.swf.testbed.port.ExecutionRecord;
import org.swf.testbed.port.ExecutionStatus;
import org.swf.testbed.port.InMemoryAgentReportStore;
import org.swf.testbed.port.InMemoryExecutionStore;
import org.swf.testbed.protocol.Heartbeat;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.OperationalState;

class MonitorApiTest {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef01234567";
    private static final String LOG_KEY = "fedcba9876543210fedcba9876543210fedcba98";
    private static final String AUTH = "Token " + TOKEN;

    @TempDir
    Path proc;

    private final InMemoryExecutionStore executions = new InMemoryExecutionStore();
    private final InMemoryAgentReportStore store = new InMemoryAgentReportStore(executions);
    private final List<Heartbeat> published = new ArrayList<>();
    private final JsonCodec codec = new JsonCodec();

    private MonitorApi api() {
        ProcessPrograms programs = new ProcessPrograms(proc, "/home/alice/.testbed/supervisord.conf");
        AgentHeartbeats heartbeats = new AgentHeartbeats(programs, "thishost");
        heartbeats.publishThrough(published::add);
        return new MonitorApi(new HomeMonitor.Secrets(TOKEN, LOG_KEY), store, heartbeats, programs, codec);
    }

    private Answer post(MonitorApi api, String path, String authorization, Map<String, ?> body) {
        return api.answer(new Request("POST", path, authorization, codec.encode(body)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> body(Answer answer) {
        return (Map<String, Object>) answer.body();
    }

    @Test
    void everyEndpointRefusesACallerWithoutTheHomesToken() {
        MonitorApi api = api();
        for (String path : List.of("/api/state/next-agent-id/", "/api/subscribers/", "/api/systemagents/heartbeat/",
                "/api/runs/", "/api/stf-files/", "/api/logs/")) {
            Answer missing = post(api, path, null, Map.of());
            Answer wrong = post(api, path, "Token " + LOG_KEY, Map.of());

            assertThat(missing.status()).as(path).isEqualTo(403);
            assertThat(body(missing)).containsEntry("detail", "Authentication credentials were not provided.");
            assertThat(wrong.status()).as(path).isEqualTo(403);
            assertThat(body(wrong)).containsEntry("detail", "Invalid token.");
        }
        assertThat(store.nextAgentId()).as("no id was handed out").isEqualTo(1);
    }

    @Test
    void theRunnersStatusPageNeedsTheTokenAndAnswersOnceTheRunnerServesIt() {
        ProcessPrograms programs = new ProcessPrograms(proc, "/home/alice/.testbed/supervisord.conf");
        RunnerStatusPage page = new RunnerStatusPage();
        MonitorApi api = new MonitorApi(new HomeMonitor.Secrets(TOKEN, LOG_KEY), store,
                new AgentHeartbeats(programs, "thishost"), programs, codec, page);
        Request get = new Request("GET", MonitorApi.RUNNER_STATUS_PATH, AUTH, "");

        assertThat(api.answer(new Request("GET", MonitorApi.RUNNER_STATUS_PATH, null, "")).status()).isEqualTo(403);
        assertThat(api.answer(new Request("GET", MonitorApi.RUNNER_STATUS_PATH, "Token " + LOG_KEY, "")).status())
                .isEqualTo(403);
        Answer early = api.answer(get);
        assertThat(early.status()).isEqualTo(503);
        assertThat(body(early)).containsEntry("detail", "The workflow runner is not on the broker yet.");

        page.serve(() -> Map.of(RunnerStatusPage.RUNNER, Map.of("namespace", "ns"), RunnerStatusPage.BROKER_CONNECTED,
                true));
        Answer served = api.answer(get);
        assertThat(served.status()).isEqualTo(200);
        assertThat(body(served)).containsEntry(RunnerStatusPage.BROKER_CONNECTED, true)
                .containsEntry(RunnerStatusPage.RUNNER, Map.of("namespace", "ns"));
        assertThat(api.answer(new Request("POST", MonitorApi.RUNNER_STATUS_PATH, AUTH, "{}")).status()).isEqualTo(405);
    }

    @Test
    void nextAgentIdAnswersAsTheMonitorDoes() {
        MonitorApi api = api();
        Answer first = post(api, "/api/state/next-agent-id/", AUTH, Map.of());
        Answer second = post(api, "/api/state/next-agent-id/", AUTH, Map.of());

        assertThat(first.status()).isEqualTo(200);
        assertThat(body(first)).containsEntry("status", "success").containsEntry("agent_id", 1L);
        assertThat(body(second)).containsEntry("agent_id", 2L);
        assertThat(api.answer(new Request("GET", "/api/state/next-agent-id/", AUTH, "")).status()).isEqualTo(405);
        assertThat(post(api, "/api/state/next-agent-id", AUTH, Map.of()).status()).as("no trailing slash")
                .isEqualTo(404);
    }

    @Test
    void aSubscriberIsCreatedOnceThenAlreadyExists() {
        MonitorApi api = api();
        Map<String, Object> subscriber = Map.of("subscriber_name", "data-agent-alice-1-/topic/epictopic",
                "description", "DATA agent subscribing to /topic/epictopic", "is_active", true, "fraction", 1.0);

        Answer created = post(api, "/api/subscribers/", AUTH, subscriber);
        Answer again = post(api, "/api/subscribers/", AUTH, subscriber);

        assertThat(created.status()).isEqualTo(201);
        assertThat(body(created)).containsEntry("subscriber_name", "data-agent-alice-1-/topic/epictopic");
        assertThat(again.status()).isEqualTo(400);
        // BaseAgent takes a 400 mentioning "already exists" and "subscriber" for success.
        assertThat(codec.encode(again.body()).toLowerCase()).contains("already exists").contains("subscriber");
    }

    @Test
    void aHeartbeatIsPublishedAsOursCreatedThenUpdated() {
        MonitorApi api = api();
        Map<String, Object> heartbeat = Map.of("instance_name", "data-agent-alice-1", "agent_type", "DATA",
                "status", "OK", "operational_state", "READY", "namespace", "ns", "pid", 999_999_999,
                "hostname", "h", "description", "DATA agent. MQ: connected", "mq_connected", true);

        Answer created = post(api, "/api/systemagents/heartbeat/", AUTH, heartbeat);
        Answer updated = post(api, "/api/systemagents/heartbeat/", AUTH, heartbeat);
        Answer nameless = post(api, "/api/systemagents/heartbeat/", AUTH, Map.of("status", "OK"));

        assertThat(created.status()).isEqualTo(201);
        assertThat(updated.status()).isEqualTo(200);
        assertThat(nameless.status()).isEqualTo(400);
        assertThat(body(nameless)).containsEntry("instance_name", List.of("This field is required."));
        assertThat(published).hasSize(2).first().satisfies(sent -> {
            assertThat(sent.instanceName()).isEqualTo("data-agent-alice-1");
            assertThat(sent.operationalState()).isEqualTo(OperationalState.READY);
            assertThat(sent.namespace()).isEqualTo("ns");
            assertThat(sent.program()).as("not a process of this home").isNull();
        });
    }

    @Test
    void runsAndStfFilesAreKeptWithTheirExecution() {
        executions.started(new ExecutionRecord("stf_datataking-alice-0001", "stf_datataking", "ns", "alice", "100010",
                ExecutionStatus.RUNNING, Instant.now(), null, Map.of(), Map.of(), 1, null, "h", null));
        MonitorApi api = api();

        Answer run = post(api, "/api/runs/", AUTH, Map.of("run_number", 100010, "start_time", "2026-01-01T10:00:00"));
        Object runId = body(run).get("run_id");
        Answer duplicateRun = post(api, "/api/runs/", AUTH, Map.of("run_number", "100010"));
        Answer file = post(api, "/api/stf-files/", AUTH, Map.of("run", runId, "stf_filename", "swf.100010.000001.stf",
                "machine_state", "run", "status", "registered",
                "metadata", Map.of("created_by", "data-agent-alice-1")));
        Object fileId = body(file).get("file_id");
        Answer duplicateFile = post(api, "/api/stf-files/", AUTH, Map.of("run", runId,
                "stf_filename", "swf.100010.000001.stf"));
        Answer unknownRun = post(api, "/api/stf-files/", AUTH, Map.of("run", 4711, "stf_filename", "x.stf"));
        Answer badStatus = post(api, "/api/stf-files/", AUTH, Map.of("run", runId, "stf_filename", "y.stf",
                "status", "lost"));
        Answer processed = api.answer(new Request("PATCH", "/api/stf-files/" + fileId + "/", AUTH,
                codec.encode(Map.of("status", "processed", "metadata", Map.of("processed_by", "data-agent-alice-1")))));
        Answer ended = api.answer(new Request("PATCH", "/api/runs/" + runId + "/", AUTH,
                codec.encode(Map.of("end_time", "2026-01-01T11:00:00"))));
        Answer missing = api.answer(new Request("PATCH", "/api/runs/4711/", AUTH, "{}"));

        assertThat(run.status()).isEqualTo(201);
        assertThat(body(run)).containsEntry("run_number", 100010);
        assertThat(duplicateRun.status()).isEqualTo(400);
        assertThat(file.status()).isEqualTo(201);
        assertThat(fileId).asString().matches("[0-9a-f-]{36}");
        assertThat(duplicateFile.status()).isEqualTo(400);
        assertThat(unknownRun.status()).isEqualTo(400);
        assertThat(body(unknownRun)).containsKey("run");
        assertThat(badStatus.status()).isEqualTo(400);
        assertThat(processed.status()).isEqualTo(200);
        assertThat(ended.status()).isEqualTo(200);
        assertThat(body(ended)).containsEntry("end_time", "2026-01-01T11:00:00");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(store.stfFiles("stf_datataking-alice-0001")).singleElement().satisfies(stored -> {
            assertThat(stored.status()).isEqualTo("processed");
            assertThat(stored.createdBy()).isEqualTo("data-agent-alice-1");
        });
    }

    @Test
    void logsNeedTheLogKeyInTheirPathOrTheToken() {
        MonitorApi api = api();
        Map<String, Object> record = Map.of("app_name", "base_agent", "instance_name", "data-agent-alice-1",
                "timestamp", "2026-01-01T10:00:00", "level", 20, "levelname", "INFO", "message", "hello",
                "module", "agent", "funcname", "run", "lineno", 12, "extra_data", Map.of("run_id", "100010"));

        Answer keyed = post(api, "/logs-" + LOG_KEY + "/api/logs/", null, record);
        Answer wrongKey = post(api, "/logs-" + TOKEN + "/api/logs/", null, record);
        Answer keyedElsewhere = post(api, "/logs-" + LOG_KEY + "/api/state/next-agent-id/", null, Map.of());
        Answer withToken = post(api, "/api/logs/", AUTH, record);
        Answer badLevel = post(api, "/api/logs/", AUTH, Map.of("instance_name", "a", "timestamp", "t", "message", "m",
                "level", 25));

        assertThat(keyed.status()).isEqualTo(201);
        assertThat(wrongKey.status()).isEqualTo(403);
        assertThat(keyedElsewhere.status()).as("the log key opens the log endpoint only").isEqualTo(403);
        assertThat(withToken.status()).isEqualTo(201);
        assertThat(badLevel.status()).isEqualTo(400);
        assertThat(store.logs("data-agent-alice-1", 10)).hasSize(2).first().satisfies(log -> {
            assertThat(log.message()).isEqualTo("hello");
            assertThat(log.runId()).isEqualTo("100010");
            assertThat(log.lineNumber()).isEqualTo(12);
        });
    }

    @Test
    void aBodyThatIsNotJsonIsABadRequest() {
        Answer answer = api().answer(new Request("POST", "/api/runs/", AUTH, "run_number=1"));
        assertThat(answer.status()).isEqualTo(400);
        assertThat(body(answer)).containsKey("detail");
    }
}
