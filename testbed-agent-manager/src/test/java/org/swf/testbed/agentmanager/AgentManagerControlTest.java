package org.swf.testbed.agentmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.swf.testbed.agentmanager.ManagerTestbed.REPLY_TIMEOUT;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.port.InMemoryMessageBus;
import org.swf.testbed.port.InboundMessage;
import org.swf.testbed.port.ProgramRole;
import org.swf.testbed.port.ProgramSpec;
import org.swf.testbed.protocol.Destination;

/**
 * The control queue as the MCP tools use it, at the wire: raw JSON commands with a reply address
 * go to {@code testbed.alice.control}; every one gets a JSON reply with its real outcome, and the
 * manager keeps serving after bad input.
 */
class AgentManagerControlTest {

    @TempDir
    Path home;

    private ManagerTestbed testbed;
    private InMemoryMessageBus client;

    @BeforeEach
    void startManager() throws IOException {
        testbed = new ManagerTestbed(home);
        testbed.manager(Duration.ofHours(1)).start();
        client = testbed.client();
    }

    @AfterEach
    void closeTestbed() {
        testbed.close();
    }

    private Map<String, Object> command(String json) {
        return testbed.command(client, json);
    }

    /** @return what arrives at {@code replies} from now on */
    private BlockingQueue<InboundMessage> arrivingAt(Destination replies) {
        BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
        client.subscribe(replies, received::add);
        return received;
    }

    @Test
    void pingAnswersAliveAtTheTransportReplyAddressWithTheCorrelationId() throws Exception {
        Destination replies = Destination.queue("replies.test");
        BlockingQueue<InboundMessage> received = arrivingAt(replies);

        client.send(ManagerTestbed.control(), "{\"command\": \"ping\", \"source\": \"test\"}", replies, "c-1");

        InboundMessage reply = received.poll(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(reply).isNotNull();
        assertThat(reply.correlationId()).isEqualTo("c-1");
        assertThat(testbed.codec.decodeObject(reply.body())).containsEntry("msg_type", "reply")
                .containsEntry("in_reply_to", "ping").containsEntry("success", true)
                .containsEntry("correlation_id", "c-1").containsEntry("sender", "agent-manager-alice")
                .containsEntry("status", "alive").containsEntry("username", "alice")
                .containsEntry("hostname", "test-host").containsEntry("mq_connected", true)
                .containsEntry("pid", (int) ProcessHandle.current().pid())
                .containsKeys("timestamp", "uptime_seconds").doesNotContainKeys("error", "error_code");
    }

    @Test
    @SuppressWarnings("unchecked")
    void anExpiredStartIsPassedOverWithoutActingOrAnswering() throws Exception {
        Destination replies = Destination.queue("replies.expired");
        BlockingQueue<InboundMessage> received = arrivingAt(replies);
        String anHourAgo = Instant.now().minus(Duration.ofHours(1)).toString();

        // Its sender waited 5 s an hour ago: nobody waits for this start any more.
        client.send(ManagerTestbed.control(), "{\"command\": \"start_testbed\", \"sent_at\": \"" + anHourAgo
                + "\", \"wait_seconds\": 5}", replies, "stale-1");
        client.send(ManagerTestbed.control(), "{\"command\": \"ping\"}", replies, "fresh-1");

        // The manager takes its commands in order: by the ping's answer it has passed the start over.
        InboundMessage reply = received.poll(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(reply).isNotNull();
        assertThat(reply.correlationId()).isEqualTo("fresh-1");
        assertThat(testbed.codec.decodeObject(reply.body()).get("operation")).isNull();
        assertThat(received).isEmpty();
        assertThat(testbed.supervisor.restartBegan()).isFalse();
        assertThat((Map<String, Object>) command("{\"command\": \"status\"}").get("status")).containsEntry("state", "STOPPED");
    }

    @Test
    void aStompSenderIsAnsweredAtItsReplyToField() throws Exception {
        BlockingQueue<InboundMessage> received = arrivingAt(Destination.queue("replies.stomp"));

        client.send(ManagerTestbed.control(), "{\"command\": \"ping\", \"reply_to\": \"/queue/replies.stomp\","
                + " \"correlation_id\": \"s-1\"}");

        InboundMessage reply = received.poll(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(reply).isNotNull();
        assertThat(testbed.codec.decodeObject(reply.body())).containsEntry("success", true)
                .containsEntry("correlation_id", "s-1").containsEntry("status", "alive");
    }

    @Test
    @SuppressWarnings("unchecked")
    void statusReportsTheObservedTestbedAndTheManager() {
        Map<String, Object> status = command("{\"command\": \"status\"}");

        assertThat(status).containsEntry("success", true).containsEntry("in_reply_to", "status");
        assertThat((Map<String, Object>) status.get("status")).containsEntry("state", "STOPPED");
        assertThat((List<Object>) status.get("agents")).isEmpty();
        assertThat((Map<String, Object>) status.get("manager")).containsEntry("status", "alive")
                .containsEntry("username", "alice");
    }

    @Test
    @SuppressWarnings("unchecked")
    void logsTailsAProgramsLogAndRefusesABadProgramName() {
        testbed.fake.restart(List.of(new ProgramSpec("data-agent", ProgramRole.AGENT, List.of("test"), home, Map.of(),
                0, true)), Map.of());
        testbed.fake.start(List.of("data-agent"));

        Map<String, Object> logs = command("{\"command\": \"logs\", \"program\": \"data-agent\", \"lines\": 5}");
        assertThat(logs).containsEntry("success", true).containsEntry("program", "data-agent")
                .containsEntry("log_file", home.resolve("logs/data-agent.log").toString());
        assertThat((List<Object>) logs.get("lines")).containsExactly("data-agent started");

        Map<String, Object> escape = command("{\"command\": \"logs\", \"program\": \"../../etc/passwd\"}");
        assertThat(escape).containsEntry("success", false).containsEntry("in_reply_to", "logs")
                .containsEntry("error_code", "MALFORMED");
        assertThat((String) escape.get("error")).contains("'../../etc/passwd'").contains("data-agent");
        assertThat(command("{\"command\": \"logs\"}")).containsEntry("error_code", "MALFORMED");
    }

    @Test
    void anUnknownCommandIsRefusedWithWhatTheManagerUnderstands() {
        Map<String, Object> reply = command("{\"command\": \"launch_rockets\"}");

        assertThat(reply).containsEntry("success", false).containsEntry("in_reply_to", "launch_rockets")
                .containsEntry("error_code", "UNKNOWN_COMMAND");
        assertThat((String) reply.get("error")).contains("launch_rockets").contains("start_testbed")
                .contains("stop_testbed").contains("ping");
    }

    @Test
    void nonJsonAndCommandlessMessagesAreMalformedAndTheManagerKeepsServing() {
        Map<String, Object> garbage = command("{oops");
        assertThat(garbage).containsEntry("success", false).containsEntry("error_code", "MALFORMED");
        assertThat((String) garbage.get("error")).contains("{\"command\": \"ping\"}");

        assertThat(command("{\"source\": \"test\"}")).containsEntry("error_code", "MALFORMED");
        assertThat(command("[1, 2]")).containsEntry("error_code", "MALFORMED");
        assertThat(command("{\"command\": \"ping\"}")).containsEntry("success", true);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aStartOrStopWhileAStartIsInProgressIsBusy() throws Exception {
        testbed.supervisor.hold();
        CompletableFuture<Map<String, Object>> first = CompletableFuture.supplyAsync(() ->
                command("{\"command\": \"start_testbed\", \"source\": \"test\"}"));
        assertThat(testbed.supervisor.awaitRestartEntered()).isTrue();
        assertThat(command("{\"command\": \"ping\"}")).containsEntry("operation", "start_testbed");

        Map<String, Object> second = command("{\"command\": \"start_testbed\"}");
        assertThat(second).containsEntry("success", false).containsEntry("error_code", "BUSY");
        assertThat((String) second.get("error")).contains("start_testbed is in progress");
        assertThat(command("{\"command\": \"stop_testbed\"}")).containsEntry("error_code", "BUSY");

        testbed.supervisor.release();
        Map<String, Object> started = first.get(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(started).as(String.valueOf(started.get("error"))).containsEntry("success", true)
                .containsEntry("namespace", ManagerTestbed.NAMESPACE);
        assertThat((List<Object>) started.get("programs")).containsExactly("workflow-runner", "data-agent");
        awaitNoOperation();

        Map<String, Object> again = command("{\"command\": \"start_testbed\"}");
        assertThat(again).containsEntry("error_code", "ALREADY_RUNNING");
        assertThat((String) again.get("error")).contains("stop-agents");
        // The reply goes out just before the operation is marked done.
        awaitNoOperation();
        Map<String, Object> stopped = command("{\"command\": \"stop_testbed\"}");
        assertThat((List<Object>) stopped.get("stopped")).containsExactlyInAnyOrder("workflow-runner", "data-agent");
        awaitNoOperation();
        assertThat(command("{\"command\": \"stop_testbed\"}")).containsEntry("message", "No agents running");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aStartAndAStopThatAskForProgressGetEachStepBeforeTheReply() throws Exception {
        Destination replies = Destination.queue("replies.progress");
        BlockingQueue<InboundMessage> received = arrivingAt(replies);

        client.send(ManagerTestbed.control(), "{\"command\": \"start_testbed\", \"progress\": true}", replies,
                "p-1");
        List<Map<String, Object>> start = untilReply(received);
        // The reply goes out just before the operation is marked done: a stop sent at once may find it busy.
        awaitNoOperation();
        client.send(ManagerTestbed.control(), "{\"command\": \"stop_testbed\", \"progress\": true}", replies,
                "p-2");
        List<Map<String, Object>> stop = untilReply(received);

        for (List<Map<String, Object>> messages : List.of(start, stop)) {
            List<Map<String, Object>> steps = messages.subList(0, messages.size() - 1);
            assertThat(steps).hasSizeGreaterThanOrEqualTo(3).allSatisfy(step -> assertThat(step)
                    .containsEntry("msg_type", "progress").containsKeys("message", "total_steps", "timestamp")
                    .containsEntry("sender", "agent-manager-alice"));
            assertThat(steps).extracting(step -> step.get("step")).isSortedAccordingTo(
                    (a, b) -> Integer.compare((Integer) a, (Integer) b)).doesNotHaveDuplicates();
            assertThat(steps).allSatisfy(step -> assertThat((Integer) step.get("total_steps"))
                    .isGreaterThanOrEqualTo((Integer) step.get("step")));
            assertThat(messages.get(messages.size() - 1)).containsEntry("msg_type", "reply")
                    .containsEntry("success", true);
        }
        assertThat(start).allSatisfy(message -> assertThat(message).containsEntry("correlation_id", "p-1"))
                .anySatisfy(message -> assertThat(message).containsEntry("message", "restart supervisord"))
                .anySatisfy(message -> assertThat(message).containsEntry("message", "wait for READY heartbeats"));
        assertThat(start.get(0)).containsEntry("in_reply_to", "start_testbed").containsEntry("step", 1);
        assertThat(stop.get(0)).containsEntry("in_reply_to", "stop_testbed").containsEntry("correlation_id", "p-2");
        assertThat(stop).anySatisfy(message -> assertThat((String) message.get("message")).startsWith("stop ")
                .contains("data-agent"));
    }

    @Test
    void aStartThatDoesNotAskForProgressGetsTheReplyAlone() throws Exception {
        Destination replies = Destination.queue("replies.plain");
        BlockingQueue<InboundMessage> received = arrivingAt(replies);

        client.send(ManagerTestbed.control(), "{\"command\": \"start_testbed\"}", replies, "q-1");

        // The original's clients take the first message at their reply address for the reply.
        assertThat(untilReply(received)).singleElement().satisfies(reply -> assertThat(reply)
                .containsEntry("msg_type", "reply").containsEntry("success", true));
    }

    /** @return the messages that arrived up to and including the next reply, oldest first */
    private List<Map<String, Object>> untilReply(BlockingQueue<InboundMessage> received) throws InterruptedException {
        List<Map<String, Object>> messages = new ArrayList<>();
        while (true) {
            InboundMessage message = received.poll(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(message).as("a message after " + messages).isNotNull();
            Map<String, Object> fields = testbed.codec.decodeObject(message.body());
            messages.add(fields);
            if ("reply".equals(fields.get("msg_type"))) {
                return messages;
            }
        }
    }

    private void awaitNoOperation() {
        await().atMost(REPLY_TIMEOUT).until(() -> command("{\"command\": \"ping\"}").get("operation") == null);
    }
}
