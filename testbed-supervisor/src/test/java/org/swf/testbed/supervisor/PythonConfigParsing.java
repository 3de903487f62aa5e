package org.swf.testbed.supervisor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-side re-implementation of how supervisor 4.2.5 on Python 3 reads the values this module
 * writes, so unit tests can check round trips without starting supervisord: configparser
 * (inline comments after whitespace, stripping), {@code %(here)s} replacement, {@code %}
 * expansion, {@code shlex.split} (POSIX) for commands and {@code datatypes.dict_of_key_value_pairs}
 * (non-POSIX shlex) for environments.
 */
final class PythonConfigParsing {

    static final String HERE = "/the/conf/dir";

    private PythonConfigParsing() {
    }

    /**
     * @param text a configuration file
     * @return section → option → raw value, as configparser with supervisor's options returns them
     */
    static Map<String, Map<String, String>> ini(String text) {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        Map<String, String> current = null;
        for (String rawLine : text.split("\r\n|\r|\n", -1)) {
            String line = stripInlineComment(rawLine);
            String stripped = line.strip();
            if (stripped.isEmpty() || stripped.startsWith(";") || stripped.startsWith("#")) {
                continue;
            }
            if (Character.isWhitespace(rawLine.charAt(0))) {
                throw new IllegalStateException("continuation line, which we never write: " + rawLine);
            }
            if (stripped.startsWith("[") && stripped.endsWith("]")) {
                current = new LinkedHashMap<>();
                sections.put(stripped.substring(1, stripped.length() - 1), current);
                continue;
            }
            int delimiter = firstOf(stripped, '=', ':');
            if (delimiter < 0 || current == null) {
                throw new IllegalStateException("not an option line: " + rawLine);
            }
            current.put(stripped.substring(0, delimiter).strip().toLowerCase(), stripped.substring(delimiter + 1).strip());
        }
        return sections;
    }

    /**
     * @param raw a value as configparser returns it
     * @return the argument vector supervisord executes
     */
    static List<String> command(String raw) {
        return shlexSplit(expand(raw));
    }

    /**
     * @param raw an {@code environment} value as configparser returns it
     * @return the variables supervisord gives the program
     */
    static Map<String, String> environment(String raw) {
        List<String> tokens = nonPosixTokens(expand(raw));
        Map<String, String> result = new LinkedHashMap<>();
        for (int i = 0; i < tokens.size(); i += 4) {
            if (i + 2 >= tokens.size() || !tokens.get(i + 1).equals("=")) {
                throw new IllegalArgumentException("Unexpected end of key/value pairs in value '" + raw + "'");
            }
            result.put(tokens.get(i), stripQuotes(tokens.get(i + 2)));
        }
        return result;
    }

    /**
     * @param raw any value as configparser returns it
     * @return it after supervisor's {@code %(here)s} replacement and {@code %} expansion
     */
    static String expand(String raw) {
        String value = raw.replace("%(here)s", HERE);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '%') {
                out.append(c);
            } else if (i + 1 < value.length() && value.charAt(i + 1) == '%') {
                out.append('%');
                i++;
            } else {
                throw new IllegalArgumentException("badly formatted or unknown expansion at " + i + " in " + raw);
            }
        }
        return out.toString();
    }

    /**
     * @param s a command line
     * @return Python's {@code shlex.split(s)} (posix=True, comments=False)
     */
    static List<String> shlexSplit(String s) {
        List<String> tokens = new ArrayList<>();
        StringBuilder token = new StringBuilder();
        char state = ' ';
        char escapedState = 'a';
        boolean quoted = false;
        String whitespace = " \t\r\n";
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (state) {
                case ' ' -> {
                    if (whitespace.indexOf(c) >= 0) {
                        continue;
                    } else if (c == '\\') {
                        escapedState = 'a';
                        state = '\\';
                    } else if (c == '"' || c == '\'') {
                        quoted = true;
                        state = c;
                    } else {
                        token.append(c);
                        state = 'a';
                    }
                }
                case 'a' -> {
                    if (whitespace.indexOf(c) >= 0) {
                        tokens.add(token.toString());
                        token.setLength(0);
                        quoted = false;
                        state = ' ';
                    } else if (c == '\\') {
                        escapedState = 'a';
                        state = '\\';
                    } else if (c == '"' || c == '\'') {
                        quoted = true;
                        state = c;
                    } else {
                        token.append(c);
                    }
                }
                case '"' -> {
                    if (c == '"') {
                        state = 'a';
                    } else if (c == '\\') {
                        escapedState = '"';
                        state = '\\';
                    } else {
                        token.append(c);
                    }
                }
                case '\'' -> {
                    if (c == '\'') {
                        state = 'a';
                    } else {
                        token.append(c);
                    }
                }
                case '\\' -> {
                    if (escapedState == '"' && c != '\\' && c != '"') {
                        token.append('\\');
                    }
                    token.append(c);
                    state = escapedState;
                }
                default -> throw new IllegalStateException("state " + state);
            }
        }
        if (state == '"' || state == '\'') {
            throw new IllegalArgumentException("No closing quotation");
        }
        if (state == '\\') {
            throw new IllegalArgumentException("No escaped character");
        }
        if (state == 'a' || quoted) {
            tokens.add(token.toString());
        }
        return tokens;
    }

    /** Python's non-POSIX {@code shlex.shlex} token stream with supervisor's extra word characters. */
    static List<String> nonPosixTokens(String s) {
        String wordChars = "abcdfeghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_" + "/.+-():";
        String whitespace = " \t\r\n";
        List<String> tokens = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (whitespace.indexOf(c) >= 0) {
                i++;
            } else if (c == '#') {
                int end = s.indexOf('\n', i);
                i = end < 0 ? s.length() : end + 1;
            } else if (wordChars.indexOf(c) >= 0) {
                StringBuilder token = new StringBuilder();
                while (i < s.length() && (wordChars.indexOf(s.charAt(i)) >= 0 || s.charAt(i) == '"' || s.charAt(i) == '\'')) {
                    token.append(s.charAt(i++));
                }
                tokens.add(token.toString());
            } else if (c == '"' || c == '\'') {
                int end = s.indexOf(c, i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("No closing quotation");
                }
                tokens.add(s.substring(i, end + 1));
                i = end + 1;
            } else {
                tokens.add(String.valueOf(c));
                i++;
            }
        }
        return tokens;
    }

    private static String stripQuotes(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && (value.charAt(start) == '"' || value.charAt(start) == '\'')) {
            start++;
        }
        while (end > start && (value.charAt(end - 1) == '"' || value.charAt(end - 1) == '\'')) {
            end--;
        }
        return value.substring(start, end);
    }

    private static String stripInlineComment(String line) {
        for (int i = 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if ((c == ';' || c == '#') && SupervisordConfWriter.isPythonSpace(line.charAt(i - 1))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static int firstOf(String s, char a, char b) {
        int ia = s.indexOf(a);
        int ib = s.indexOf(b);
        if (ia < 0) {
            return ib;
        }
        return ib < 0 ? ia : Math.min(ia, ib);
    }
}
