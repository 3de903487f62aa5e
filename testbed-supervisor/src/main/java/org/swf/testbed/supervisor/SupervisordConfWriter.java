package org.swf.testbed.supervisor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.config.TestbedEnvironment;
import org.swf.testbed.lifecycle.ShutdownBudget;
import org.swf.testbed.port.ProgramRole;
import org.swf.testbed.port.ProgramSpec;

/**
 * Renders and writes the supervisord configuration for a list of programs.
 *
 * <p>supervisord reads its file in three layers, and each value is written so that every layer
 * gives back exactly what the {@link ProgramSpec} says:
 * <ol>
 *   <li>Python's configparser, with {@code ;} and {@code #} after whitespace starting an inline
 *       comment and surrounding whitespace stripped;</li>
 *   <li>{@code %(name)s} expansion of every value (so {@code %} is doubled), after a literal
 *       replacement of {@code %(here)s} (so that sequence must never appear in the file);</li>
 *   <li>{@code command} is split by {@code shlex.split} (POSIX rules: double quotes, backslash
 *       escapes {@code "} and {@code \}); {@code environment} by a non-POSIX {@code shlex} in
 *       which quotes end a token, backslashes are literal and surrounding quote characters are
 *       stripped from each value.</li>
 * </ol>
 * A value that cannot be written faithfully is refused with an {@link IllegalArgumentException}
 * naming the program and the value, rather than reaching supervisord altered.
 */
public final class SupervisordConfWriter {

    /** The supervisord group holding every {@link ProgramRole#AGENT} program, so they start together. */
    public static final String AGENT_GROUP = "agents";

    /** Environment marker naming the configuration a process was started from; finds orphans. */
    public static final String CONF_MARKER = TestbedEnvironment.SUPERVISOR_CONF_VARIABLE;

    /** Environment marker naming the program a process belongs to. */
    public static final String PROGRAM_MARKER = TestbedEnvironment.PROGRAM_VARIABLE;

    /**
     * Priorities order the programs for supervisord's own shutdown (on {@code supervisorctl
     * shutdown}, SIGTERM, or the machine going down): it stops the group with the highest number
     * first and waits until all its programs have stopped before the next (supervisor 4.2.5,
     * {@code ordered_stop_groups_phase_1/2}). Agents (their group), then the runner, then the
     * broker: every agent and the runner still reach the broker with their exit heartbeat and
     * the runner's {@code end_run}. An agent's further copies stand alone, with the agents'
     * priority. Starting goes the other way (lowest first), the broker first, though here programs
     * start only when asked ({@code autostart=false}). supervisorctl's {@code stop all} also goes
     * lowest first, broker first, which is why {@link SupervisordProcessSupervisor#stopAll()}
     * stops one priority at a time, highest first.
     */
    static int priority(ProgramRole role) {
        return switch (role) {
            case BROKER -> 100;
            case RUNNER -> 200;
            case AGENT, REPLICA -> 300;
        };
    }

    /** How often supervisord retries a program that exits before startsecs. */
    public static final int START_RETRIES = 2;

    /**
     * How long supervisord waits after SIGTERM before SIGKILL: {@link ShutdownBudget#SUPERVISOR_GRACE},
     * which every built-in program's shutdown budget stays well inside.
     */
    public static final int STOP_WAIT_SECONDS = Math.toIntExact(ShutdownBudget.SUPERVISOR_GRACE.toSeconds());

    private final SupervisorLayout layout;

    /** @param layout where the file and the logs go */
    public SupervisordConfWriter(SupervisorLayout layout) {
        this.layout = Objects.requireNonNull(layout, "layout");
    }

    /**
     * Renders the configuration text; touches no file.
     *
     * @param programs every program supervisord should know
     * @return the file's text
     * @throws IllegalArgumentException when names repeat or a value cannot be written faithfully
     */
    public String render(List<ProgramSpec> programs) {
        Objects.requireNonNull(programs, "programs");
        Set<String> names = new HashSet<>();
        List<String> agents = new ArrayList<>();
        for (ProgramSpec program : programs) {
            if (!names.add(program.name())) {
                throw new IllegalArgumentException("Program '" + program.name()
                        + "' is defined twice: give every program its own name");
            }
            if (program.role() == ProgramRole.AGENT) {
                agents.add(program.name());
            }
        }
        if (!agents.isEmpty() && names.contains(AGENT_GROUP)) {
            throw new IllegalArgumentException("A program may not be named '" + AGENT_GROUP
                    + "': that name is reserved for the group of agents. Rename it");
        }
        String owner = "supervisord";
        String socket = plainValue(owner, "socket", layout.socket().toString());
        StringBuilder out = new StringBuilder();
        ProgramSpec.requireSafe(owner, "home", layout.home().toString());
        out.append("; Generated by testbed for ").append(layout.home())
                .append(". Do not edit: every 'testbed run' rewrites it.\n");
        out.append("[unix_http_server]\n");
        out.append("file=").append(socket).append('\n');
        out.append("chmod=0700\n\n");
        out.append("[supervisord]\n");
        out.append("logfile=").append(plainValue(owner, "logfile", layout.logDir().resolve("supervisord.log").toString()))
                .append('\n');
        out.append("pidfile=").append(plainValue(owner, "pidfile", layout.pidFile().toString())).append('\n');
        out.append("childlogdir=").append(plainValue(owner, "childlogdir", layout.logDir().toString())).append('\n');
        out.append("loglevel=info\n");
        // Programs inherit it: whatever they write (their logs above all) is the owner's alone.
        out.append("umask=077\n\n");
        out.append("[rpcinterface:supervisor]\n");
        out.append("supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n");
        out.append("[supervisorctl]\n");
        out.append("serverurl=unix://").append(socket).append("\n\n");
        for (ProgramSpec program : programs) {
            renderProgram(program, out);
        }
        if (!agents.isEmpty()) {
            out.append("[group:").append(AGENT_GROUP).append("]\n");
            out.append("priority=").append(priority(ProgramRole.AGENT)).append('\n');
            out.append("programs=").append(String.join(",", agents)).append('\n');
        }
        return out.toString();
    }

    /**
     * Renders the configuration and replaces the file atomically, so supervisord and
     * supervisorctl never read half a file. The file is private (mode 0600) because program
     * environments may hold credentials.
     *
     * @param programs every program supervisord should know
     * @return the file written
     * @throws IllegalArgumentException when a value cannot be written faithfully
     * @throws ServiceUnavailableException when the file cannot be written
     */
    public Path write(List<ProgramSpec> programs) {
        String text = render(programs);
        Path target = layout.confFile();
        Path temp = null;
        try {
            Files.createDirectories(target.getParent());
            temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } catch (IOException e) {
            throw new ServiceUnavailableException("Cannot write the supervisord configuration " + target + ": " + e
                    + ". Check the permissions and free space of " + target.getParent(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // Only a leftover temp file; the outcome is already decided.
                }
            }
        }
    }

    private void renderProgram(ProgramSpec program, StringBuilder out) {
        String name = program.name();
        out.append("[program:").append(name).append("]\n");
        List<String> arguments = new ArrayList<>();
        for (String argument : program.command()) {
            ProgramSpec.requireSafe(name, "command argument", argument);
            arguments.add(quoteArgument(argument));
        }
        out.append("command=").append(String.join(" ", arguments)).append('\n');
        out.append("directory=")
                .append(plainValue(name, "directory", program.directory().toAbsolutePath().normalize().toString()))
                .append('\n');
        Map<String, String> environment = new TreeMap<>(program.environment());
        for (String marker : List.of(CONF_MARKER, PROGRAM_MARKER)) {
            if (environment.containsKey(marker)) {
                throw new IllegalArgumentException("Program '" + name + "' sets the environment variable " + marker
                        + ", which testbed reserves to recognise its processes: remove it from the program's"
                        + " environment");
            }
        }
        List<String> pairs = new ArrayList<>();
        environment.forEach((key, value) -> pairs.add(key + "=" + quoteEnvironmentValue(name, key, value)));
        pairs.add(CONF_MARKER + "=" + quoteEnvironmentValue(name, CONF_MARKER, layout.confFile().toString()));
        pairs.add(PROGRAM_MARKER + "=" + quoteEnvironmentValue(name, PROGRAM_MARKER, name));
        out.append("environment=").append(String.join(",", pairs)).append('\n');
        out.append("autostart=false\n");
        out.append("priority=").append(priority(program.role())).append('\n');
        out.append("autorestart=").append(program.autoRestart()).append('\n');
        out.append("startsecs=").append(program.startSeconds()).append('\n');
        out.append("startretries=").append(START_RETRIES).append('\n');
        out.append("stopsignal=TERM\n");
        out.append("stopwaitsecs=").append(STOP_WAIT_SECONDS).append('\n');
        out.append("stopasgroup=true\n");
        out.append("killasgroup=true\n");
        out.append("stdout_logfile=").append(plainValue(name, "log file", layout.logDir().resolve(name + ".log")
                .toString())).append('\n');
        out.append("redirect_stderr=true\n");
        out.append("stdout_logfile_maxbytes=10MB\n");
        out.append("stdout_logfile_backups=2\n\n");
    }

    /**
     * Writes one command argument so that supervisord's expansion and {@code shlex.split} give
     * it back unchanged: double quotes around it, {@code \} and {@code "} escaped, {@code %}
     * doubled. An empty pair of quotes is inserted where configparser would otherwise see an
     * inline comment (whitespace before {@code ;} or {@code #}) or supervisord a
     * {@code %(here)s}; shlex joins the pieces again.
     *
     * @param argument one argument
     * @return its quoted form
     */
    static String quoteArgument(String argument) {
        StringBuilder out = new StringBuilder(argument.length() + 2).append('"');
        for (int i = 0; i < argument.length(); i++) {
            char c = argument.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '%' -> {
                    out.append("%%");
                    if (i + 1 < argument.length() && argument.charAt(i + 1) == '(') {
                        out.append("\"\"");
                    }
                }
                case ';', '#' -> {
                    if (i > 0 && isPythonSpace(argument.charAt(i - 1))) {
                        out.append("\"\"");
                    }
                    out.append(c);
                }
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /**
     * Writes one environment value for supervisord's {@code KEY="value"} list. Its lexer keeps
     * everything between two equal quotes literally (commas, backslashes, {@code =}) but knows
     * no escapes, and strips quote characters from both ends of the value. So a value is
     * double-quoted, or single-quoted when it contains a double quote, and refused when it
     * contains both kinds, starts or ends with a quote, or holds text configparser would cut.
     *
     * @param program the program, for the message
     * @param key the variable, for the message
     * @param value its value
     * @return the quoted value
     * @throws IllegalArgumentException when the value cannot be written faithfully
     */
    static String quoteEnvironmentValue(String program, String key, String value) {
        String what = "environment value of " + key;
        ProgramSpec.requireSafe(program, what, value);
        if (!value.isEmpty() && (isQuote(value.charAt(0)) || isQuote(value.charAt(value.length() - 1)))) {
            throw refused(program, what, value, "starts or ends with a quote character, which supervisord strips");
        }
        boolean hasDouble = value.indexOf('"') >= 0;
        boolean hasSingle = value.indexOf('\'') >= 0;
        if (hasDouble && hasSingle) {
            throw refused(program, what, value, "contains both ' and \", which supervisord cannot quote together");
        }
        requireNoInlineComment(program, what, value);
        String escaped = escapePercent(program, what, value);
        char quote = hasDouble ? '\'' : '"';
        return quote + escaped + quote;
    }

    /**
     * Writes a value that supervisord takes as it stands (paths): only {@code %} is doubled;
     * anything configparser would change is refused.
     *
     * @param owner the program or section, for the message
     * @param what which value, for the message
     * @param value the value
     * @return the value as written
     * @throws IllegalArgumentException when the value cannot be written faithfully
     */
    static String plainValue(String owner, String what, String value) {
        ProgramSpec.requireSafe(owner, what, value);
        if (value.isEmpty() || isPythonSpace(value.charAt(0)) || isPythonSpace(value.charAt(value.length() - 1))) {
            throw refused(owner, what, value, "is empty or starts or ends with whitespace");
        }
        requireNoInlineComment(owner, what, value);
        return escapePercent(owner, what, value);
    }

    private static void requireNoInlineComment(String owner, String what, String value) {
        for (int i = 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c == ';' || c == '#') && isPythonSpace(value.charAt(i - 1))) {
                throw refused(owner, what, value, "contains whitespace followed by '" + c
                        + "', which supervisord reads as the start of a comment");
            }
        }
    }

    private static String escapePercent(String owner, String what, String value) {
        String escaped = value.replace("%", "%%");
        if (escaped.contains("%(here)s")) {
            throw refused(owner, what, value, "contains '%(here)s', which supervisord replaces before anything else");
        }
        return escaped;
    }

    private static IllegalArgumentException refused(String owner, String what, String value, String why) {
        return new IllegalArgumentException(owner + ": " + what + " '" + ProgramSpec.printable(value) + "' " + why
                + ". Change the value");
    }

    private static boolean isQuote(char c) {
        return c == '"' || c == '\'';
    }

    /** Over-approximates Python's {@code str.isspace}, which decides what counts as whitespace in configparser. */
    static boolean isPythonSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085' || (c >= '\u001c' && c <= '\u001f');
    }
}
