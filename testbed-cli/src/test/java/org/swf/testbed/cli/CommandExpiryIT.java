package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.Timestamps;

/** Commands whose sender gave up are not acted on, whenever a consumer gets to them. */
class CommandExpiryIT {

    private final JsonCodec codec = new JsonCodec();

    @Test
    void aStaleRunWorkflowLeftOnTheQueueIsDiscardedAndRunGetsItsOwnExecution() throws Exception {
        try (TestbedHome testbed = new TestbedHome("it-stale")) {
            testbed.quickWorkflow(2, "");
            // The home's broker outlives the testbed's programs, so the stale command waits on the
            // workflow queue until a runner starts.
            Process broker = testbed.processBuilder("broker", "--config",
                    testbed.home.resolve("workflows/testbed.toml").toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                AtomicReference<MessageBus> connected = new AtomicReference<>();
                // Refused until the broker listens, and while the broker writes the home's login.
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                        .until(() -> connected.compareAndSet(null, testbed.connect("it-forgotten-sender")));
                try (MessageBus bus = connected.get()) {
                    // As a sender that gave up an hour ago left it: no reply address, an old timestamp.
                    bus.send(Destinations.workflowControl("it-stale"), codec.encode(Map.of("msg_type", "run_workflow",
                            "namespace", "it-stale", "workflow_name", "stf_datataking", "realtime", true,
                            "timestamp", Timestamps.localIso(Instant.now().minus(Duration.ofHours(1))),
                            "source", "forgotten")));
                }

                TestbedHome.Result run = testbed.cli("run");

                assertThat(run.code()).as(run.err()).isZero();
                String executionId = run.out().replaceAll("(?s).*Workflow triggered: (\\S+) .*", "$1").strip();
                assertThat(executionId).endsWith("-0001");
                List<String> executions = testbed.cli("workflows").out().lines()
                        .filter(line -> line.contains("stf_datataking-")).toList();
                assertThat(executions).hasSize(1).allSatisfy(line -> assertThat(line).contains(executionId));
            } finally {
                broker.destroy();
                if (!broker.waitFor(30, TimeUnit.SECONDS)) {
                    broker.destroyForcibly();
                }
            }
        }
    }
}
