package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.WireReply;

/** What the fast-processing ITs send to the runner and read of the broadcasts, on the broker. */
final class FastProcessingMessages {

    private FastProcessingMessages() {
    }

    /**
     * Sends what {@code testbed run} sends for the fast-processing workflow on a virtual clock, with
     * the reply address the orchestrator uses, for a test that subscribed before the run begins.
     *
     * @return the execution id of the run the runner started
     */
    static String runFast(MessageBus bus, JsonCodec codec, String namespace) {
        Map<String, Object> command = new LinkedHashMap<>();
        command.put("msg_type", "run_workflow");
        command.put("namespace", namespace);
        command.put("workflow_name", "stf_datataking");
        command.put("config", "fast_processing_default");
        command.put("realtime", false);
        command.put("source", "it");
        WireReply reply = WireReply.of(bus.request(Destinations.workflowControl(namespace), codec.encode(command),
                Duration.ofSeconds(30)).body());
        assertThat(reply.success()).as(reply.error()).isTrue();
        return String.valueOf(reply.result().get("execution_id"));
    }

    /** @return how many of {@code messages} are of type {@code msgType} */
    static long count(List<Map<String, Object>> messages, String msgType) {
        return messages.stream().filter(m -> msgType.equals(m.get("msg_type"))).count();
    }

    /** @return the last {@code processing_summary} of {@code messages}, or null when none came */
    static Map<String, Object> lastSummary(List<Map<String, Object>> messages) {
        Map<String, Object> last = null;
        for (Map<String, Object> message : messages) {
            if ("processing_summary".equals(message.get("msg_type"))) {
                last = message;
            }
        }
        return last;
    }
}
