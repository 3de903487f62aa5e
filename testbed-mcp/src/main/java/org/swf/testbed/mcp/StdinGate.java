package org.swf.testbed.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Stands between the client's stdin and the SDK's stdio transport: passes each line that is a
 * JSON-RPC message on, and answers any other line itself with a JSON-RPC error.
 *
 * <p>Why: the SDK's stdio transport stops reading for good at the first line it cannot parse (a
 * stray blank line or a typo in a hand-written request), after which the server neither answers
 * nor notices that stdin closed. Behind this gate the transport sees only messages it can read,
 * and the end of stdin is the end of {@link #pump}, which is how the server knows to exit.
 */
final class StdinGate {

    private static final System.Logger LOG = System.getLogger(StdinGate.class.getName());
    private static final TypeRef<Map<String, Object>> OBJECT = new TypeRef<>() {
    };
    private static final int PARSE_ERROR = -32700;
    private static final int INVALID_REQUEST = -32600;

    private final McpJsonMapper mapper;
    private final OutputStream clientOut;
    private final int maxLineBytes;
    private final Consumer<String> beforeRequest;

    /**
     * @param mapper reads and writes JSON-RPC
     * @param clientOut the client's stdout, shared with the transport; written under its monitor,
     *     as the transport writes it, so that an error line never splits a message
     * @param maxLineBytes the longest line accepted; longer ones are answered with an error, so
     *     that a client that never ends a line cannot exhaust memory
     * @param beforeRequest called with the method of each request before the transport sees it,
     *     on the gate's thread, e.g. to bring what the request lists up to date
     */
    StdinGate(McpJsonMapper mapper, OutputStream clientOut, int maxLineBytes, Consumer<String> beforeRequest) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.clientOut = Objects.requireNonNull(clientOut, "clientOut");
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive");
        }
        this.maxLineBytes = maxLineBytes;
        this.beforeRequest = Objects.requireNonNull(beforeRequest, "beforeRequest");
    }

    /**
     * Copies messages from {@code in} to {@code transportIn} until {@code in} ends, or the
     * transport stops reading; closes {@code transportIn} then.
     *
     * @param in the client's stdin
     * @param transportIn what the transport reads
     */
    void pump(InputStream in, OutputStream transportIn) {
        try (OutputStream toTransport = transportIn) {
            BufferedInputStream input = new BufferedInputStream(in);
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            boolean tooLong = false;
            int next;
            while ((next = input.read()) != -1) {
                if (next != '\n') {
                    if (line.size() < maxLineBytes) {
                        line.write(next);
                    } else {
                        tooLong = true;
                    }
                    continue;
                }
                if (tooLong) {
                    answer(null, INVALID_REQUEST, "Message longer than " + maxLineBytes + " bytes; not read");
                } else {
                    pass(line.toString(StandardCharsets.UTF_8).strip(), toTransport);
                }
                line.reset();
                tooLong = false;
            }
            if (line.size() > 0 && !tooLong) {
                pass(line.toString(StandardCharsets.UTF_8).strip(), toTransport);
            }
            LOG.log(Level.DEBUG, "stdin closed");
        } catch (IOException e) {
            // stdin failed, or the transport stopped reading: either way the session is over.
            LOG.log(Level.DEBUG, "stdio session ended: {0}", e.toString());
        }
    }

    private void pass(String line, OutputStream toTransport) throws IOException {
        if (line.isEmpty()) {
            return;
        }
        McpSchema.JSONRPCMessage message;
        try {
            message = McpSchema.deserializeJsonRpcMessage(mapper, line);
        } catch (IOException | RuntimeException e) {
            reject(line);
            return;
        }
        if (message instanceof McpSchema.JSONRPCRequest request) {
            beforeRequest.accept(request.method());
        }
        toTransport.write(line.getBytes(StandardCharsets.UTF_8));
        toTransport.write('\n');
        toTransport.flush();
    }

    private void reject(String line) {
        Map<String, Object> fields;
        try {
            fields = mapper.readValue(line, OBJECT);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "Ignored a line on stdin that is not JSON: {0}", abbreviate(line));
            answer(null, PARSE_ERROR, "Parse error: not JSON");
            return;
        }
        Object id = fields == null ? null : fields.get("id");
        LOG.log(Level.WARNING, "Ignored a JSON line on stdin that is not a JSON-RPC message: {0}", abbreviate(line));
        answer(id instanceof String || id instanceof Number ? id : null, INVALID_REQUEST,
                "Invalid request: a JSON-RPC 2.0 message has a method (and an id for a request), or a result or"
                        + " an error");
    }

    private void answer(Object id, int code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("jsonrpc", McpSchema.JSONRPC_VERSION);
        response.put("id", id);
        response.put("error", error);
        try {
            byte[] text = mapper.writeValueAsString(response).getBytes(StandardCharsets.UTF_8);
            synchronized (clientOut) {
                clientOut.write(text);
                clientOut.write('\n');
                clientOut.flush();
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "Could not answer an invalid line: {0}", e.toString());
        }
    }

    private static String abbreviate(String line) {
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
