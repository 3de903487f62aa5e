package org.swf.testbed.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.swf.testbed.ConfigException;

/**
 * Finds the configuration file a user means, the way the original does: {@code testbed run}
 * reads {@code workflows/testbed.toml} (or the file {@code SWF_TESTBED_CONFIG} names), and
 * {@code testbed run NAME} tries {@code workflows/NAME}, {@code workflows/NAME.toml} and
 * {@code workflows/NAME_default.toml}, in that order.
 *
 * <p>A name is refused when it could reach outside {@code workflows/}: that keeps a command
 * arriving over the broker from reading arbitrary files.
 */
public final class ConfigLocator {

    /** The environment variable that names the default configuration file. */
    public static final String CONFIG_VARIABLE = TestbedEnvironment.CONFIG_VARIABLE;
    /** The file {@code testbed run} reads when given no name. */
    public static final String DEFAULT_CONFIG = "testbed.toml";

    private final Path home;
    private final TestbedEnvironment environment;

    /**
     * @param home the testbed home, the directory that holds {@code workflows/}
     * @param environment the process environment, for {@value #CONFIG_VARIABLE} (and, when a
     *     config sets no JVM options, {@value TestbedEnvironment#JAVA_OPTIONS_VARIABLE})
     */
    public ConfigLocator(Path home, TestbedEnvironment environment) {
        this.home = home.toAbsolutePath().normalize();
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    /** @return the directory that holds the configuration files */
    public Path workflowsDirectory() {
        return home.resolve("workflows");
    }

    /** @return the environment the configs are read in */
    public TestbedEnvironment environment() {
        return environment;
    }

    /** @return the testbed home */
    public Path home() {
        return home;
    }

    /**
     * @param name a configuration name, or null (or blank) for the default
     * @return the absolute path of an existing configuration file
     * @throws ConfigException when the name is unsafe or names no file
     */
    public Path locate(String name) {
        if (name == null || name.isBlank()) {
            return locateDefault();
        }
        requireSafeName(name);
        Path workflows = workflowsDirectory();
        List<String> candidates = List.of(name, name + ".toml", name + "_default.toml");
        for (String candidate : candidates) {
            Path path = workflows.resolve(candidate).normalize();
            if (path.startsWith(workflows) && Files.isRegularFile(path)) {
                return path;
            }
        }
        throw new ConfigException("Unknown config '" + name + "': none of "
                + String.join(", ", candidates.stream().map(c -> "workflows/" + c).toList())
                + " exists in " + home + ". Available: " + String.join(", ", available())
                + ". Pass one of those, or create the file");
    }

    private Path locateDefault() {
        Optional<String> configured = environment.defaultConfig();
        if (configured.isPresent()) {
            String fromEnvironment = configured.get();
            Path path = home.resolve(fromEnvironment).normalize();
            if (!Files.isRegularFile(path)) {
                throw new ConfigException(CONFIG_VARIABLE + "=" + fromEnvironment + " names no file (" + path
                        + "). Fix or unset " + CONFIG_VARIABLE + ", or pass a config name");
            }
            return path;
        }
        Path path = workflowsDirectory().resolve(DEFAULT_CONFIG);
        if (!Files.isRegularFile(path)) {
            throw new ConfigException("No default config: " + path + " does not exist. Run 'testbed init' in "
                    + home + " to create the example configs, or pass a config name");
        }
        return path;
    }

    private static void requireSafeName(String name) {
        boolean unsafe = name.contains("..") || name.startsWith("/") || name.startsWith("~") || name.contains("\\")
                || name.chars().anyMatch(c -> Character.isISOControl(c)) || Path.of(name).isAbsolute();
        if (unsafe) {
            throw new ConfigException("Config name '" + org.swf.testbed.port.ProgramSpec.printable(name)
                    + "' is refused: a config name must stay inside workflows/ (no '..', no absolute path)."
                    + " Use a name such as 'fast_processing'");
        }
    }

    /** @return the names of the configuration files in {@code workflows/}, sorted */
    public List<String> available() {
        try (Stream<Path> files = Files.list(workflowsDirectory())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".toml")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
