package org.swf.testbed.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.swf.testbed.ConfigException;
import org.swf.testbed.port.ProgramSpec;

/**
 * Loads a testbed configuration file and checks everything in it before anything starts.
 *
 * <p>Every value that may end up in the generated supervisord file or a process's environment
 * is checked here, with a message naming the file, the key and the fix: a config must never
 * be able to change the structure of that file.
 */
public final class TestbedConfigReader {

    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final String JAVA_OPTIONS = "java_options";
    private static final Set<String> AGENT_KEYS = Set.of("enabled", "type", "command", "script", "args",
            "environment", "startsecs", "autorestart", "description", JAVA_OPTIONS, "ready", "replicas", "host",
            "hosts");
    private static final int DEFAULT_START_SECONDS = 1;

    private final TomlConfigParser parser = new TomlConfigParser();
    private final ConfigLocator locator;

    /** @param locator resolves config names inside the testbed home */
    public TestbedConfigReader(ConfigLocator locator) {
        this.locator = locator;
    }

    /**
     * @param name a config name as {@code testbed run NAME} takes it, or null for the default
     * @return the validated configuration
     * @throws ConfigException naming the file, key and fix
     */
    public TestbedConfig read(String name) {
        return read(locator.locate(name));
    }

    /**
     * @param file a configuration file
     * @return the validated configuration
     * @throws ConfigException naming the file, key and fix
     */
    public TestbedConfig read(Path file) {
        Path source = file.toAbsolutePath().normalize();
        String shown = shown(source);
        Map<String, Object> document = parser.parse(source, shown);
        Map<String, Map<String, Object>> tables = new LinkedHashMap<>();
        document.forEach((key, value) -> {
            if (value instanceof Map<?, ?> table) {
                tables.put(key, cast(table));
            }
        });
        Map<String, Object> testbed = tables.get("testbed");
        String namespace = namespace(shown, testbed);
        JavaOptions javaOptions = testbed.containsKey(JAVA_OPTIONS) ? javaOptions(shown + ": [testbed]", testbed)
                : locator.environment().javaOptions();
        List<AgentSpec> agents = agents(shown, tables.get("agents"), javaOptions);
        WorkflowSettings workflow = workflow(shown, tables.getOrDefault("workflow", Map.of()));
        BrokerSettings broker = broker(shown, locator.home(), tables.get("broker"));
        Map<String, Object> parameters = tables.getOrDefault("parameters", Map.of());
        return new TestbedConfig(source, locator.home(), namespace, agents, workflow, broker, javaOptions, parameters,
                tables);
    }

    private String shown(Path source) {
        Path home = locator.home();
        return source.startsWith(home) ? home.relativize(source).toString() : source.toString();
    }

    private static String namespace(String shown, Map<String, Object> testbed) {
        if (testbed == null || !testbed.containsKey("namespace")) {
            throw new ConfigException(shown + ": [testbed] namespace is missing. Add a [testbed] table with"
                    + " namespace = \"your-namespace\" (it isolates your agents from other users')");
        }
        Object value = testbed.get("namespace");
        if (!(value instanceof String namespace) || namespace.isBlank()) {
            throw new ConfigException(shown + ": [testbed] namespace is empty. Set namespace = \"your-namespace\"");
        }
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw new ConfigException(shown + ": [testbed] namespace '" + ProgramSpec.printable(namespace)
                    + "' is invalid: use letters, digits, '_', '.' or '-' (at most 64)");
        }
        return namespace;
    }

    /**
     * @param testbedJavaOptions the JVM options of built-in agents whose table sets none
     */
    private static List<AgentSpec> agents(String shown, Map<String, Object> agentsTable,
            JavaOptions testbedJavaOptions) {
        List<AgentSpec> agents = new ArrayList<>();
        if (agentsTable == null) {
            return agents;
        }
        for (Map.Entry<String, Object> entry : agentsTable.entrySet()) {
            String key = entry.getKey();
            String where = shown + ": [agents." + ProgramSpec.printable(key) + "]";
            if (!AgentSpec.KEY.matcher(key).matches()) {
                throw new ConfigException(shown + ": agent key '" + ProgramSpec.printable(key) + "' is invalid:"
                        + " use letters, digits, '_' or '-' (no spaces, brackets or line breaks)");
            }
            if (!(entry.getValue() instanceof Map<?, ?> raw)) {
                throw new ConfigException(where + " must be a table, e.g. [agents." + key + "] with enabled = true");
            }
            agents.add(agent(where, key, cast(raw), testbedJavaOptions));
        }
        return agents;
    }

    private static AgentSpec agent(String where, String key, Map<String, Object> table,
            JavaOptions testbedJavaOptions) {
        for (String field : table.keySet()) {
            if (!AGENT_KEYS.contains(field)) {
                throw new ConfigException(where + ": unknown key '" + ProgramSpec.printable(field) + "'. Known keys: "
                        + String.join(", ", AGENT_KEYS.stream().sorted().toList()));
            }
        }
        boolean enabled = bool(where, table, "enabled", false);
        if (table.containsKey("command") && table.containsKey("script")) {
            throw new ConfigException(where + ": has both command and script. Keep one of them");
        }
        List<String> args = strings(where, table, "args");
        AgentLaunch launch;
        if (table.containsKey("command")) {
            List<String> argv = new ArrayList<>(strings(where, table, "command"));
            if (argv.isEmpty()) {
                throw new ConfigException(where + ": command is empty. Give the program and its arguments,"
                        + " e.g. command = [\"python3\", \"my_agent.py\"]");
            }
            argv.addAll(args);
            launch = new AgentLaunch.Command(argv);
        } else if (table.containsKey("script")) {
            launch = new AgentLaunch.Script(string(where, table, "script"));
        } else {
            launch = new AgentLaunch.BuiltIn(table.containsKey("type") ? string(where, table, "type") : key);
        }
        Map<String, String> environment = new LinkedHashMap<>();
        Object rawEnvironment = table.get("environment");
        if (rawEnvironment != null) {
            if (!(rawEnvironment instanceof Map<?, ?> variables)) {
                throw new ConfigException(where + ": environment must be a table, e.g. environment = { LOG_LEVEL = \"debug\" }");
            }
            for (Map.Entry<?, ?> variable : variables.entrySet()) {
                String name = String.valueOf(variable.getKey());
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw new ConfigException(where + ": environment variable name '" + ProgramSpec.printable(name)
                            + "' is invalid: use letters, digits and '_'");
                }
                Object value = variable.getValue();
                if (value instanceof Map || value instanceof List) {
                    throw new ConfigException(where + ": environment." + name + " must be a string, number or boolean");
                }
                environment.put(name, safe(where, "environment." + name, String.valueOf(value)));
            }
        }
        long startSeconds = integer(where, table, "startsecs", DEFAULT_START_SECONDS);
        if (startSeconds < 0 || startSeconds > 3600) {
            throw new ConfigException(where + ": startsecs = " + startSeconds + " is out of range: use 0 to 3600");
        }
        boolean autoRestart = bool(where, table, "autorestart", true);
        JavaOptions javaOptions = testbedJavaOptions;
        if (table.containsKey(JAVA_OPTIONS)) {
            if (launch instanceof AgentLaunch.Command) {
                // Ignoring them would leave the user wondering why the program never got them.
                throw new ConfigException(where + ": " + JAVA_OPTIONS + " applies only to built-in agents, whose"
                        + " JVMs the testbed starts; a command runs as given. Put JVM options into the command, or"
                        + " remove " + JAVA_OPTIONS);
            }
            javaOptions = javaOptions(where, table);
        }
        Readiness ready = null;
        if (table.containsKey("ready")) {
            String word = string(where, table, "ready");
            ready = Readiness.of(word).orElseThrow(() -> new ConfigException(where + ": ready = \"" + word
                    + "\" is unknown. Use \"heartbeat\" (wait for its READY heartbeat) or \"running\" (ready once"
                    + " supervisord runs it)"));
        }
        long replicas = integer(where, table, "replicas", 1);
        if (replicas < 1 || replicas > AgentSpec.MAX_REPLICAS) {
            throw new ConfigException(where + ": replicas = " + replicas + " is out of range: use 1 to "
                    + AgentSpec.MAX_REPLICAS + " (set enabled = false to run none)");
        }
        return new AgentSpec(key, enabled, launch, environment, (int) startSeconds, autoRestart, javaOptions,
                ready, (int) replicas, hosts(where, table));
    }

    /** @return the agent's {@code host = "name"} or {@code hosts = ["a", "b"]}; empty for neither */
    private static List<String> hosts(String where, Map<String, Object> table) {
        if (table.containsKey("host") && table.containsKey("hosts")) {
            throw new ConfigException(where + ": give host or hosts, not both (hosts = [...] spreads the copies"
                    + " over several hosts)");
        }
        List<String> hosts = new ArrayList<>();
        if (table.containsKey("host")) {
            hosts.add(string(where, table, "host"));
        } else if (table.get("hosts") != null) {
            if (!(table.get("hosts") instanceof List<?> names) || names.isEmpty()) {
                throw new ConfigException(where + ": hosts must be a list of host names, e.g. hosts = [\"nodeB\","
                        + " \"nodeC\"]");
            }
            for (Object name : names) {
                if (!(name instanceof String text)) {
                    throw new ConfigException(where + ": hosts must hold host names (strings), got " + describe(name));
                }
                hosts.add(text);
            }
        }
        for (String host : hosts) {
            if (!TestbedEnvironment.HOST_NAME.matcher(host).matches()) {
                throw new ConfigException(where + ": host '" + ProgramSpec.printable(host) + "' is not a host name:"
                        + " use letters, digits, '_', '.' or '-' (at most 63), as the host's "
                        + TestbedEnvironment.HOST_VARIABLE + " or machine name");
            }
        }
        if (hosts.size() != hosts.stream().distinct().count()) {
            throw new ConfigException(where + ": hosts names a host twice: " + hosts);
        }
        return hosts;
    }

    private static WorkflowSettings workflow(String shown, Map<String, Object> table) {
        String where = shown + ": [workflow]";
        String name = table.containsKey("name") ? string(where, table, "name") : WorkflowSettings.DEFAULT_NAME;
        String config = table.containsKey("config") ? string(where, table, "config") : null;
        boolean realtime = bool(where, table, "realtime", true);
        return new WorkflowSettings(name, config, realtime);
    }

    private static BrokerSettings broker(String shown, Path home, Map<String, Object> table) {
        if (table == null) {
            return BrokerSettings.embeddedDefault();
        }
        String where = shown + ": [broker]";
        String url = table.containsKey("url") ? string(where, table, "url") : null;
        if (url != null && !(url.startsWith("amqp://") || url.startsWith("amqps://") || url.startsWith("failover:("))) {
            throw new ConfigException(where + " url = \"" + url + "\" is not an AMQP URL: use amqp://host:5672,"
                    + " amqps://host:5671 or failover:(amqp://a:5672,amqp://b:5672); remove url for the embedded broker");
        }
        long amqp = integer(where, table, "amqp_port", BrokerSettings.DEFAULT_AMQP_PORT);
        long stomp = integer(where, table, "stomp_port", BrokerSettings.DEFAULT_STOMP_PORT);
        boolean portsConfigured = table.containsKey("amqp_port") || table.containsKey("stomp_port");
        Path caFile = table.containsKey("ca_file") ? home.resolve(string(where, table, "ca_file")) : null;
        try {
            return new BrokerSettings(url, (int) amqp, (int) stomp, portsConfigured, caFile);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(shown + ": " + e.getMessage(), e);
        }
    }

    /**
     * A list of strings, each one JVM option: a single string is refused rather than split, since
     * no splitting can tell whether a space separates two options or belongs to a value.
     */
    private static JavaOptions javaOptions(String where, Map<String, Object> table) {
        Object value = table.get(JAVA_OPTIONS);
        if (!(value instanceof List<?>)) {
            throw new ConfigException(where + ": " + JAVA_OPTIONS + " must be a list of strings, one JVM option each,"
                    + " e.g. " + JAVA_OPTIONS + " = [\"-Xmx512m\", \"-Dlog.level=debug\"]; got " + describe(value));
        }
        List<String> options = strings(where, table, JAVA_OPTIONS);
        try {
            return new JavaOptions(options);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": " + JAVA_OPTIONS + ": " + e.getMessage(), e);
        }
    }

    private static String string(String where, Map<String, Object> table, String key) {
        Object value = table.get(key);
        if (!(value instanceof String text)) {
            throw new ConfigException(where + ": " + key + " must be a string, got " + describe(value));
        }
        return safe(where, key, text);
    }

    private static List<String> strings(String where, Map<String, Object> table, String key) {
        Object value = table.get(key);
        if (value == null) {
            return List.of();
        }
        if (value instanceof String text) {
            // A string is split on whitespace only: it is never given to a shell.
            return List.of(safe(where, key, text).trim().split("\\s+")).stream().filter(s -> !s.isEmpty()).toList();
        }
        if (value instanceof List<?> items) {
            List<String> result = new ArrayList<>();
            for (Object item : items) {
                if (!(item instanceof String text)) {
                    throw new ConfigException(where + ": " + key + " must be a list of strings, got an item "
                            + describe(item));
                }
                result.add(safe(where, key, text));
            }
            return result;
        }
        throw new ConfigException(where + ": " + key + " must be a string or a list of strings, got " + describe(value));
    }

    private static boolean bool(String where, Map<String, Object> table, String key, boolean fallback) {
        Object value = table.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Boolean flag)) {
            throw new ConfigException(where + ": " + key + " must be true or false, got " + describe(value));
        }
        return flag;
    }

    private static long integer(String where, Map<String, Object> table, String key, long fallback) {
        Object value = table.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Long number)) {
            throw new ConfigException(where + ": " + key + " must be an integer, got " + describe(value));
        }
        return number;
    }

    /**
     * Refuses text that could change the structure of a generated supervisord file.
     *
     * @param where the file and table, for the message
     * @param key the key, for the message
     * @param value the value
     * @return the value, when safe
     */
    static String safe(String where, String key, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                throw new ConfigException(where + ": " + key + " value '" + ProgramSpec.printable(value)
                        + "' contains a line break or control character. Remove it");
            }
            if (c == '[' || c == ']') {
                throw new ConfigException(where + ": " + key + " value '" + value
                        + "' contains '" + c + "', which is not allowed in agent settings. Remove it");
            }
        }
        return value;
    }

    private static String describe(Object value) {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof String text) {
            return "\"" + ProgramSpec.printable(text) + "\"";
        }
        if (value instanceof Map) {
            return "a table";
        }
        if (value instanceof List) {
            return "a list";
        }
        return value.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " " + value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> table) {
        return (Map<String, Object>) table;
    }
}
