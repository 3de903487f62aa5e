package org.swf.testbed.supervisor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The XML-RPC of supervisord's control interface: method calls with string, boolean and integer
 * parameters, and responses of the types Python's {@code xmlrpc.client} writes (string, int,
 * boolean, double, array, struct, nil; an untyped value is a string). Hand-written rather than a
 * general XML parser because every CLI command talks to supervisord, and loading a parser costs
 * more start-up time than the whole call; anything it does not understand is an error, never a
 * guess.
 */
final class XmlRpcCodec {

    private XmlRpcCodec() {
    }

    /** A fault supervisord answered with (its {@code Faults} codes, e.g. 6 for SHUTDOWN_STATE). */
    static final class Fault extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final int code;

        Fault(int code, String text) {
            super(text);
            this.code = code;
        }

        int code() {
            return code;
        }
    }

    /** What supervisord sent that is not XML-RPC as Python writes it. */
    static final class MalformedResponse extends RuntimeException {

        private static final long serialVersionUID = 1L;

        MalformedResponse(String message) {
            super(message);
        }
    }

    /**
     * @param method e.g. {@code supervisor.getAllProcessInfo}
     * @param parameters strings, booleans or integers
     * @return the request body
     */
    static String methodCall(String method, List<?> parameters) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?><methodCall><methodName>")
                .append(escape(method)).append("</methodName><params>");
        for (Object parameter : parameters) {
            xml.append("<param><value>");
            if (parameter instanceof Boolean flag) {
                xml.append("<boolean>").append(flag ? 1 : 0).append("</boolean>");
            } else if (parameter instanceof Integer number) {
                xml.append("<int>").append(number).append("</int>");
            } else if (parameter instanceof String text) {
                xml.append("<string>").append(escape(text)).append("</string>");
            } else {
                throw new IllegalArgumentException("No XML-RPC type for " + parameter);
            }
            xml.append("</value></param>");
        }
        return xml.append("</params></methodCall>").toString();
    }

    /**
     * @param body a {@code methodResponse}
     * @return its value: String, Integer, Boolean, Double, List or Map (null for nil)
     * @throws Fault when it is a fault
     * @throws MalformedResponse when it is not a response
     */
    static Object response(String body) {
        Parser parser = new Parser(body);
        parser.skipProlog();
        parser.open("methodResponse");
        if (parser.peekOpen("fault")) {
            parser.open("fault");
            Object fault = parser.value();
            if (!(fault instanceof Map<?, ?> struct) || !(struct.get("faultCode") instanceof Integer code)) {
                throw new MalformedResponse("a fault without a faultCode: " + fault);
            }
            throw new Fault(code, String.valueOf(struct.get("faultString")));
        }
        parser.open("params");
        parser.open("param");
        Object value = parser.value();
        parser.close("param");
        parser.close("params");
        parser.close("methodResponse");
        return value;
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A cursor over the response: tags, their text, nothing else (no attributes in XML-RPC). */
    private static final class Parser {

        private final String xml;
        private int position;

        Parser(String xml) {
            this.xml = xml;
        }

        void skipProlog() {
            skipSpace();
            if (xml.startsWith("<?", position)) {
                int end = xml.indexOf("?>", position);
                if (end < 0) {
                    throw malformed("an unterminated XML declaration");
                }
                position = end + 2;
            }
        }

        boolean peekOpen(String tag) {
            skipSpace();
            return xml.startsWith("<" + tag + ">", position);
        }

        boolean peekClose(String tag) {
            skipSpace();
            return xml.startsWith("</" + tag + ">", position);
        }

        void open(String tag) {
            if (!peekOpen(tag)) {
                throw malformed("<" + tag + ">");
            }
            position += tag.length() + 2;
        }

        void close(String tag) {
            if (!peekClose(tag)) {
                throw malformed("</" + tag + ">");
            }
            position += tag.length() + 3;
        }

        /** Reads {@code <value>...</value>}. */
        Object value() {
            open("value");
            Object value;
            int nextTag = xml.indexOf('<', position);
            if (nextTag < 0 || xml.startsWith("</value>", nextTag) || !xml.substring(position, nextTag).isBlank()) {
                // An untyped value is a string, and keeps its spaces.
                value = text();
                close("value");
                return value;
            }
            position = nextTag;
            int end = xml.indexOf('>', position);
            if (end < 0) {
                throw malformed("a type tag");
            }
            String type = xml.substring(position + 1, end);
            if (type.endsWith("/")) {
                position = end + 1;
                value = type.equals("nil/") ? null : type.equals("string/") ? "" : unknown(type);
            } else {
                position = end + 1;
                value = switch (type) {
                    case "string" -> text();
                    case "int", "i4", "i8" -> parseInteger(text().strip());
                    case "boolean" -> parseBoolean(text().strip());
                    case "double" -> Double.parseDouble(text().strip());
                    case "nil" -> null;
                    case "array" -> array();
                    case "struct" -> struct();
                    default -> unknown(type);
                };
                close(type);
            }
            close("value");
            return value;
        }

        private Object unknown(String type) {
            throw malformed("a known XML-RPC type, not <" + type + ">");
        }

        private List<Object> array() {
            List<Object> values = new ArrayList<>();
            open("data");
            while (!peekClose("data")) {
                values.add(value());
            }
            close("data");
            return values;
        }

        private Map<String, Object> struct() {
            Map<String, Object> members = new LinkedHashMap<>();
            while (peekOpen("member")) {
                open("member");
                open("name");
                String name = text();
                close("name");
                members.put(name, value());
                close("member");
            }
            return members;
        }

        /** Reads character data up to the next tag, entities decoded. */
        private String text() {
            int end = xml.indexOf('<', position);
            if (end < 0) {
                throw malformed("a closing tag");
            }
            String raw = xml.substring(position, end);
            position = end;
            return raw.indexOf('&') < 0 ? raw : decode(raw);
        }

        private String decode(String raw) {
            StringBuilder out = new StringBuilder(raw.length());
            for (int i = 0; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c != '&') {
                    out.append(c);
                    continue;
                }
                int semicolon = raw.indexOf(';', i);
                if (semicolon < 0) {
                    throw malformed("an entity ending in ';'");
                }
                String entity = raw.substring(i + 1, semicolon);
                switch (entity) {
                    case "amp" -> out.append('&');
                    case "lt" -> out.append('<');
                    case "gt" -> out.append('>');
                    case "quot" -> out.append('"');
                    case "apos" -> out.append('\'');
                    default -> {
                        if (!entity.startsWith("#")) {
                            throw malformed("a known entity, not &" + entity + ";");
                        }
                        int codePoint = entity.startsWith("#x") ? Integer.parseInt(entity.substring(2), 16)
                                : Integer.parseInt(entity.substring(1));
                        out.appendCodePoint(codePoint);
                    }
                }
                i = semicolon;
            }
            return out.toString();
        }

        private void skipSpace() {
            while (position < xml.length() && Character.isWhitespace(xml.charAt(position))) {
                position++;
            }
        }

        private static Integer parseInteger(String text) {
            return Integer.valueOf(text);
        }

        private Boolean parseBoolean(String text) {
            return switch (text) {
                case "1" -> Boolean.TRUE;
                case "0" -> Boolean.FALSE;
                default -> throw malformed("a boolean of 0 or 1, not '" + text + "'");
            };
        }

        private MalformedResponse malformed(String expected) {
            int from = Math.max(0, position - 20);
            int to = Math.min(xml.length(), position + 40);
            return new MalformedResponse("expected " + expected + " at offset " + position + " near '"
                    + xml.substring(from, to).replaceAll("\\s+", " ") + "'");
        }
    }
}
