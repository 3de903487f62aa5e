package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.swf.testbed.cli.FastProcessingMessages.lastSummary;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.messaging.JmsMessageBusFactory;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;

/**
 * A worker killed (SIGKILL) in the middle of a fast-processing run, with a real supervisord (which
 * restarts it) and the embedded broker over TCP: the slices it held unacknowledged are redelivered,
 * every slice is answered, and each is counted once.
 */
class FastProcessingWorkerKillIT {

    /** Enough slices (about 76 per STF) that the workers are still busy when one is killed. */
    private static final int STFS = 200;

    private final JsonCodec codec = new JsonCodec();
    private final String namespace = "it-kill-" + ProcessHandle.current().pid();
    private final TestbedHome testbed = new TestbedHome(namespace);

    @AfterEach
    void tearDown() {
        testbed.close();
    }

    @Test
    void aWorkerKilledMidRunLosesNoSliceAndARedeliveredSliceIsCountedOnce() throws IOException, InterruptedException {
        String shipped = Files.readString(testbed.home.resolve("workflows").resolve("fast_processing_default.toml"));
        // Two workers sharing the slice queue, each taking a little time per slice, so that the run
        // is still going, and the killed one holds slices, when it is killed.
        String config = shipped.replaceFirst("namespace = \"[^\"]*\"", "namespace = \"" + namespace + "\"")
                .replace("[agents.processing]\nenabled = true", "[agents.processing]\nenabled = false")
                .replaceFirst("stf_count = \\d+", "stf_count = " + STFS)
                .replaceFirst("\\[agents\\.worker\\]\\s*(#[^\\n]*)?\\nenabled = true[^\\n]*\\n",
                        "[agents.worker]\nenabled = true\nenvironment = { SLICE_PROCESSING_MILLIS = \"1\" }\n"
                                + "[agents.worker2]\ntype = \"worker\"\nenabled = true\n"
                                + "environment = { SLICE_PROCESSING_MILLIS = \"1\" }\n");
        assertThat(config).contains("[agents.worker2]").contains("[agents.processing]\nenabled = false")
                .contains("stf_count = " + STFS);
        testbed.config("fast_processing_default.toml", config);

        // Seven JVMs start at once: on a loaded machine that takes longer than run's default minute.
        TestbedHome.Result run = testbed.cli(Duration.ofMinutes(6), "run", "fast_processing", "--fast",
                "--no-workflow", "--timeout", "300");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("worker-agent").contains("worker2-agent");

        List<Map<String, Object>> epictopic = new CopyOnWriteArrayList<>();
        try (MessageBus bus = new JmsMessageBusFactory().connect(testbed.endpoint(), "it-kill",
                Duration.ofSeconds(30))) {
            bus.subscribe(Destinations.EPICTOPIC, message -> {
                Map<String, Object> fields = codec.decodeObject(message.body());
                if ("processing_summary".equals(fields.get("msg_type")) || "end_run".equals(fields.get("msg_type"))) {
                    epictopic.add(fields);
                }
            });

            String executionId = FastProcessingMessages.runFast(bus, codec, namespace);

            // The summary sent at end_run: the workers are still at work, with slices outstanding.
            await().atMost(Duration.ofSeconds(120)).until(() -> lastSummary(epictopic) != null);
            Map<String, Object> atEnd = lastSummary(epictopic);
            assertThat(number(atEnd, "slices_completed")).as("slices answered at end_run, of %s", atEnd)
                    .isLessThan(number(atEnd, "slices_created"));

            long killed = pid("worker-agent");
            assertThat(new ProcessBuilder("kill", "-KILL", Long.toString(killed)).start().waitFor()).isZero();

            // supervisord restarts the killed worker; the run ends with every slice answered once.
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() -> {
                Map<String, Object> last = lastSummary(epictopic);
                return last != null && number(last, "tf_files_received") == 7L * STFS
                        && number(last, "slices_completed") + number(last, "slices_failed")
                                == number(last, "slices_created");
            });
            Map<String, Object> last = lastSummary(epictopic);
            assertThat(last).containsEntry("execution_id", executionId).containsEntry("run_ended", true)
                    .containsEntry("slices_failed", 0);
            assertThat(number(last, "slices_completed")).isEqualTo(number(last, "slices_created"));
            // At least one slice the killed worker held was delivered again, and counted once: the
            // counts above are exact all the same. A slice it had answered but not yet acknowledged
            // comes back as a duplicate answer; one it had not answered, as an answer marked
            // redelivered (when the broker says so: after a connection that died, Artemis may not).
            assertThat(number(last, "duplicate_answers") + number(last, "slices_redelivered"))
                    .as("slices redelivered after the kill, in %s", last).isPositive();
            await().atMost(Duration.ofSeconds(60)).until(() -> pid("worker-agent") > 0 && pid("worker-agent") != killed);
        }
    }

    private long pid(String program) {
        Map<String, Object> status = codec.decodeObject(testbed.cli("status", "--json").out());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> programs = (List<Map<String, Object>>) status.get("programs");
        return programs.stream().filter(p -> program.equals(p.get("name"))).findFirst()
                .map(p -> p.get("pid") instanceof Number n ? n.longValue() : 0L).orElse(0L);
    }

    private static long number(Map<String, Object> message, String key) {
        return ((Number) message.get(key)).longValue();
    }

}
