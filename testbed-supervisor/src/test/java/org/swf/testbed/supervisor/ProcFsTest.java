package org.swf.testbed.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.swf.testbed.supervisor.ProcFs.MarkedProcess;

class ProcFsTest {

    private static final Path CONF = Path.of("/home/ana/testbed/agents.supervisord.conf");

    @Test
    void statFieldsAreCountedAfterTheCommandName() {
        assertThat(ProcFs.parseStat("4242 (sleep) S 17 4242 4242 0 -1 ..."))
                .contains(new ProcFs.Stat('S', 17));
        assertThat(ProcFs.parseStat("4242 (a) b (c) Z 1 4242 ...")).contains(new ProcFs.Stat('Z', 1));
        assertThat(ProcFs.parseStat("garbage")).isEmpty();
    }

    @Test
    void recognisesSupervisordOfThisConfigurationOnly() {
        assertThat(ProcFs.isSupervisordFor(List.of("/usr/bin/python3", "/usr/bin/supervisord", "-c", CONF.toString()),
                CONF)).isTrue();
        assertThat(ProcFs.isSupervisordFor(List.of("supervisord", "--configuration=" + CONF), CONF)).isTrue();
        assertThat(ProcFs.isSupervisordFor(List.of("/usr/bin/python3", "/usr/bin/supervisord", "-c", "/other.conf"),
                CONF)).isFalse();
        assertThat(ProcFs.isSupervisordFor(List.of("/usr/bin/supervisorctl", "-c", CONF.toString(), "status"), CONF))
                .isFalse();
    }

    @Test
    void orphansAreTheTopMostProcessesNoLiveDaemonSupervises() {
        long daemon = 100;
        List<MarkedProcess> marked = List.of(
                new MarkedProcess(200, daemon, "managed"),      // child of the live daemon
                new MarkedProcess(201, 200, "managed"),         // its child
                new MarkedProcess(300, 1, "wrapped"),           // shell wrapper left under init
                new MarkedProcess(301, 300, "wrapped"),         // the wrapper's child
                new MarkedProcess(400, 1, "plain"),
                new MarkedProcess(500, 1, "escaped"),           // escaped the group of a managed program
                new MarkedProcess(600, 300, "other"));          // another program's process under a wrapper

        List<MarkedProcess> orphans = ProcFs.orphanTops(marked, Set.of(daemon));

        assertThat(orphans).extracting(MarkedProcess::pid).containsExactly(300L, 400L, 500L, 600L);
        assertThat(ProcFs.topsUnder(marked, daemon)).extracting(MarkedProcess::pid).containsExactly(200L);
    }

    @Test
    void withoutADaemonEveryTopIsAnOrphan() {
        List<MarkedProcess> marked = List.of(new MarkedProcess(200, 100, "a"), new MarkedProcess(201, 200, "a"));

        assertThat(ProcFs.orphanTops(marked, Set.of())).extracting(MarkedProcess::pid).containsExactly(200L);
    }

    @Test
    void thisJvmIsRunningAndAMadeUpPidIsNot() {
        assertThat(ProcFs.isRunning(ProcessHandle.current().pid())).isTrue();
        assertThat(ProcFs.isRunning(Integer.MAX_VALUE)).isFalse();
        assertThat(ProcFs.cmdline(ProcessHandle.current().pid())).isNotEmpty();
    }

    @Test
    void theRealUserIdIsTheFirstOfTheUidLine() {
        String status = "Name:\tsupervisord\nState:\tT (stopped)\nUid:\t1001\t1002\t1001\t1001\nGid:\t1001\n";

        assertThat(ProcFs.parseUid(status)).contains(1001);
        assertThat(ProcFs.parseUid("Name:\tx\n")).isEmpty();
    }

    @Test
    void thisJvmIsNotStoppedAndBelongsToItsUser() throws Exception {
        long self = ProcessHandle.current().pid();

        assertThat(ProcFs.isStopped(self)).isFalse();
        assertThat(ProcFs.isStopped(Integer.MAX_VALUE)).isFalse();
        assertThat(ProcFs.uid(self)).contains((Integer) java.nio.file.Files.getAttribute(Path.of("/proc/self"),
                "unix:uid"));
    }
}
