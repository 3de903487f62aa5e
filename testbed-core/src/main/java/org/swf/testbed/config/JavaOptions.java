package org.swf.testbed.config;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.swf.testbed.port.ProgramSpec;

/**
 * Options for the JVM of a built-in program (the workflow runner, a built-in agent), from a
 * config's {@code java_options} or from {@value TestbedEnvironment#JAVA_OPTIONS_VARIABLE}. The
 * program's java command line gets them after the testbed's own JVM options, so that they win
 * where both set the same one (the last {@code -Xmx} counts), and before the class path and main
 * class, which stay the testbed's.
 *
 * <p>Every option is one argument, from the config to the program's command line: never split,
 * never joined into a shell string. The constructor refuses what would make an option something
 * else on that command line: a line break (it would end a line of the generated supervisord
 * file), an argument that is no option (java would take it for the class to run), several options
 * in one string, and the launcher's options that choose what runs or take their value as the next
 * argument.
 *
 * @param arguments the options, each one argument of the java command line
 */
public record JavaOptions(List<String> arguments) {

    /** No options beyond the testbed's own. */
    public static final JavaOptions NONE = new JavaOptions(List.of());

    /**
     * Launcher options that choose what runs (class path, module, jar, source file) or make java
     * print something and exit: the testbed decides what its programs run.
     */
    private static final Set<String> PROGRAM_CHOOSING = Set.of("-cp", "-classpath", "--class-path", "-jar", "-m",
            "--module", "--source", "-d", "--describe-module", "--list-modules", "--validate-modules", "--dry-run",
            "-version", "--version", "-fullversion", "--full-version", "-help", "--help", "-h", "-?", "-X",
            "--help-extra");
    /** Launcher options that take their value as the next argument unless it follows an {@code =}. */
    private static final Set<String> VALUE_FOLLOWS = Set.of("-p", "--module-path", "--upgrade-module-path",
            "--add-modules", "--limit-modules", "--add-reads", "--add-exports", "--add-opens", "--patch-module",
            "--enable-native-access");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    /** Copies the options and refuses any that would not stay one JVM option (see the class comment). */
    public JavaOptions {
        arguments = List.copyOf(Objects.requireNonNull(arguments, "arguments"));
        arguments.forEach(JavaOptions::requireOneOption);
    }

    /**
     * Splits text at whitespace, as {@code bin/testbed} splits
     * {@value TestbedEnvironment#JAVA_OPTIONS_VARIABLE}: no quoting, no expansion.
     *
     * @param text options separated by whitespace
     * @return the options
     * @throws IllegalArgumentException naming the option that is refused and the fix
     */
    public static JavaOptions split(String text) {
        return new JavaOptions(WHITESPACE.splitAsStream(text.strip()).filter(option -> !option.isEmpty()).toList());
    }

    private static void requireOneOption(String option) {
        Objects.requireNonNull(option, "option");
        if (option.chars().anyMatch(c -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029')) {
            throw new IllegalArgumentException("'" + ProgramSpec.printable(option) + "' contains a line break or"
                    + " control character. Remove it");
        }
        if (option.isEmpty()) {
            throw new IllegalArgumentException("an empty string is no JVM option. Remove it");
        }
        if (!option.startsWith("-")) {
            throw new IllegalArgumentException("'" + option + "' is not a JVM option (those start with '-'): java"
                    + " would take it for the class to run. Write options such as \"-Xmx512m\" or \"-Dkey=value\"");
        }
        int equals = option.indexOf('=');
        String name = equals < 0 ? option : option.substring(0, equals);
        if (WHITESPACE.matcher(name).find()) {
            throw new IllegalArgumentException("'" + option + "' holds several options in one string: give each"
                    + " its own string, e.g. [\"-Xmx512m\", \"-Xss1m\"] (a space may only follow '=', in a value)");
        }
        if (PROGRAM_CHOOSING.contains(name)) {
            throw new IllegalArgumentException("'" + option + "' is not allowed: the testbed chooses the class path"
                    + " and the program its JVMs run. Remove it");
        }
        if (equals < 0 && VALUE_FOLLOWS.contains(name)) {
            throw new IllegalArgumentException("'" + option + "' needs its value in the same string: write \""
                    + option + "=VALUE\"");
        }
    }
}
