package org.swf.testbed.port;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An STF file an agent registered with the monitor API.
 *
 * @param fileId its id (a UUID, as the monitor gives)
 * @param runId the id of the run it belongs to
 * @param stfFilename its file name, unique
 * @param fileSizeBytes its size, or null when the agent did not say
 * @param machineState the machine state it was taken in
 * @param status {@code registered}, {@code processing}, {@code processed}, {@code failed} or {@code done}
 * @param metadata what the agent attached, as sent
 * @param createdBy the agent that registered it ({@code metadata.created_by}), or null
 * @param createdAt when it was registered (ISO-8601 instant)
 */
public record StfFileRecord(String fileId, long runId, String stfFilename, Long fileSizeBytes, String machineState,
        String status, Map<String, Object> metadata, String createdBy, String createdAt) {

    /** Requires a file name; copies the metadata, keeping its order and nulls. */
    public StfFileRecord {
        Objects.requireNonNull(stfFilename, "stfFilename");
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata == null ? Map.of() : metadata));
    }
}
