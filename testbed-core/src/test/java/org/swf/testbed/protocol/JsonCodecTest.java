package org.swf.testbed.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonCodecTest {

    private final JsonCodec codec = new JsonCodec();

    @Test
    void stfGenHasTheOriginalFieldsInOrder() {
        StfGen message = new StfGen("stf_gen", "torre1", "stf_datataking-alice-0049", "100123",
                StfGen.filename("100123", 1), 1, "2026-01-15T16:21:20.512345", 14.2, "run", "physics", "daq");
        assertThat(codec.encode(message)).isEqualTo("{\"msg_type\":\"stf_gen\",\"namespace\":\"torre1\","
                + "\"execution_id\":\"stf_datataking-alice-0049\",\"run_id\":\"100123\","
                + "\"filename\":\"swf.100123.000001.stf\",\"sequence\":1,\"timestamp\":\"2026-01-15T16:21:20.512345\","
                + "\"simulation_tick\":14.2,\"state\":\"run\",\"substate\":\"physics\",\"sender\":\"daq\"}");
        assertThat(codec.decode(codec.encode(message), StfGen.class)).isEqualTo(message);
    }

    @Test
    void endRunCarriesTotalAndNoState() {
        RunEvent end = new RunEvent("end_run", "n", "e", "100010", "t", 34.2, null, null, null, 10, "s");
        Map<String, Object> fields = codec.decodeObject(codec.encode(end));
        assertThat(fields).containsEntry("total_stf_files", 10).doesNotContainKeys("state", "substate", "reason");
    }

    @Test
    void replyFlattensResultFieldsAndReadsThemBack() {
        Reply<WorkflowStarted> reply = Reply.ok("run_workflow", "c-1", "runner",
                new WorkflowStarted("x-0001", null, null, null, null, null));
        String json = codec.encodeReply(reply);
        assertThat(codec.decodeObject(json)).containsEntry("execution_id", "x-0001").containsEntry("success", true)
                .containsEntry("correlation_id", "c-1");
        Reply<WorkflowStarted> decoded = codec.decodeReply(json, WorkflowStarted.class);
        assertThat(codec.toFields(decoded.result())).containsEntry("execution_id", "x-0001");
        Reply<Void> failed = codec.decodeReply(codec.encodeReply(Reply.failed("x", null, "r", ErrorCode.BUSY, "busy",
                List.of())), Void.class);
        assertThat(failed.success()).isFalse();
        assertThat(failed.errorCode()).isEqualTo(ErrorCode.BUSY);
    }

    @Test
    void toleratesUnknownFieldsAndRejectsGarbage() {
        RunWorkflow command = (RunWorkflow) codec.decodeCommand(codec.decodeObject("{\"msg_type\":\"run_workflow\","
                + "\"namespace\":\"n\",\"workflow_name\":\"w\",\"extra\":1}"));
        assertThat(command.realtime()).isTrue();
        assertThat(command.params()).isEmpty();
        assertThatThrownBy(() -> codec.decodeObject("{not json")).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> codec.decode("{\"msg_type\":\"stf_gen\"}", StfGen.class))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("StfGen");
    }

    @Test
    void heartbeatUsesTheMonitorsFieldNames() {
        Heartbeat heartbeat = new Heartbeat("heartbeat", "data-agent-alice-1", "DATA", "OK", OperationalState.READY,
                "n", 42, "host", "DATA agent. MQ: connected", true, "data-agent", null, null, "t");
        assertThat(codec.decodeObject(codec.encode(heartbeat))).containsKeys("instance_name", "agent_type", "status",
                "operational_state", "namespace", "pid", "hostname", "description", "mq_connected");
    }
}
