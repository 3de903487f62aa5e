package org.swf.testbed.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HomeMonitorTest {

    @TempDir
    Path home;

    private HomeMonitor monitor() {
        return new HomeMonitor(home.resolve(".testbed"));
    }

    @Test
    void theSecretsAreMadeOncePrivateAndNeverShown() throws IOException {
        HomeMonitor.Secrets first = monitor().secrets();

        assertThat(first.token()).matches("[0-9a-f]{40}");
        assertThat(first.logKey()).matches("[0-9a-f]{40}").isNotEqualTo(first.token());
        assertThat(monitor().secrets()).isEqualTo(first);
        assertThat(first.toString()).doesNotContain(first.token()).doesNotContain(first.logKey());
        assertThat(Files.getPosixFilePermissions(monitor().secretsFile()))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(new HomeMonitor(home.resolve("other")).secrets().token()).isNotEqualTo(first.token());
    }

    @Test
    void onlyTheExactTokenAndKeyMatch() {
        HomeMonitor.Secrets secrets = monitor().secrets();
        assertThat(secrets.isToken(secrets.token())).isTrue();
        assertThat(secrets.isToken(secrets.logKey())).isFalse();
        assertThat(secrets.isToken(secrets.token().substring(1))).isFalse();
        assertThat(secrets.isToken(null)).isFalse();
        assertThat(secrets.isLogKey(secrets.logKey())).isTrue();
        assertThat(secrets.isLogKey(secrets.token())).isFalse();
    }

    @Test
    void programsGetTheApiItsTokenAndALogUrlCarryingTheLogKey() {
        HomeMonitor.Secrets secrets = monitor().secrets();
        Map<String, String> environment = monitor().programEnvironment(4711);

        assertThat(environment).containsEntry("SWF_MONITOR_URL", "http://127.0.0.1:4711")
                .containsEntry("SWF_MONITOR_HTTP_URL", "http://127.0.0.1:4711/logs-" + secrets.logKey())
                .containsEntry("SWF_API_TOKEN", secrets.token())
                .containsEntry("TESTBED_MONITOR_PORT", "4711");
    }

    @Test
    void thePortIsKeptWhileFreeAndReplacedWhenTaken() throws IOException {
        int first = monitor().choosePort();
        assertThat(monitor().recordedPort()).hasValue(first);
        assertThat(monitor().choosePort()).isEqualTo(first);
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), first));
            int second = monitor().choosePort();
            assertThat(second).isNotEqualTo(first);
            assertThat(monitor().recordedPort()).hasValue(second);
        }
    }
}
