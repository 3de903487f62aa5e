package org.swf.testbed.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.swf.testbed.ConfigException;

/**
 * The parameters of one workflow run, merged the way the original runner merges them:
 * <ol>
 *   <li>the workflow parameter config ({@code workflows/<config>.toml});</li>
 *   <li>its {@code [workflow] includes} add only the sections it does not have;</li>
 *   <li>every table of the testbed config overrides its same-named section key by key;</li>
 *   <li>the command's {@code params} replace values only where the key already exists;</li>
 *   <li>the DAQ parameters are {@code [daq_state_machine]} with every other parameter section
 *       laid over it in order.</li>
 * </ol>
 *
 * @param sections every merged section, in merge order
 * @param daq the flattened DAQ simulator parameters
 */
public record WorkflowParameters(Map<String, Map<String, Object>> sections, Map<String, Object> daq) {

    /** Sections that configure the testbed, not the simulation. */
    private static final Set<String> NOT_PARAMETERS = Set.of("workflow", "testbed", "agents", "broker", "source",
            "git_version");
    /** The section that holds the DAQ state machine's defaults. */
    public static final String DAQ_SECTION = "daq_state_machine";

    /** Copies the maps, keeping their order. */
    public WorkflowParameters {
        sections = Collections.unmodifiableMap(new LinkedHashMap<>(sections));
        daq = Collections.unmodifiableMap(new LinkedHashMap<>(daq));
    }

    /**
     * @param locator resolves the config and include names inside {@code workflows/}
     * @param configName the workflow parameter config name, e.g. {@code fast_processing_default}
     * @param testbed the running testbed's config, whose tables override
     * @param params the command's overrides
     * @return the merged parameters
     * @throws ConfigException when a file is missing or invalid
     */
    public static WorkflowParameters resolve(ConfigLocator locator, String configName, TestbedConfig testbed,
            Map<String, Object> params) {
        TomlConfigParser parser = new TomlConfigParser();
        Path configFile = locator.locate(configName);
        Map<String, Map<String, Object>> sections = tables(parser.parse(configFile, "workflows/" + configFile.getFileName()));

        Object includes = sections.getOrDefault("workflow", Map.of()).get("includes");
        if (includes instanceof List<?> names) {
            for (Object include : names) {
                Path includeFile = locator.locate(String.valueOf(include));
                tables(parser.parse(includeFile, "workflows/" + includeFile.getFileName())).forEach((name, table) -> {
                    if (!name.equals("workflow")) {
                        sections.putIfAbsent(name, table);
                    }
                });
            }
        } else if (includes != null) {
            throw new ConfigException("workflows/" + configFile.getFileName() + ": [workflow] includes must be a list"
                    + " of file names, e.g. includes = [\"daq_state_machine.toml\"]");
        }

        testbed.tables().forEach((name, table) -> sections.computeIfAbsent(name, n -> new LinkedHashMap<>()).putAll(table));

        params.forEach((key, value) -> sections.forEach((name, table) -> {
            if (!name.equals("workflow") && table.containsKey(key)) {
                table.put(key, value);
            }
        }));

        Map<String, Object> daq = new LinkedHashMap<>(sections.getOrDefault(DAQ_SECTION, Map.of()));
        sections.forEach((name, table) -> {
            if (!NOT_PARAMETERS.contains(name) && !name.equals(DAQ_SECTION)) {
                daq.putAll(table);
            }
        });
        return new WorkflowParameters(sections, daq);
    }

    /**
     * @param key a DAQ parameter
     * @param fallback its value when absent
     * @return the parameter as a number
     * @throws ConfigException when present but not a number
     */
    public double number(String key, double fallback) {
        Object value = daq.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        throw new ConfigException("Workflow parameter " + key + " = " + value + " is not a number. Fix it in the"
                + " workflow config or the [parameters] table");
    }

    /**
     * @param key a DAQ parameter
     * @param fallback its value when absent
     * @return the parameter as a whole number
     * @throws ConfigException when present but not a whole number
     */
    public long integer(String key, long fallback) {
        double value = number(key, fallback);
        if (value != Math.rint(value) || value < 0) {
            throw new ConfigException("Workflow parameter " + key + " = " + value + " must be a whole number >= 0");
        }
        return (long) value;
    }

    private static Map<String, Map<String, Object>> tables(Map<String, Object> document) {
        Map<String, Map<String, Object>> tables = new LinkedHashMap<>();
        document.forEach((name, value) -> {
            if (value instanceof Map<?, ?> table) {
                Map<String, Object> copy = new LinkedHashMap<>();
                table.forEach((k, v) -> copy.put(String.valueOf(k), v));
                tables.put(name, copy);
            }
        });
        return tables;
    }
}
