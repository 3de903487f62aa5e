package org.swf.testbed.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.config.TestbedEnvironment;

/** Heartbeats reach the monitor's REST API with its token, as the original agents send them. */
class MonitorClientTest {

    private final List<String[]> received = new CopyOnWriteArrayList<>();
    private HttpServer monitor;

    @BeforeEach
    void startMonitor() throws IOException {
        monitor = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        monitor.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new String[] {exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")), body});
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        monitor.start();
    }

    @AfterEach
    void stopMonitor() {
        monitor.stop(0);
    }

    @Test
    void theTestbedsOwnMonitorApiGetsNoHeartbeatsOurProgramsSendOnTheBrokerAlready() {
        assertThat(MonitorClient.fromEnvironment(TestbedEnvironment.of(Map.of("SWF_MONITOR_HTTP_URL",
                "http://127.0.0.1:4711/logs-key", "TESTBED_MONITOR_PORT", "4711")))).isEmpty();
    }

    @Test
    void postsToTheHeartbeatEndpointWithTheToken() {
        String url = "http://127.0.0.1:" + monitor.getAddress().getPort() + "/";
        MonitorClient client = MonitorClient.fromEnvironment(TestbedEnvironment.of(Map.of("SWF_MONITOR_HTTP_URL",
                url, "SWF_API_TOKEN", "secret-token"))).orElseThrow();

        client.post("{\"instance_name\":\"data-agent-alice-1\"}");
        client.flush();

        assertThat(received).singleElement().satisfies(request -> {
            assertThat(request[0]).isEqualTo("POST");
            assertThat(request[1]).isEqualTo("/api/systemagents/heartbeat/");
            assertThat(request[2]).isEqualTo("Token secret-token");
            assertThat(request[3]).contains("data-agent-alice-1");
        });
    }

    @Test
    void aMonitorThatNeverAnswersHoldsNeitherTheFlushNorThePostBeyondTheirDeadlines() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // held open, never answered
                    }
                } catch (IOException e) {
                    // closed by the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            MonitorClient client = new MonitorClient("http://127.0.0.1:" + silent.getLocalPort(), null,
                    Duration.ofSeconds(1));

            client.post("{\"instance_name\":\"data-agent-alice-1\"}");

            assertThat(client.flush(Duration.ofMillis(50))).as("the flush gives up at its deadline").isFalse();
            // The request timeout ends the POST itself: nothing waits on that monitor for ever.
            assertThat(client.flush(Duration.ofSeconds(30))).isTrue();
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }

    @Test
    void noMonitorConfiguredMeansNoClient() {
        assertThat(MonitorClient.fromEnvironment(TestbedEnvironment.empty())).isEmpty();
        assertThat(MonitorClient.fromEnvironment(TestbedEnvironment.of(Map.of("SWF_MONITOR_HTTP_URL", " ")))).isEmpty();
    }
}
