package org.swf.testbed.port;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How to run one supervised program. Everything here ends up in a generated supervisor
 * configuration file, so the constructor refuses any value that could change that file's
 * structure (line breaks, control characters, brackets in names).
 *
 * @param name program name, also the log file's name
 * @param role what the program is for; agents are started together
 * @param command the argument vector; never split from or joined into a shell string
 * @param directory working directory
 * @param environment extra variables for this program only
 * @param startSeconds how long the program must stay up to count as started
 * @param autoRestart whether the supervisor restarts it when it exits unexpectedly
 */
public record ProgramSpec(
        String name,
        ProgramRole role,
        List<String> command,
        Path directory,
        Map<String, String> environment,
        int startSeconds,
        boolean autoRestart) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** Validates every field; see the class comment for why values are restricted. */
    public ProgramSpec {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Invalid program name '" + printable(name)
                    + "': use letters, digits, '_', '.' or '-' (at most 64, starting with a letter or digit)");
        }
        if (role == null) {
            throw new IllegalArgumentException("Program '" + name + "' has no role");
        }
        if (command == null || command.isEmpty()) {
            throw new IllegalArgumentException("Program '" + name + "' has no command");
        }
        command = List.copyOf(command);
        command.forEach(argument -> requireSafe(name, "command argument", argument));
        if (directory == null) {
            throw new IllegalArgumentException("Program '" + name + "' has no working directory");
        }
        requireSafe(name, "directory", directory.toString());
        environment = Map.copyOf(environment == null ? Map.of() : environment);
        environment.forEach((key, value) -> {
            if (!ENV_KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("Program '" + name + "' has an invalid environment variable name '"
                        + printable(key) + "': use letters, digits and '_'");
            }
            requireSafe(name, "environment value of " + key, value);
        });
        if (startSeconds < 0 || startSeconds > 3600) {
            throw new IllegalArgumentException("Program '" + name + "' startsecs " + startSeconds
                    + " is out of range: use 0 to 3600");
        }
    }

    /**
     * Refuses text that could break out of one line of an INI-style file.
     *
     * @param owner the program or key the value belongs to, for the message
     * @param what which value this is, for the message
     * @param value the value
     */
    public static void requireSafe(String owner, String what, String value) {
        if (value == null) {
            throw new IllegalArgumentException(owner + ": " + what + " is missing");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                throw new IllegalArgumentException(owner + ": " + what + " '" + printable(value)
                        + "' contains a line break or control character; remove it");
            }
        }
    }

    /**
     * @param value any text, possibly null
     * @return the text with control characters shown as escapes, for error messages
     */
    public static String printable(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        for (char c : value.toCharArray()) {
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
