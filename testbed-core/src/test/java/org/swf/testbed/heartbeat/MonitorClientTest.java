package org.swf.testbed.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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
    void noMonitorConfiguredMeansNoClient() {
        assertThat(MonitorClient.fromEnvironment(TestbedEnvironment.empty())).isEmpty();
        assertThat(MonitorClient.fromEnvironment(TestbedEnvironment.of(Map.of("SWF_MONITOR_HTTP_URL", " ")))).isEmpty();
    }
}
