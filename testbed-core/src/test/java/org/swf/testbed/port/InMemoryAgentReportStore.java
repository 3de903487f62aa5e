package org.swf.testbed.port;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** An {@link AgentReportStore} in memory, joined to an {@link ExecutionStore} for the executions' runs. */
public final class InMemoryAgentReportStore implements AgentReportStore {

    private final ExecutionStore executions;
    private long agentIds;
    private final Map<String, String> subscribers = new LinkedHashMap<>();
    private final Map<Long, ReportedRun> runs = new LinkedHashMap<>();
    private final Map<String, StfFileRecord> files = new LinkedHashMap<>();
    private final List<AgentLogRecord> logs = new ArrayList<>();

    /** @param executions the executions whose runs the files belong to */
    public InMemoryAgentReportStore(ExecutionStore executions) {
        this.executions = executions;
    }

    @Override
    public synchronized long nextAgentId() {
        return ++agentIds;
    }

    @Override
    public synchronized boolean addSubscriber(String name, String description) {
        return subscribers.putIfAbsent(name, description) == null;
    }

    @Override
    public synchronized Optional<ReportedRun> addRun(long runNumber, String startTime, Map<String, Object> conditions) {
        if (runs.values().stream().anyMatch(run -> run.runNumber() == runNumber)) {
            return Optional.empty();
        }
        ReportedRun run = new ReportedRun(runs.size() + 1, runNumber, startTime, null, conditions);
        runs.put(run.runId(), run);
        return Optional.of(run);
    }

    @Override
    public synchronized Optional<ReportedRun> endRun(long runId, String endTime) {
        ReportedRun run = runs.get(runId);
        if (run == null) {
            return Optional.empty();
        }
        ReportedRun ended = new ReportedRun(runId, run.runNumber(), run.startTime(),
                endTime == null ? run.endTime() : endTime, run.runConditions());
        runs.put(runId, ended);
        return Optional.of(ended);
    }

    @Override
    public synchronized Optional<ReportedRun> run(long runId) {
        return Optional.ofNullable(runs.get(runId));
    }

    @Override
    public synchronized Optional<StfFileRecord> addStfFile(StfFileRecord file) {
        if (files.values().stream().anyMatch(f -> f.stfFilename().equals(file.stfFilename()))) {
            return Optional.empty();
        }
        StfFileRecord stored = new StfFileRecord(UUID.randomUUID().toString(), file.runId(), file.stfFilename(),
                file.fileSizeBytes(), file.machineState(), file.status(), file.metadata(), file.createdBy(),
                Instant.now().toString());
        files.put(stored.fileId(), stored);
        return Optional.of(stored);
    }

    @Override
    public synchronized Optional<StfFileRecord> updateStfFile(String fileId, String status,
            Map<String, Object> metadata) {
        StfFileRecord file = files.get(fileId);
        if (file == null) {
            return Optional.empty();
        }
        StfFileRecord updated = new StfFileRecord(fileId, file.runId(), file.stfFilename(), file.fileSizeBytes(),
                file.machineState(), status == null ? file.status() : status, metadata == null ? file.metadata()
                : metadata, file.createdBy(), file.createdAt());
        files.put(fileId, updated);
        return Optional.of(updated);
    }

    @Override
    public synchronized List<StfFileRecord> stfFiles(String executionId) {
        Optional<String> runNumber = executions.find(executionId).map(ExecutionRecord::runId);
        return files.values().stream().filter(file -> runNumber.isPresent() && runs.containsKey(file.runId())
                && Long.toString(runs.get(file.runId()).runNumber()).equals(runNumber.get())).toList();
    }

    @Override
    public synchronized void addLog(AgentLogRecord record) {
        logs.add(record);
    }

    @Override
    public synchronized List<AgentLogRecord> logs(String agent, int limit) {
        List<AgentLogRecord> matching = logs.stream()
                .filter(log -> agent.equals(log.program()) || agent.equals(log.instanceName())).toList();
        return matching.subList(Math.max(0, matching.size() - limit), matching.size());
    }
}
