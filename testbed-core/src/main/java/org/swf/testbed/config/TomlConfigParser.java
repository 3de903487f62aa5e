package org.swf.testbed.config;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.swf.testbed.ConfigException;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/**
 * Reads a TOML file into plain Java values: tables become ordered maps, arrays lists, and
 * scalars {@code String}, {@code Long}, {@code Double}, {@code Boolean} or a {@code java.time}
 * value. The only class that imports tomlj.
 */
public final class TomlConfigParser {

    /**
     * @param file the TOML file
     * @param shownAs how to name the file in messages, e.g. {@code workflows/testbed.toml}
     * @return its top-level table, in file order
     * @throws ConfigException for a missing or unreadable file, or a syntax error (with line and
     *     column)
     */
    public Map<String, Object> parse(Path file, String shownAs) {
        TomlParseResult result;
        try {
            result = Toml.parse(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(shownAs + ": file not found. Check the name, or run 'testbed init'", e);
        } catch (IOException e) {
            throw new ConfigException(shownAs + ": cannot be read (" + e.getMessage() + "). Check its permissions", e);
        }
        if (result.hasErrors()) {
            TomlParseError error = result.errors().get(0);
            throw new ConfigException(shownAs + ":" + error.position().line() + ":" + error.position().column()
                    + ": invalid TOML: " + error.getMessage() + ". Fix the syntax at line "
                    + error.position().line() + ", column " + error.position().column(), error);
        }
        return table(result);
    }

    /**
     * @param text TOML text
     * @param shownAs how to name the text in messages
     * @return its top-level table
     * @throws ConfigException for a syntax error
     */
    public Map<String, Object> parse(String text, String shownAs) {
        TomlParseResult result = Toml.parse(text);
        if (result.hasErrors()) {
            TomlParseError error = result.errors().get(0);
            throw new ConfigException(shownAs + ":" + error.position().line() + ":" + error.position().column()
                    + ": invalid TOML: " + error.getMessage(), error);
        }
        return table(result);
    }

    private static Map<String, Object> table(TomlTable table) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (String key : table.keySet()) {
            values.put(key, value(table.get(List.of(key))));
        }
        return values;
    }

    private static Object value(Object value) {
        if (value instanceof TomlTable nested) {
            return table(nested);
        }
        if (value instanceof TomlArray array) {
            List<Object> items = new ArrayList<>(array.size());
            for (int i = 0; i < array.size(); i++) {
                items.add(value(array.get(i)));
            }
            return items;
        }
        return value;
    }
}
