package org.swf.testbed.supervisor;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Helpers for integration tests that own a real supervisord: inspection through /proc and a thorough cleanup. */
final class SupervisordTestSupport {

    private SupervisordTestSupport() {
    }

    /**
     * Ends everything a test started for this layout, whatever state it is in: every supervisord
     * of the configuration and every process carrying the configuration's marker get SIGKILL
     * (the test is over, nothing needs a graceful stop), then the runtime directory goes.
     *
     * @param layout the test's layout
     */
    static void destroyEverything(SupervisorLayout layout) {
        List<Long> daemons = daemons(layout);
        // A test may have left one stopped (kill -STOP); SIGKILL ends it anyway, SIGCONT makes sure.
        daemons.forEach(pid -> signal(pid, "CONT"));
        daemons.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        await("supervisord " + daemons + " to exit").atMost(Duration.ofSeconds(10))
                .until(() -> daemons.stream().noneMatch(ProcFs::isRunning));
        await("marked processes to exit").atMost(Duration.ofSeconds(10)).until(() -> {
            List<ProcFs.MarkedProcess> left = marked(layout);
            left.forEach(process -> ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly));
            return left.isEmpty();
        });
        deleteRecursively(layout.runtimeDir());
    }

    /**
     * Sends a signal the JDK cannot send (it knows only TERM and KILL), with the system's kill.
     *
     * @param pid the process
     * @param signal its name without SIG, e.g. "STOP" or "CONT"
     */
    static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new AssertionError("kill -" + signal + " " + pid + " did not finish");
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run kill -" + signal + " " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Stops the layout's supervisord with SIGSTOP and waits until the kernel has stopped it.
     *
     * @param layout a test's layout with a running supervisord
     * @return its pid, for the SIGCONT a test's cleanup sends
     */
    static long stopDaemon(SupervisorLayout layout) {
        long daemon = pidFromFile(layout);
        signal(daemon, "STOP");
        await("supervisord " + daemon + " to be stopped").atMost(Duration.ofSeconds(10))
                .until(() -> ProcFs.isStopped(daemon));
        return daemon;
    }

    /**
     * @param layout a test's layout
     * @return the running supervisord processes of its configuration
     */
    static List<Long> daemons(SupervisorLayout layout) {
        return ProcFs.supervisordsFor(layout.confFile());
    }

    /**
     * @param layout a test's layout
     * @return every running process carrying its configuration marker
     */
    static List<ProcFs.MarkedProcess> marked(SupervisorLayout layout) {
        return ProcFs.markedProcesses(layout.confFile());
    }

    /**
     * @param layout a test's layout
     * @return per program, how many top-most marked processes run (a copy of the program each)
     */
    static Map<String, Long> copiesPerProgram(SupervisorLayout layout) {
        List<ProcFs.MarkedProcess> marked = marked(layout);
        return marked.stream().filter(p -> marked.stream().noneMatch(parent -> parent.pid() == p.parentPid()
                        && parent.program().equals(p.program())))
                .collect(Collectors.groupingBy(ProcFs.MarkedProcess::program, Collectors.counting()));
    }

    /**
     * @param layout a test's layout
     * @return the pid in supervisord's pidfile
     */
    static long pidFromFile(SupervisorLayout layout) {
        try {
            return Long.parseLong(Files.readString(layout.pidFile()).strip());
        } catch (IOException e) {
            throw new AssertionError("cannot read " + layout.pidFile(), e);
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot delete " + directory, e);
        }
    }
}
