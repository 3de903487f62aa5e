package org.swf.testbed.mcp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.swf.testbed.protocol.ErrorCode;

/**
 * The arguments of one tool call, read with the checks the input schema states. The SDK validates
 * arguments against the schema before a tool runs; these checks repeat the ones that guard
 * destination names and commands, so that no unchecked value reaches the broker even when a
 * tool is called directly.
 */
final class ToolArguments {

    /** A name that may become part of a broker address: user, namespace, execution id. */
    static final Pattern WORD = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    /** A supervisord program name, as the agent manager accepts it. */
    static final Pattern PROGRAM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    /** A config name under workflows/: no absolute path, no "..", as the agent manager also insists. */
    static final Pattern CONFIG = Pattern.compile("(?!.*\\.\\.)[A-Za-z0-9_][A-Za-z0-9_./-]{0,127}");

    private final Map<String, Object> values;

    /** @param values the call's arguments; null for none */
    ToolArguments(Map<String, Object> values) {
        this.values = values == null ? Map.of() : new LinkedHashMap<>(values);
    }

    /**
     * @param name an argument
     * @param pattern what it must match
     * @param example a valid value, for the error message
     * @return its value, empty when absent
     */
    Optional<String> string(String name, Pattern pattern, String example) {
        Object value = values.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String text) || !pattern.matcher(text).matches()) {
            throw new ToolFailure(ErrorCode.MALFORMED, "Invalid " + name + " " + quote(value) + ": use "
                    + describe(pattern) + ", e.g. " + example);
        }
        return Optional.of(text);
    }

    /**
     * @param name a required argument
     * @param pattern what it must match
     * @param example a valid value, for the error message
     * @return its value
     */
    String required(String name, Pattern pattern, String example) {
        return string(name, pattern, example).orElseThrow(() -> new ToolFailure(ErrorCode.MALFORMED,
                "Missing argument " + name + ": pass it, e.g. " + name + "=" + example));
    }

    /**
     * @param name an argument
     * @param min smallest allowed value
     * @param max largest allowed value
     * @return its value, empty when absent
     */
    Optional<Long> integer(String name, long min, long max) {
        Object value = values.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())
                && number.longValue() >= min && number.longValue() <= max) {
            return Optional.of(number.longValue());
        }
        throw new ToolFailure(ErrorCode.MALFORMED, "Invalid " + name + " " + quote(value) + ": use a whole number from "
                + min + " to " + max);
    }

    /**
     * @param name an argument
     * @param min smallest allowed value
     * @param max largest allowed value
     * @return its value, empty when absent
     */
    Optional<Double> number(String name, double min, double max) {
        Object value = values.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Number number && number.doubleValue() >= min && number.doubleValue() <= max) {
            return Optional.of(number.doubleValue());
        }
        throw new ToolFailure(ErrorCode.MALFORMED, "Invalid " + name + " " + quote(value) + ": use a number from "
                + min + " to " + max);
    }

    /**
     * @param name an argument
     * @return its value, empty when absent
     */
    Optional<Boolean> bool(String name) {
        Object value = values.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Boolean flag) {
            return Optional.of(flag);
        }
        throw new ToolFailure(ErrorCode.MALFORMED, "Invalid " + name + " " + quote(value) + ": use true or false");
    }

    /**
     * @param name an argument holding an object of parameter overrides
     * @return its fields (strings, numbers, booleans), empty when absent
     */
    Map<String, Object> parameters(String name) {
        Object value = values.get(name);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new ToolFailure(ErrorCode.MALFORMED, "Invalid " + name + ": use an object such as {\"stf_count\": 5}");
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        map.forEach((key, field) -> {
            if (!(key instanceof String text) || !WORD.matcher(text).matches()
                    || !(field instanceof String || field instanceof Number || field instanceof Boolean)) {
                throw new ToolFailure(ErrorCode.MALFORMED, "Invalid " + name + " entry " + quote(key) + ": keys are"
                        + " parameter names (letters, digits, '_'), values strings, numbers or booleans");
            }
            parameters.put(text, field);
        });
        return parameters;
    }

    private static String describe(Pattern pattern) {
        if (pattern == PROGRAM) {
            return "a program name: letters, digits, '_', '.' or '-', starting with a letter or digit";
        }
        if (pattern == CONFIG) {
            return "a config name under workflows/ (letters, digits, '_', '.', '-' or '/'; no '..')";
        }
        return "1 to 64 letters, digits, '_', '.' or '-'";
    }

    private static String quote(Object value) {
        String text = String.valueOf(value);
        return "'" + (text.length() > 80 ? text.substring(0, 80) + "..." : text) + "'";
    }
}
