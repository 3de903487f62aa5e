package org.swf.testbed.mcp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.swf.testbed.TestbedException;
import org.swf.testbed.protocol.ErrorCode;

/**
 * A problem the caller of a tool can act on; it becomes a tool error ({@code isError}) whose text
 * says what failed, why and what to do, rather than a JSON-RPC error, so that the model sees it.
 */
final class ToolFailure extends TestbedException {

    /** The field of an error result that says what failed, why and what to do. */
    static final String ERROR = "error";
    /** The field of an error result with the stable reason, an {@link ErrorCode} name. */
    static final String ERROR_CODE = "error_code";
    /** The field of an error result with the failed program's last log lines. */
    static final String LOG_TAIL = "log_tail";

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final transient Map<String, Object> details;

    /**
     * @param code the stable reason, the same enum the bus replies use
     * @param message what failed, why, and what to do
     */
    ToolFailure(ErrorCode code, String message) {
        this(code, message, Map.of(), List.of(), null);
    }

    /**
     * @param code the stable reason
     * @param message what failed, why, and what to do
     * @param details extra structured fields for the caller (e.g. the agent manager's answer)
     * @param logTail the last log lines of the program concerned
     * @param cause the underlying failure, or null
     */
    ToolFailure(ErrorCode code, String message, Map<String, Object> details, List<String> logTail, Throwable cause) {
        super(message, cause, logTail);
        this.code = Objects.requireNonNull(code, "code");
        this.details = new LinkedHashMap<>(details);
    }

    /** @return the stable reason */
    ErrorCode code() {
        return code;
    }

    /**
     * @return the error as structured tool content: error, error_code, the details and the log
     *     tail, the error shape every tool's output schema accepts (see ToolCatalog)
     */
    Map<String, Object> toContent() {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put(ERROR, getMessage());
        content.put(ERROR_CODE, code.name());
        details.forEach(content::putIfAbsent);
        if (!logTail().isEmpty()) {
            content.put(LOG_TAIL, logTail());
        }
        return content;
    }
}
