package org.swf.testbed.supervisor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.swf.testbed.ServiceUnavailableException;

/**
 * Reads the Linux process table under {@code /proc}. The supervisord adapter needs it for what
 * supervisord cannot tell once it is dead: which processes it left behind (found by the
 * environment markers the configuration gives every program) and whether a daemon is really
 * gone. A zombie counts as gone: it runs nothing and holds no socket, and an init that reaps
 * slowly must not make a wait time out ({@link ProcessHandle#isAlive()} reports zombies alive).
 */
final class ProcFs {

    private static final Path PROC = Path.of("/proc");

    private ProcFs() {
    }

    /**
     * A process carrying the markers of one configuration.
     *
     * @param pid its id
     * @param parentPid its parent's id
     * @param program the value of its {@code TESTBED_PROGRAM} marker
     */
    record MarkedProcess(long pid, long parentPid, String program) {
    }

    /**
     * @param pid a process id
     * @return whether that process exists and is not a zombie
     */
    static boolean isRunning(long pid) {
        return stat(pid).map(stat -> stat.state() != 'Z' && stat.state() != 'X').orElse(false);
    }

    /**
     * @param pid a process id
     * @return whether that process is stopped by a signal (SIGSTOP, SIGTSTP) or a debugger: it
     *     cannot answer, nor act on SIGTERM, until it is continued
     */
    static boolean isStopped(long pid) {
        return stat(pid).map(stat -> stat.state() == 'T' || stat.state() == 't').orElse(false);
    }

    /**
     * @param pid a process id
     * @return its real user id, empty when it is gone or unreadable
     */
    static Optional<Integer> uid(long pid) {
        return read(pid, "status").flatMap(bytes -> parseUid(new String(bytes, StandardCharsets.UTF_8)));
    }

    /**
     * @param text the content of a {@code /proc/PID/status} file
     * @return the real user id from its {@code Uid:} line
     */
    static Optional<Integer> parseUid(String text) {
        for (String line : text.split("\n")) {
            if (line.startsWith("Uid:")) {
                String[] ids = line.substring(4).strip().split("\\s+");
                try {
                    return Optional.of(Integer.parseInt(ids[0]));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The fields of {@code /proc/PID/stat} this adapter uses.
     *
     * @param state the one-letter process state
     * @param parentPid the parent's id
     */
    record Stat(char state, long parentPid) {
    }

    /**
     * @param pid a process id
     * @return its state and parent, empty when it does not exist
     */
    static Optional<Stat> stat(long pid) {
        return read(pid, "stat").map(bytes -> new String(bytes, StandardCharsets.UTF_8)).flatMap(ProcFs::parseStat);
    }

    /**
     * @param text the content of a {@code /proc/PID/stat} file
     * @return its state and parent; the command name may contain spaces and parentheses, so
     *     fields are counted from its last closing parenthesis
     */
    static Optional<Stat> parseStat(String text) {
        int close = text.lastIndexOf(')');
        if (close < 0) {
            return Optional.empty();
        }
        String[] fields = text.substring(close + 1).strip().split("\\s+");
        if (fields.length < 2 || fields[0].isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Stat(fields[0].charAt(0), Long.parseLong(fields[1])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * @param pid a process id
     * @return its argument vector, empty when unreadable or gone
     */
    static List<String> cmdline(long pid) {
        return read(pid, "cmdline").map(ProcFs::splitNul).orElse(List.of());
    }

    /**
     * @param conf an absolute configuration path
     * @return every running process that carries {@code TESTBED_SUPERVISOR_CONF=conf}
     */
    static List<MarkedProcess> markedProcesses(Path conf) {
        String confEntry = SupervisordConfWriter.CONF_MARKER + "=" + conf;
        String programPrefix = SupervisordConfWriter.PROGRAM_MARKER + "=";
        List<MarkedProcess> marked = new ArrayList<>();
        for (long pid : pids()) {
            Optional<byte[]> environ = read(pid, "environ");
            if (environ.isEmpty()) {
                continue;
            }
            List<String> entries = splitNul(environ.get());
            if (!entries.contains(confEntry)) {
                continue;
            }
            String program = entries.stream().filter(e -> e.startsWith(programPrefix))
                    .map(e -> e.substring(programPrefix.length())).findFirst().orElse("");
            Optional<Stat> stat = stat(pid);
            if (program.isEmpty() || stat.isEmpty() || stat.get().state() == 'Z' || stat.get().state() == 'X') {
                continue;
            }
            marked.add(new MarkedProcess(pid, stat.get().parentPid(), program));
        }
        return marked;
    }

    /**
     * @param conf an absolute configuration path
     * @return every running supervisord started with {@code -c conf}
     */
    static List<Long> supervisordsFor(Path conf) {
        List<Long> daemons = new ArrayList<>();
        for (long pid : pids()) {
            if (isSupervisordFor(cmdline(pid), conf) && isRunning(pid)) {
                daemons.add(pid);
            }
        }
        return daemons;
    }

    /**
     * @param argv a process's argument vector
     * @param conf an absolute configuration path
     * @return whether it is {@code supervisord -c conf} (directly or through its interpreter)
     */
    static boolean isSupervisordFor(List<String> argv, Path conf) {
        boolean supervisord = argv.stream().limit(3).anyMatch(a -> a.equals("supervisord") || a.endsWith("/supervisord"));
        if (!supervisord) {
            return false;
        }
        String path = conf.toString();
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if ((a.equals("-c") || a.equals("--configuration")) && i + 1 < argv.size() && argv.get(i + 1).equals(path)
                    || a.equals("-c" + path) || a.equals("--configuration=" + path)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Picks, per program, the top-most marked processes that no live daemon supervises: a shell
     * wrapper rather than its child, because ending the top ends the program.
     *
     * @param marked the marked processes of one configuration
     * @param daemons the live supervisord processes of that configuration
     * @return the orphaned tops, oldest pid first
     */
    static List<MarkedProcess> orphanTops(Collection<MarkedProcess> marked, Set<Long> daemons) {
        Map<Long, MarkedProcess> byPid = new HashMap<>();
        marked.forEach(p -> byPid.put(p.pid(), p));
        Map<Long, MarkedProcess> tops = new LinkedHashMap<>();
        for (MarkedProcess process : marked) {
            MarkedProcess top = top(process, byPid);
            if (!daemons.contains(top.parentPid()) && !daemons.contains(top.pid())) {
                tops.putIfAbsent(top.pid(), top);
            }
        }
        return tops.values().stream().sorted(Comparator.comparingLong(MarkedProcess::pid)).toList();
    }

    /**
     * @param marked the marked processes of one configuration
     * @param daemon a supervisord that does not answer
     * @return the tops whose parent is that daemon, one per process
     */
    static List<MarkedProcess> topsUnder(Collection<MarkedProcess> marked, long daemon) {
        Map<Long, MarkedProcess> byPid = new HashMap<>();
        marked.forEach(p -> byPid.put(p.pid(), p));
        return marked.stream().map(p -> top(p, byPid)).filter(t -> t.parentPid() == daemon).distinct()
                .sorted(Comparator.comparingLong(MarkedProcess::pid)).toList();
    }

    private static MarkedProcess top(MarkedProcess process, Map<Long, MarkedProcess> byPid) {
        MarkedProcess top = process;
        for (int depth = 0; depth < 64; depth++) {
            MarkedProcess parent = byPid.get(top.parentPid());
            if (parent == null || !parent.program().equals(process.program())) {
                break;
            }
            top = parent;
        }
        return top;
    }

    private static List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, entry -> isNumber(entry.getFileName().toString()))) {
            for (Path entry : entries) {
                pids.add(Long.parseLong(entry.getFileName().toString()));
            }
        } catch (IOException e) {
            throw new ServiceUnavailableException("Cannot list " + PROC + ": " + e + ". The supervisord adapter needs Linux", e);
        }
        return pids;
    }

    private static boolean isNumber(String name) {
        return !name.isEmpty() && name.length() < 19 && name.chars().allMatch(Character::isDigit);
    }

    private static Optional<byte[]> read(long pid, String file) {
        try {
            return Optional.of(Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve(file)));
        } catch (IOException e) {
            // Gone, or not ours to read: either way not a process we manage.
            return Optional.empty();
        }
    }

    private static List<String> splitNul(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.isEmpty()) {
            return List.of();
        }
        return Arrays.asList(text.split("\0"));
    }
}
