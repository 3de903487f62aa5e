package org.swf.testbed.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerHoldTest {

    @TempDir
    Path state;

    @Test
    void nobodyHoldsABrokerOfAHomeWithoutTheFile() {
        assertThat(BrokerHold.isHeld(state)).isFalse();
    }

    @Test
    void aHoldIsSeenHereAndByOtherProcessesUntilItIsClosed() throws Exception {
        try (BrokerHold hold = BrokerHold.acquire(state)) {
            // Asking here must not drop the lock: another process still sees it afterwards.
            assertThat(BrokerHold.isHeld(state)).isTrue();
            assertThat(BrokerHold.isHeld(state)).isTrue();
            assertThat(anotherProcessCanLockExclusively()).isFalse();
        }
        assertThat(BrokerHold.isHeld(state)).isFalse();
        assertThat(anotherProcessCanLockExclusively()).isTrue();
    }

    @Test
    void twoHoldsInOneProcessLetGoOnlyWhenBothAreClosed() throws Exception {
        BrokerHold first = BrokerHold.acquire(state);
        BrokerHold second = BrokerHold.acquire(state);
        first.close();
        first.close();
        assertThat(anotherProcessCanLockExclusively()).isFalse();
        second.close();
        assertThat(anotherProcessCanLockExclusively()).isTrue();
    }

    /** Asks a separate process (python's fcntl lock, as the kernel sees it) for an exclusive lock on the file. */
    private boolean anotherProcessCanLockExclusively() throws IOException, InterruptedException {
        String probe = "import fcntl,sys\nf=open(sys.argv[1],'r+')\ntry:\n    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
                + "    print('free')\nexcept OSError:\n    print('held')\n";
        Process process = new ProcessBuilder(List.of("python3", "-c", probe,
                state.resolve(BrokerHold.FILE).toString())).redirectErrorStream(true).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(said).isIn("free", "held");
        return said.equals("free");
    }
}
