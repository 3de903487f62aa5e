package org.swf.testbed.agents.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.access.HomeMonitor;
import org.swf.testbed.port.InMemoryAgentReportStore;
import org.swf.testbed.port.InMemoryExecutionStore;
import org.swf.testbed.protocol.JsonCodec;

class MonitorApiServerTest {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path proc;

    private final HttpClient http = HttpClient.newHttpClient();

    private MonitorApiServer start() {
        ProcessPrograms programs = new ProcessPrograms(proc, null);
        MonitorApi api = new MonitorApi(new HomeMonitor.Secrets(TOKEN, TOKEN.replace('0', 'f')),
                new InMemoryAgentReportStore(new InMemoryExecutionStore()), new AgentHeartbeats(programs, "h"),
                programs, new JsonCodec());
        return MonitorApiServer.start(0, api, new JsonCodec()).orElseThrow();
    }

    private HttpResponse<String> post(int port, String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Token " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersWithTheTokenAndRefusesWithout() throws IOException, InterruptedException {
        try (MonitorApiServer server = start()) {
            HttpResponse<String> allowed = post(server.port(), "/api/state/next-agent-id/", TOKEN);
            HttpResponse<String> refused = post(server.port(), "/api/state/next-agent-id/", null);

            assertThat(allowed.statusCode()).isEqualTo(200);
            assertThat(allowed.body()).contains("\"agent_id\":1").contains("\"status\":\"success\"");
            assertThat(allowed.headers().firstValue("Content-Type")).contains("application/json");
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("\"detail\"");
        }
    }

    @Test
    void listensOnLoopbackOnly() throws IOException {
        try (MonitorApiServer server = start()) {
            Optional<InetAddress> external = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                    .flatMap(nic -> Collections.list(nic.getInetAddresses()).stream())
                    .filter(address -> !address.isLoopbackAddress() && !address.isLinkLocalAddress()).findFirst();
            if (external.isPresent()) {
                assertThat(canConnect(external.get(), server.port())).as("reachable at " + external.get()).isFalse();
            }
            assertThat(canConnect(InetAddress.getLoopbackAddress(), server.port())).isTrue();
        }
    }

    @Test
    void aPortInUseIsReportedAndNoServerStarts() {
        try (MonitorApiServer server = start()) {
            ProcessPrograms programs = new ProcessPrograms(proc, null);
            MonitorApi api = new MonitorApi(new HomeMonitor.Secrets(TOKEN, TOKEN), new InMemoryAgentReportStore(
                    new InMemoryExecutionStore()), new AgentHeartbeats(programs, "h"), programs, new JsonCodec());
            assertThat(MonitorApiServer.start(server.port(), api, new JsonCodec())).isEmpty();
        }
    }

    private static boolean canConnect(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new java.net.InetSocketAddress(address, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
