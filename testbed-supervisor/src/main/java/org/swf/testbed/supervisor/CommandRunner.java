package org.swf.testbed.supervisor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.TestbedException;
import org.swf.testbed.TestbedTimeoutException;
import org.swf.testbed.util.Await;

/**
 * Runs one external command the way DESIGN 3.4 asks: an argument vector (never a shell string),
 * a watchdog deadline, explicit accepted exit codes and captured output, so a hung supervisord
 * cannot hang the caller and nothing reaches this process's stdout.
 */
final class CommandRunner {

    /** How long to wait for output pipes after the process ended; a daemonizing child may hold them. */
    private static final Duration PUMP_STOP_TIMEOUT = Duration.ofSeconds(5);

    /**
     * What a command did.
     *
     * @param exitCode its exit code, one of the accepted ones
     * @param stdout what it printed on stdout
     * @param stderr what it printed on stderr
     */
    record Result(int exitCode, String stdout, String stderr) {

        /** @return stdout and stderr together, trimmed, for messages */
        String output() {
            String both = stderr.isBlank() ? stdout : stdout + (stdout.endsWith("\n") ? "" : "\n") + stderr;
            return both.strip();
        }
    }

    /**
     * @param argv the program and its arguments
     * @param environment the complete environment, or null to inherit this process's
     * @param timeout after which the process is killed
     * @param acceptedExitCodes the exit codes the caller interprets
     * @return the outcome
     * @throws TestbedTimeoutException when the deadline passed
     * @throws ServiceUnavailableException when the program could not be run
     * @throws TestbedException when it exited with another code
     */
    Result run(List<String> argv, Map<String, String> environment, Duration timeout, int... acceptedExitCodes) {
        CommandLine commandLine = new CommandLine(argv.get(0));
        argv.stream().skip(1).forEach(argument -> commandLine.addArgument(argument, false));
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        PumpStreamHandler streams = new PumpStreamHandler(stdout, stderr);
        streams.setStopTimeout(PUMP_STOP_TIMEOUT);
        ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(timeout).get();
        DefaultExecutor executor = DefaultExecutor.builder().setExecuteStreamHandler(streams).get();
        executor.setWatchdog(watchdog);
        executor.setExitValues(acceptedExitCodes);
        String shown = display(argv);
        try {
            int exitCode = executor.execute(commandLine, environment);
            return new Result(exitCode, text(stdout), text(stderr));
        } catch (ExecuteException e) {
            String output = new Result(e.getExitValue(), text(stdout), text(stderr)).output();
            if (watchdog.killedProcess()) {
                throw new TestbedTimeoutException("'" + shown + "' did not finish within " + Await.seconds(timeout)
                        + " and was killed" + (output.isEmpty() ? "" : " (it printed: " + output + ")")
                        + ". supervisord may be hung: check its log and, if needed, stop it", e);
            }
            throw new TestbedException("'" + shown + "' failed with exit code " + e.getExitValue()
                    + (output.isEmpty() ? "" : ": " + output) + " (expected " + Arrays.stream(acceptedExitCodes)
                    .mapToObj(Integer::toString).collect(Collectors.joining(" or ")) + ")", e);
        } catch (IOException e) {
            throw new ServiceUnavailableException("Could not run '" + shown + "': " + e.getMessage()
                    + ". Check that supervisor is installed: apt-get install -y supervisor (Debian/Ubuntu) or pip"
                    + " install supervisor", e);
        }
    }

    /**
     * @param argv an argument vector
     * @return it as one line for messages (not for execution)
     */
    static String display(List<String> argv) {
        return argv.stream().map(a -> a.isEmpty() || a.matches(".*[\\s'\"\\\\$].*") ? "'" + a.replace("'", "'\\''") + "'" : a)
                .collect(Collectors.joining(" "));
    }

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
