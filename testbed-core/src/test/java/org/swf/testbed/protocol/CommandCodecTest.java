package org.swf.testbed.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.swf.testbed.status.AgentLiveness;
import org.swf.testbed.status.ExecutionSnapshot;

class CommandCodecTest {

    private final JsonCodec codec = new JsonCodec();
    private final CommandEnvelope envelope = new CommandEnvelope("2026-12-02T10:00:00", "cli", "/queue/replies.x", "c-9");

    @Test
    void runnerCommandsAreNamedByMsgTypeWithTheEnvelopeAlongside() {
        Map<String, Object> wire = codec.decodeObject(codec.encodeCommand(new RunWorkflow("ns", "stf_datataking",
                "fast_processing_default", false, 0.0, Map.of("stf_count", 3), envelope)));
        assertThat(wire).containsEntry("msg_type", "run_workflow").containsEntry("namespace", "ns")
                .containsEntry("workflow_name", "stf_datataking").containsEntry("realtime", false)
                .containsEntry("timestamp", "2026-12-02T10:00:00").containsEntry("source", "cli")
                .containsEntry("reply_to", "/queue/replies.x").containsEntry("correlation_id", "c-9")
                .doesNotContainKeys("command", "envelope", "type", "result_type");
        assertThat(List.copyOf(wire.keySet()).get(0)).isEqualTo("msg_type");
    }

    @Test
    void agentManagerCommandsAreNamedByCommandAsTheOriginalsClientsSendThem() {
        Map<String, Object> wire = codec.decodeObject(codec.encodeCommand(new LogsRequest("data-agent", 20,
                CommandEnvelope.sentNowBy("mcp", Duration.ofSeconds(5)))));
        assertThat(wire).containsEntry("command", "logs").containsEntry("program", "data-agent")
                .containsEntry("lines", 20).containsEntry("source", "mcp").doesNotContainKeys("msg_type", "reply_to");
    }

    @Test
    void everyCommandComesBackAsTheRecordItWas() {
        List<Command<?>> commands = List.of(
                new RunWorkflow("ns", "stf_datataking", null, true, 12.5, Map.of("stf_count", 3), envelope),
                new StopWorkflow("ns", "stf_datataking-alice-0001", envelope),
                new StatusRequest("ns", envelope),
                new HeartbeatRequest("ns", "workflow-runner-alice-1", new CommandEnvelope("t", null, null, null)),
                new StartTestbed("testbed.toml", null, envelope),
                new StartTestbed(null, true, envelope),
                new StopTestbed(null, envelope),
                new StopTestbed(true, envelope),
                new TestbedStatusRequest(envelope),
                new Ping(envelope),
                new LogsRequest("data-agent", 5, envelope),
                new StartTestbed("spread.toml", null, "hostA", "ab12", envelope),
                new StopTestbed(null, true, envelope),
                new TestbedStatusRequest(true, envelope),
                new ScaleAgent("worker", List.of("worker-agent-2", "worker-agent-4"), envelope));
        for (Command<?> command : commands) {
            Command<?> decoded = codec.decodeCommand(codec.decodeObject(codec.encodeCommand(command)));
            assertThat(decoded).as(command.type().wireName()).isEqualTo(command);
        }
    }

    /** A host's share of a testbed started elsewhere, and the host-only stop and status, say so on the wire. */
    @Test
    void commandsBetweenHostsCarryTheirHostFieldsAndOthersLeaveThemOut() {
        assertThat(codec.decodeObject(codec.encodeCommand(new StartTestbed("spread.toml", null, "hostA", "ab12",
                envelope)))).containsEntry("command", "start_testbed").containsEntry("config_name", "spread.toml")
                .containsEntry("share_of", "hostA").containsEntry("config_digest", "ab12");
        assertThat(codec.decodeObject(codec.encodeCommand(new StopTestbed(null, true, envelope))))
                .containsEntry("host_only", true);
        assertThat(codec.decodeObject(codec.encodeCommand(new TestbedStatusRequest(true, envelope))))
                .containsEntry("host_only", true);
        assertThat(codec.decodeObject(codec.encodeCommand(new StartTestbed(null, null, envelope))))
                .doesNotContainKeys("share_of", "config_digest");
        assertThat(new StopTestbed(null, envelope).thisHostOnly()).isFalse();
    }

    @Test
    void eitherNameFieldIsAcceptedAndUnknownOrMissingNamesAreRefused() {
        assertThat(codec.decodeCommand(Map.of("msg_type", "ping"))).isInstanceOf(Ping.class);
        assertThat(codec.decodeCommand(Map.of("command", "status_request", "namespace", "n")))
                .isEqualTo(new StatusRequest("n", new CommandEnvelope(null, null, null, null)));
        assertThatThrownBy(() -> codec.decodeCommand(Map.of("command", "launch_rockets")))
                .isInstanceOf(UnknownCommandException.class).hasMessageContaining("launch_rockets");
        assertThatThrownBy(() -> codec.decodeCommand(Map.of("msg_type", "stf_gen")))
                .isInstanceOf(UnknownCommandException.class);
        assertThatThrownBy(() -> codec.decodeCommand(Map.of("namespace", "n")))
                .isInstanceOf(MalformedMessageException.class).isNotInstanceOf(UnknownCommandException.class);
        assertThatThrownBy(() -> codec.decodeCommand(Map.of("command", "logs", "lines", List.of(1))))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("LogsRequest");
    }

    @Test
    void replyResultsTravelFlatAndComeBackTyped() {
        ExecutionSnapshot execution = new ExecutionSnapshot("x-0001", "100010", "stf_datataking", "ns", "running",
                false, "physics", "running", 4, 5L, Map.of("stf_gen", 4), "2026-12-02T10:00:00Z", null, null);
        RunnerStatus status = new RunnerStatus("ns", "PROCESSING", execution,
                List.of(new AgentLiveness("data-agent-alice-1", "DATA", "data-agent", 42L, "READY", "OK", true, 3)));
        String json = codec.encodeReply(Reply.ok("status_request", "c-1", "runner", status));
        Map<String, Object> wire = codec.decodeObject(json);
        assertThat(wire).containsEntry("msg_type", "reply").containsEntry("in_reply_to", "status_request")
                .containsEntry("operational_state", "PROCESSING").containsKey("execution").containsKey("agents")
                .doesNotContainKeys("result", "error", "error_code", "log_tail");
        Reply<RunnerStatus> decoded = codec.decodeReply(json, RunnerStatus.class);
        assertThat(decoded.success()).isTrue();
        assertThat(decoded.correlationId()).isEqualTo("c-1");
        assertThat(decoded.result()).isEqualTo(status);
    }

    @Test
    void progressTravelsUnderItsOwnTypeAndIsToldApartFromTheReply() {
        String json = codec.encode(CommandProgress.now("start_testbed", 3, 9, "restart supervisord", "c-7",
                "agent-manager-alice"));

        assertThat(codec.decodeObject(json)).containsEntry("msg_type", "progress")
                .containsEntry("in_reply_to", "start_testbed").containsEntry("step", 3).containsEntry("total_steps", 9)
                .containsEntry("message", "restart supervisord").containsEntry("correlation_id", "c-7")
                .containsKey("timestamp");
        assertThat(codec.decodeProgress(json)).get().satisfies(progress -> {
            assertThat(progress.step()).isEqualTo(3);
            assertThat(progress.totalSteps()).isEqualTo(9);
            assertThat(progress.message()).isEqualTo("restart supervisord");
        });
        assertThat(codec.decodeProgress(codec.encodeReply(Reply.ok("start_testbed", "c-7", "m", null)))).isEmpty();
        assertThat(codec.decodeObject(codec.encodeCommand(new StartTestbed(null, true, envelope))))
                .containsEntry("progress", true);
        assertThatThrownBy(() -> codec.decodeProgress("{\"msg_type\": \"progress\", \"step\": 2,"
                + " \"total_steps\": 1, \"message\": \"x\"}")).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void failedRepliesCarryTheirLogTailAndNoResult() {
        String json = codec.encodeReply(Reply.failed("start_testbed", null, "agent-manager-alice",
                ErrorCode.TIMEOUT, "data-agent did not get ready", List.of("line 1", "line 2")));
        assertThat(codec.decodeObject(json)).containsEntry("success", false).containsEntry("error_code", "TIMEOUT")
                .containsEntry("log_tail", List.of("line 1", "line 2"));
        Reply<TestbedStarted> decoded = codec.decodeReply(json, TestbedStarted.class);
        assertThat(decoded.result()).isNull();
        assertThat(decoded.errorCode()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(decoded.logTail()).containsExactly("line 1", "line 2");
    }

    @Test
    void whatIsNotAReplyIsMalformed() {
        assertThatThrownBy(() -> codec.decodeReply("{\"msg_type\":\"heartbeat\"}", ManagerInfo.class))
                .isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> codec.decodeReply("{\"msg_type\":\"reply\",\"success\":false}", ManagerInfo.class))
                .isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> codec.decodeReply("{\"msg_type\":\"reply\",\"success\":false,\"error\":\"x\","
                + "\"error_code\":\"NO_SUCH_CODE\"}", ManagerInfo.class)).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void aCommandSaysWhenItWasSentAndHowLongItsSenderWaits() {
        Instant before = Instant.now();
        Map<String, Object> wire = codec.decodeObject(codec.encodeCommand(new Ping(CommandEnvelope.sentNowBy("mcp",
                Duration.ofMillis(2500)))));
        assertThat(wire).containsEntry("wait_seconds", 2.5).containsKeys("timestamp", "sent_at");
        Ping decoded = (Ping) codec.decodeCommand(wire);
        assertThat(decoded.envelope().sent()).hasValueSatisfying(sent -> assertThat(sent).isAfterOrEqualTo(
                before.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)));
        assertThat(decoded.envelope().expired(Instant.now())).isFalse();
        assertThat(decoded.envelope().expired(Instant.now().plusSeconds(3))).isTrue();
    }

    @Test
    void withoutAStatedWaitACommandExpiresWhenOldAndWithoutATimeNever() {
        Instant now = Instant.parse("2026-12-02T10:00:00Z");
        CommandEnvelope fresh = new CommandEnvelope(null, now.minusSeconds(60).toString(), null, "stomp", null, null);
        CommandEnvelope stale = new CommandEnvelope(null, now.minus(CommandEnvelope.LONGEST_UNSTATED_WAIT)
                .minusSeconds(1).toString(), null, "stomp", null, null);
        CommandEnvelope legacyStale = new CommandEnvelope(Timestamps.localIso(now.minusSeconds(3600)), "python", null,
                null);
        assertThat(fresh.expired(now)).isFalse();
        assertThat(stale.expired(now)).isTrue();
        assertThat(legacyStale.expired(now)).isTrue();
        assertThat(new CommandEnvelope(null, null, null, null).expired(now)).isFalse();
        assertThat(new CommandEnvelope("yesterday", null, null, null).expired(now)).isFalse();
        assertThat(stale.discardedLine("run_workflow")).startsWith("Discarded an expired run_workflow from stomp: sent");
    }
}
