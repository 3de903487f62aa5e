package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.access.HomeMonitor;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;

/**
 * An agent of our own in Python that speaks the original BaseAgent's protocol (stomp.py with the
 * ACTIVEMQ_* login; agent id, subscriber, heartbeats, logs, runs and STF files over the monitor
 * API with the home's token) runs as a command program beside the built-in runner, with no
 * monitor but the one the runner serves.
 */
class PythonAgentIT {

    private static final int STFS = 3;
    /** The test subscribes after run returns: time for that on a loaded machine (as FullRunIT gives). */
    private static final int LEAD_IN_SECONDS = 6;

    private final JsonCodec codec = new JsonCodec();
    private TestbedHome testbed;

    @AfterEach
    void tearDown() {
        if (testbed != null) {
            testbed.close();
        }
    }

    @Test
    void anAgentOfTheOriginalsProtocolGetsAnIdIsAwaitedShownAndWhatItReportsIsKept() throws Exception {
        testbed = new TestbedHome("it-python");
        Files.createDirectories(testbed.home.resolve("agents"));
        testbed.user.write(testbed.home.resolve("agents/own_stf_agent.py"), resource("python-agent/own_stf_agent.py"));
        testbed.quickWorkflowOf(STFS, """
                [agents.own]
                enabled = true
                command = ["python3", "-u", "agents/own_stf_agent.py"]
                ready = "heartbeat"
                """, LEAD_IN_SECONDS);

        // run returns only once the agent has reported READY, over HTTP alone.
        TestbedHome.Result run = testbed.cli("run");

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("Started: broker, workflow-runner, own-agent");
        // Asked at once: the agent reports READY 2 s after it runs, so only a run that waited finds it so.
        assertThat(programs(codec.decodeObject(testbed.cli("status", "--json").out())))
                .filteredOn(p -> "own-agent".equals(p.get("name"))).singleElement()
                .satisfies(own -> assertThat(own).containsEntry("operational_state", "READY"));
        String executionId = run.out().replaceAll("(?s).*Workflow triggered: (\\S+) .*", "$1").strip();
        List<Map<String, Object>> epictopic = new CopyOnWriteArrayList<>();
        try (MessageBus bus = testbed.connect("it")) {
            bus.subscribe(Destinations.EPICTOPIC, message -> epictopic.add(codec.decodeObject(message.body())));
            await().atMost(Duration.ofSeconds(60)).until(() -> count(epictopic, "end_run") == 1
                    && count(epictopic, "stf_ready") == STFS);
        }
        List<Object> generated = epictopic.stream().filter(m -> "stf_gen".equals(m.get("msg_type")))
                .map(m -> m.get("filename")).toList();
        List<Map<String, Object>> ready = epictopic.stream().filter(m -> "stf_ready".equals(m.get("msg_type")))
                .toList();
        assertThat(generated).hasSize(STFS);
        assertThat(ready).extracting(m -> m.get("filename")).containsExactlyElementsOf(generated);
        String agentName = String.valueOf(ready.get(0).get("processed_by"));
        assertThat(agentName).matches("own_data-agent-" + testbed.user.name + "-1");
        assertThat(ready).allSatisfy(m -> assertThat(m).containsEntry("namespace", "it-python")
                .containsEntry("sender", agentName));

        Map<String, Object> status = codec.decodeObject(testbed.cli("status", "--json").out());
        assertThat(programs(status)).filteredOn(p -> "own-agent".equals(p.get("name"))).singleElement()
                .satisfies(own -> assertThat(own).containsEntry("state", "RUNNING").containsEntry("failing", false)
                        .containsEntry("operational_state", "READY").containsKey("seconds_since_heartbeat"));

        // Its runs and STF files are the execution's.
        await().atMost(Duration.ofSeconds(10)).until(() -> stfFiles(executionId).size() == STFS
                && stfFiles(executionId).stream().allMatch(f -> "processed".equals(f.get("status"))));
        assertThat(stfFiles(executionId)).extracting(f -> f.get("stf_filename")).containsExactlyInAnyOrderElementsOf(
                generated);
        assertThat(stfFiles(executionId)).allSatisfy(f -> assertThat(f).containsEntry("created_by", agentName));
        assertThat(testbed.cli("workflows", executionId).out()).contains("STF files registered (" + STFS + ")",
                agentName);
        assertThat(testbed.cli("logs", "own", "--reported").out()).contains(agentName + ": " + agentName
                + " ready in namespace it-python").contains("stf " + generated.get(0) + " ready");

        // The API answers the home's token only, and on loopback only.
        int port = Integer.parseInt(readPort());
        HttpClient http = HttpClient.newHttpClient();
        assertThat(post(http, port, null).statusCode()).isEqualTo(403);
        assertThat(post(http, port, "Token " + "0".repeat(40)).statusCode()).isEqualTo(403);
        HttpResponse<String> allowed = post(http, port, "Token " + readSecret("token"));
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(codec.decodeObject(allowed.body())).containsEntry("status", "success").containsEntry("agent_id", 2);
        Optional<InetAddress> external = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(nic -> Collections.list(nic.getInetAddresses()).stream())
                .filter(address -> !address.isLoopbackAddress() && !address.isLinkLocalAddress()).findFirst();
        external.ifPresent(address -> assertThat(reachable(address, port)).as("reachable at " + address).isFalse());

        assertThat(testbed.cli("stop-agents").code()).isZero();
    }

    private List<Map<String, Object>> stfFiles(String executionId) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> files = (List<Map<String, Object>>) codec.decodeObject(
                testbed.cli("workflows", executionId, "--json").out()).get("stf_files");
        return files;
    }

    private HttpResponse<String> post(HttpClient http, int port, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(HomeMonitor.baseUrl(port)
                + "/api/state/next-agent-id/")).POST(HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String readPort() throws IOException {
        return value(HomeMonitor.PORT_FILE, "port");
    }

    private String readSecret(String key) throws IOException {
        return value(HomeMonitor.SECRETS_FILE, key);
    }

    private String value(String file, String key) throws IOException {
        return Files.readAllLines(testbed.home.resolve(".testbed").resolve(file)).stream()
                .filter(line -> line.startsWith(key + "=")).map(line -> line.substring(key.length() + 1)).findFirst()
                .orElseThrow();
    }

    private static boolean reachable(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static long count(List<Map<String, Object>> messages, String type) {
        return messages.stream().filter(m -> type.equals(m.get("msg_type"))).count();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> programs(Map<String, Object> status) {
        return (List<Map<String, Object>>) status.get("programs");
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = PythonAgentIT.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
