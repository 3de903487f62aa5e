package org.swf.testbed.supervisor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.swf.testbed.ServiceUnavailableException;

/**
 * The program names, agent group and startsecs of a configuration this adapter wrote. Read back
 * from the file rather than remembered, because each CLI invocation is a new process and the
 * file is what the daemon runs.
 *
 * @param programs program names in file order
 * @param agents the members of the agent group
 * @param startSeconds each program's startsecs
 * @param priorities each program's priority
 */
record ConfIndex(List<String> programs, Set<String> agents, Map<String, Integer> startSeconds,
        Map<String, Integer> priorities) {

    ConfIndex {
        programs = List.copyOf(programs);
        agents = Set.copyOf(agents);
        startSeconds = Map.copyOf(startSeconds);
        priorities = Map.copyOf(priorities);
    }

    /**
     * @param conf the configuration file
     * @return its index, empty when the file does not exist
     */
    static Optional<ConfIndex> read(Path conf) {
        List<String> lines;
        try {
            lines = Files.readAllLines(conf, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ServiceUnavailableException("Cannot read the supervisord configuration " + conf + ": " + e, e);
        }
        return Optional.of(parse(lines));
    }

    /**
     * @param lines the file's lines
     * @return their index
     */
    static ConfIndex parse(List<String> lines) {
        List<String> programs = new ArrayList<>();
        Set<String> agents = new LinkedHashSet<>();
        Map<String, Integer> startSeconds = new LinkedHashMap<>();
        Map<String, Integer> priorities = new LinkedHashMap<>();
        String section = "";
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1);
                if (section.startsWith("program:")) {
                    programs.add(section.substring("program:".length()));
                }
                continue;
            }
            int equals = line.indexOf('=');
            if (equals < 0) {
                continue;
            }
            String key = line.substring(0, equals).strip();
            String value = line.substring(equals + 1).strip();
            if (section.startsWith("program:") && (key.equals("startsecs") || key.equals("priority"))) {
                try {
                    (key.equals("startsecs") ? startSeconds : priorities)
                            .put(section.substring("program:".length()), Integer.parseInt(value));
                } catch (NumberFormatException e) {
                    // Not written by us; the daemon will complain about it in its own words.
                }
            } else if (section.equals("group:" + SupervisordConfWriter.AGENT_GROUP) && key.equals("programs")) {
                for (String member : value.split(",")) {
                    if (!member.isBlank()) {
                        agents.add(member.strip());
                    }
                }
            }
        }
        return new ConfIndex(programs, agents, startSeconds, priorities);
    }

    /**
     * @param program a program name
     * @return how supervisorctl addresses it: {@code agents:NAME} for group members
     */
    String namespec(String program) {
        return agents.contains(program) ? SupervisordConfWriter.AGENT_GROUP + ":" + program : program;
    }

    /**
     * @return the programs in the order they must stop, as supervisorctl addresses them: one
     *     list per priority, highest first, as supervisord's own shutdown goes (agents, then the
     *     runner, then the broker)
     */
    List<List<String>> stopPhases() {
        java.util.TreeMap<Integer, List<String>> phases = new java.util.TreeMap<>(java.util.Comparator.reverseOrder());
        for (String program : programs) {
            // An unknown priority counts as supervisord's default, 999: such a program stops first.
            phases.computeIfAbsent(priorities.getOrDefault(program, 999), p -> new ArrayList<>()).add(namespec(program));
        }
        return List.copyOf(phases.values());
    }

    /**
     * @param program a program name
     * @return its startsecs, 1 (supervisord's default) when unknown
     */
    int startSecondsOf(String program) {
        return startSeconds.getOrDefault(program, 1);
    }
}
