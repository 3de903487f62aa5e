package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.messaging.StompTestClient;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;

/** Two namespaces on one broker, and the original's JSON over raw STOMP frames. */
class IsolationAndInteropIT {

    private final JsonCodec codec = new JsonCodec();
    private final List<TestbedHome> homes = new ArrayList<>();

    @AfterEach
    void tearDown() {
        homes.forEach(TestbedHome::close);
    }

    @Test
    void twoNamespacesOnOneBrokerEachGetExactlyTheirOwnMessages() throws Exception {
        TestbedHome alpha = new TestbedHome("it-alpha");
        TestbedHome beta = new TestbedHome("it-beta");
        homes.add(alpha);
        homes.add(beta);
        alpha.quickWorkflow(4, "");
        // beta uses alpha's embedded broker.
        beta.config("testbed.toml", """
                [testbed]
                namespace = "it-beta"
                [agents.data]
                enabled = true
                [workflow]
                name = "stf_datataking"
                config = "stf_datataking_default"
                [parameters]
                stf_count = 6
                [broker]
                url = "%s"
                """.formatted(alpha.amqpUrl()));
        assertThat(alpha.cli("run", "--no-workflow").code()).isZero();
        beta.useLoginOf(alpha);
        assertThat(beta.cli("run", "--no-workflow").code()).isZero();
        List<Map<String, Object>> epictopic = new CopyOnWriteArrayList<>();
        try (MessageBus bus = alpha.connect("it")) {
            bus.subscribe(Destinations.EPICTOPIC, message -> epictopic.add(codec.decodeObject(message.body())));

            CompletableFuture<TestbedHome.Result> a = CompletableFuture.supplyAsync(() -> alpha.cli("start-workflow", "--fast"));
            CompletableFuture<TestbedHome.Result> b = CompletableFuture.supplyAsync(() -> beta.cli("start-workflow", "--fast"));
            assertThat(a.get().code()).as(a.get().err()).isZero();
            assertThat(b.get().code()).as(b.get().err()).isZero();

            await().atMost(Duration.ofSeconds(30)).until(() -> count(epictopic, "it-alpha", "stf_ready") == 4
                    && count(epictopic, "it-beta", "stf_ready") == 6
                    && count(epictopic, "it-alpha", "end_run") == 1 && count(epictopic, "it-beta", "end_run") == 1);
            assertThat(count(epictopic, "it-alpha", "stf_gen")).isEqualTo(4);
            assertThat(count(epictopic, "it-beta", "stf_gen")).isEqualTo(6);
            // Each data agent answered only its own namespace's STFs.
            assertThat(epictopic.stream().filter(m -> "stf_ready".equals(m.get("msg_type")))).allSatisfy(ready ->
                    assertThat(String.valueOf(ready.get("processed_by"))).startsWith("data-agent-"));
            String alphaExecution = executionIdOf(a.get());
            String betaExecution = executionIdOf(b.get());
            assertThat(epictopic.stream().filter(m -> "it-alpha".equals(m.get("namespace"))))
                    .allSatisfy(m -> assertThat(m).containsEntry("execution_id", alphaExecution));
            assertThat(epictopic.stream().filter(m -> "it-beta".equals(m.get("namespace"))))
                    .allSatisfy(m -> assertThat(m).containsEntry("execution_id", betaExecution));
        }
        assertThat(alpha.cli("workflows").out()).contains("completed");
        assertThat(beta.cli("workflows").out()).contains("completed");
    }

    @Test
    void aStompClientSpeakingTheOriginalJsonObservesARunAndGetsReplies() throws Exception {
        TestbedHome testbed = new TestbedHome("it-stomp");
        homes.add(testbed);
        testbed.quickWorkflow(2, "");
        assertThat(testbed.cli("run", "--no-workflow").code()).isZero();
        try (StompTestClient stomp = StompTestClient.connect("127.0.0.1", testbed.stompPort, testbed.endpoint().user(),
                testbed.endpoint().password())) {
            stomp.subscribe("events", "/topic/epictopic");
            stomp.subscribe("replies", "/queue/stomp.replies.it");

            // A command in the original's JSON, with the reply address in the body as STOMP senders give it.
            stomp.send("/queue/workflow_control.it-stomp", codec.encode(Map.of("msg_type", "run_workflow",
                    "namespace", "it-stomp", "workflow_name", "stf_datataking", "realtime", true,
                    "reply_to", "/queue/stomp.replies.it", "correlation_id", "stomp-1")), Map.of());

            List<Map<String, Object>> events = new ArrayList<>();
            Map<String, Object> reply = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && (reply == null || events.stream()
                    .noneMatch(e -> "end_run".equals(e.get("msg_type"))))) {
                StompTestClient.Frame frame = stomp.receive(Duration.ofSeconds(1));
                if (frame == null) {
                    continue;
                }
                Map<String, Object> body = codec.decodeObject(frame.body());
                if ("replies".equals(frame.header("subscription"))) {
                    reply = body;
                } else {
                    events.add(body);
                }
            }
            assertThat(reply).isNotNull().containsEntry("success", true).containsEntry("correlation_id", "stomp-1")
                    .containsEntry("in_reply_to", "run_workflow");
            String executionId = String.valueOf(reply.get("execution_id"));
            assertThat(events.stream().map(e -> e.get("msg_type")).filter(t -> !"stf_ready".equals(t)).toList())
                    .containsExactly("run_imminent", "start_run", "stf_gen", "stf_gen", "end_run");
            assertThat(events).allSatisfy(e -> assertThat(e).containsEntry("execution_id", executionId)
                    .containsEntry("namespace", "it-stomp"));
        }
    }

    private static long count(List<Map<String, Object>> messages, String namespace, String type) {
        return messages.stream().filter(m -> namespace.equals(m.get("namespace")) && type.equals(m.get("msg_type")))
                .count();
    }

    private static String executionIdOf(TestbedHome.Result result) {
        return result.out().replaceAll("(?s).*Workflow triggered: (\\S+) .*", "$1").strip();
    }
}
