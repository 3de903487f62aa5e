package org.swf.testbed.agents.monitor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.swf.testbed.config.TestbedEnvironment;

/**
 * Which supervised program of this testbed home a process belongs to, from the markers the
 * generated supervisord config puts in every program's environment and that its children inherit
 * ({@code TESTBED_SUPERVISOR_CONF}, {@code TESTBED_PROGRAM}). An agent's heartbeat names only its
 * pid; this is what maps it to a program, as our own agents name theirs. A process of another
 * home, of another user (whose environment the kernel does not show us) or of no home at all
 * belongs to no program.
 */
public final class ProcessPrograms {

    private final Path proc;
    private final String confMarker;

    /**
     * @param proc the process table, {@code /proc}
     * @param supervisorConf the supervisord config of this home's programs (this runner's own
     *     {@code TESTBED_SUPERVISOR_CONF}), or null when this runner is not supervised: then no
     *     process is recognised
     */
    public ProcessPrograms(Path proc, String supervisorConf) {
        this.proc = proc;
        this.confMarker = supervisorConf == null ? null
                : TestbedEnvironment.SUPERVISOR_CONF_VARIABLE + "=" + supervisorConf;
    }

    /**
     * @param environment this runner's environment
     * @return the programs of the home this runner belongs to, read from {@code /proc}
     */
    public static ProcessPrograms ofThisHome(TestbedEnvironment environment) {
        return new ProcessPrograms(Path.of("/proc"), environment.supervisorConf().orElse(null));
    }

    /**
     * @param pid a process id, as an agent reported it
     * @return the program it runs as, when it is a process of this home
     */
    public Optional<String> programOf(long pid) {
        if (confMarker == null || pid <= 0) {
            return Optional.empty();
        }
        byte[] environ;
        try {
            environ = Files.readAllBytes(proc.resolve(Long.toString(pid)).resolve("environ"));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
        String programPrefix = TestbedEnvironment.PROGRAM_VARIABLE + "=";
        boolean ofThisHome = false;
        String program = null;
        for (String entry : new String(environ, StandardCharsets.UTF_8).split("\0")) {
            if (entry.equals(confMarker)) {
                ofThisHome = true;
            } else if (entry.startsWith(programPrefix)) {
                program = entry.substring(programPrefix.length());
            }
        }
        return ofThisHome && program != null && !program.isEmpty() ? Optional.of(program) : Optional.empty();
    }
}
