package org.swf.testbed.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.swf.testbed.TestbedException;
import org.swf.testbed.port.AgentLogRecord;
import org.swf.testbed.port.AgentReportStore;
import org.swf.testbed.port.ExecutionRecord;
import org.swf.testbed.port.ExecutionStatus;
import org.swf.testbed.port.ExecutionStore;
import org.swf.testbed.port.ReportedRun;
import org.swf.testbed.port.StfFileRecord;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.util.PrivateFiles;

/**
 * Execution records, and what agents report to the monitor API about them, in an SQLite database
 * file in the testbed's state directory.
 *
 * <p>Every call opens its own connection: the runner, the CLI and the agent manager are separate
 * processes sharing the file, and SQLite's file locks (with a busy timeout, and
 * {@code BEGIN IMMEDIATE} for allocations) keep their numbers unique.
 */
public final class SqliteExecutionStore implements ExecutionStore, AgentReportStore {

    /** The first run number, as the original monitor's counter. */
    public static final long FIRST_RUN_NUMBER = 100010;

    private static final int BUSY_TIMEOUT_MILLIS = 10_000;
    private static final String COLUMNS = "execution_id, workflow_name, namespace, username, run_id, status, started_at,"
            + " ended_at, parameters, message_counts, runner_pid, runner_started_at, hostname, failure";

    private static final String STF_COLUMNS = "file_id, run_id, stf_filename, file_size_bytes, machine_state, status,"
            + " metadata, created_by, created_at";

    private final Path file;
    private final JsonCodec codec = new JsonCodec();
    private volatile boolean schemaCreated;

    /**
     * Opens (and creates, when new) the database. Its tables are made on first use: a command that
     * ends up not needing the store ({@code testbed status} with an answering runner) never loads
     * SQLite, whose native library costs more start-up than the rest of such a command.
     *
     * @param file the database file, e.g. {@code .testbed/testbed.db}
     */
    public SqliteExecutionStore(Path file) {
        this.file = file.toAbsolutePath();
        try {
            PrivateFiles.directory(this.file.getParent());
            if (!Files.exists(this.file)) {
                // SQLite takes an empty file for a new database, and gives its journals the
                // database's mode: created here, all of them are the owner's alone.
                try {
                    Files.createFile(this.file, PosixFilePermissions.asFileAttribute(PrivateFiles.FILE));
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    // Created concurrently by another process of this home.
                }
            }
        } catch (IOException e) {
            throw new TestbedException("Cannot create " + this.file.getParent() + ": " + e.getMessage()
                    + ". Check that the testbed home is writable", e);
        }
    }

    /** Creates the tables the first time this store is used; later calls return at once. */
    private void createSchemaOnce() {
        if (schemaCreated) {
            return;
        }
        synchronized (this) {
            if (schemaCreated) {
                return;
            }
            transaction(false, this::createSchema);
            schemaCreated = true;
        }
    }

    private Void createSchema(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("CREATE TABLE IF NOT EXISTS sequences (name TEXT PRIMARY KEY,"
                    + " value INTEGER NOT NULL)");
            statement.executeUpdate("CREATE TABLE IF NOT EXISTS executions (execution_id TEXT PRIMARY KEY,"
                    + " workflow_name TEXT NOT NULL, namespace TEXT NOT NULL, username TEXT NOT NULL,"
                    + " run_id TEXT NOT NULL, status TEXT NOT NULL, started_at TEXT NOT NULL, ended_at TEXT,"
                    + " parameters TEXT NOT NULL, message_counts TEXT NOT NULL, runner_pid INTEGER,"
                    + " runner_started_at TEXT, hostname TEXT, failure TEXT)");
            statement.executeUpdate("CREATE INDEX IF NOT EXISTS executions_by_start ON executions (started_at)");
            // What agents report to the monitor API: kept beside the executions, which they
            // join by run number (the run_id of the workflow's messages).
            statement.executeUpdate("CREATE TABLE IF NOT EXISTS subscribers (name TEXT PRIMARY KEY,"
                    + " description TEXT, created_at TEXT NOT NULL)");
            statement.executeUpdate("CREATE TABLE IF NOT EXISTS reported_runs (run_id INTEGER PRIMARY KEY"
                    + " AUTOINCREMENT, run_number INTEGER NOT NULL UNIQUE, start_time TEXT, end_time TEXT,"
                    + " conditions TEXT NOT NULL)");
            statement.executeUpdate("CREATE TABLE IF NOT EXISTS stf_files (file_id TEXT PRIMARY KEY,"
                    + " run_id INTEGER NOT NULL REFERENCES reported_runs (run_id),"
                    + " stf_filename TEXT NOT NULL UNIQUE,"
                    + " file_size_bytes INTEGER, machine_state TEXT, status TEXT NOT NULL, metadata TEXT NOT NULL,"
                    + " created_by TEXT, created_at TEXT NOT NULL)");
            statement.executeUpdate("CREATE TABLE IF NOT EXISTS agent_logs (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                    + " instance_name TEXT NOT NULL, program TEXT, timestamp TEXT NOT NULL, level INTEGER NOT NULL,"
                    + " level_name TEXT, message TEXT NOT NULL, module TEXT, func_name TEXT, line_number INTEGER,"
                    + " execution_id TEXT, run_id TEXT)");
            statement.executeUpdate("CREATE INDEX IF NOT EXISTS agent_logs_by_program ON agent_logs (program, id)");
            statement.executeUpdate("CREATE INDEX IF NOT EXISTS agent_logs_by_instance ON agent_logs"
                    + " (instance_name, id)");
        }
        return null;
    }

    @Override
    public Allocation allocate() {
        return inTransaction(true, connection -> new Allocation(next(connection, "execution", 1),
                next(connection, "run_number", FIRST_RUN_NUMBER)));
    }

    @Override
    public void started(ExecutionRecord execution) {
        inTransaction(false, connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO executions (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, execution.executionId());
                insert.setString(2, execution.workflowName());
                insert.setString(3, execution.namespace());
                insert.setString(4, execution.user());
                insert.setString(5, execution.runId());
                insert.setString(6, execution.status().word());
                insert.setString(7, execution.startedAt().toString());
                insert.setString(8, execution.endedAt() == null ? null : execution.endedAt().toString());
                insert.setString(9, codec.encode(execution.parameters()));
                insert.setString(10, codec.encode(execution.messageCounts()));
                insert.setLong(11, execution.runnerPid());
                insert.setString(12, execution.runnerStartedAt() == null ? null : execution.runnerStartedAt().toString());
                insert.setString(13, execution.hostname());
                insert.setString(14, execution.failure());
                insert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void finished(String executionId, ExecutionStatus status, Instant endedAt, Map<String, Integer> messageCounts,
            String failure) {
        if (status == ExecutionStatus.RUNNING) {
            throw new IllegalArgumentException("An execution cannot finish as running");
        }
        inTransaction(false, connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE executions SET status = ?, ended_at = ?,"
                    + " message_counts = ?, failure = ? WHERE execution_id = ?")) {
                update.setString(1, status.word());
                update.setString(2, endedAt.toString());
                update.setString(3, codec.encode(messageCounts));
                update.setString(4, failure);
                update.setString(5, executionId);
                update.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<ExecutionRecord> find(String executionId) {
        return inTransaction(false, connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS
                    + " FROM executions WHERE execution_id = ?")) {
                query.setString(1, executionId);
                List<ExecutionRecord> found = read(query);
                return found.stream().findFirst();
            }
        });
    }

    @Override
    public List<ExecutionRecord> recent(int limit) {
        return inTransaction(false, connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS
                    + " FROM executions ORDER BY started_at DESC, execution_id DESC LIMIT ?")) {
                query.setInt(1, Math.max(0, limit));
                return read(query);
            }
        });
    }

    @Override
    public List<ExecutionRecord> failAbandoned(Predicate<ExecutionRecord> runnerAlive) {
        return inTransaction(true, connection -> {
            List<ExecutionRecord> running;
            try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS
                    + " FROM executions WHERE status = ?")) {
                query.setString(1, ExecutionStatus.RUNNING.word());
                running = read(query);
            }
            List<ExecutionRecord> abandoned = new ArrayList<>();
            Instant now = Instant.now();
            for (ExecutionRecord execution : running) {
                if (runnerAlive.test(execution)) {
                    continue;
                }
                String failure = "The workflow runner (pid " + execution.runnerPid() + ") died while running it";
                try (PreparedStatement update = connection.prepareStatement("UPDATE executions SET status = ?,"
                        + " ended_at = ?, failure = ? WHERE execution_id = ? AND status = ?")) {
                    update.setString(1, ExecutionStatus.FAILED.word());
                    update.setString(2, now.toString());
                    update.setString(3, failure);
                    update.setString(4, execution.executionId());
                    update.setString(5, ExecutionStatus.RUNNING.word());
                    update.executeUpdate();
                }
                abandoned.add(new ExecutionRecord(execution.executionId(), execution.workflowName(),
                        execution.namespace(), execution.user(), execution.runId(), ExecutionStatus.FAILED,
                        execution.startedAt(), now, execution.parameters(), execution.messageCounts(),
                        execution.runnerPid(), execution.runnerStartedAt(), execution.hostname(), failure));
            }
            return abandoned;
        });
    }

    @Override
    public long nextAgentId() {
        return inTransaction(true, connection -> next(connection, "agent_id", 1));
    }

    @Override
    public boolean addSubscriber(String name, String description) {
        return inTransaction(true, connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO subscribers (name, description,"
                    + " created_at) VALUES (?, ?, ?) ON CONFLICT(name) DO NOTHING")) {
                insert.setString(1, name);
                insert.setString(2, description);
                insert.setString(3, Instant.now().toString());
                return insert.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Optional<ReportedRun> addRun(long runNumber, String startTime, Map<String, Object> conditions) {
        return inTransaction(true, connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO reported_runs (run_number,"
                    + " start_time, conditions) VALUES (?, ?, ?) ON CONFLICT(run_number) DO NOTHING")) {
                insert.setLong(1, runNumber);
                insert.setString(2, startTime);
                insert.setString(3, codec.encode(conditions == null ? Map.of() : conditions));
                if (insert.executeUpdate() == 0) {
                    return Optional.empty();
                }
            }
            return readRun(connection, "run_number", runNumber);
        });
    }

    @Override
    public Optional<ReportedRun> endRun(long runId, String endTime) {
        return inTransaction(true, connection -> {
            if (endTime != null) {
                try (PreparedStatement update = connection.prepareStatement("UPDATE reported_runs SET end_time = ?"
                        + " WHERE run_id = ?")) {
                    update.setString(1, endTime);
                    update.setLong(2, runId);
                    update.executeUpdate();
                }
            }
            return readRun(connection, "run_id", runId);
        });
    }

    @Override
    public Optional<ReportedRun> run(long runId) {
        return inTransaction(false, connection -> readRun(connection, "run_id", runId));
    }

    @Override
    public Optional<StfFileRecord> addStfFile(StfFileRecord file) {
        String fileId = UUID.randomUUID().toString();
        return inTransaction(true, connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO stf_files (" + STF_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(stf_filename) DO NOTHING")) {
                insert.setString(1, fileId);
                insert.setLong(2, file.runId());
                insert.setString(3, file.stfFilename());
                insert.setObject(4, file.fileSizeBytes());
                insert.setString(5, file.machineState());
                insert.setString(6, file.status());
                insert.setString(7, codec.encode(file.metadata()));
                insert.setString(8, file.createdBy());
                insert.setString(9, Instant.now().toString());
                if (insert.executeUpdate() == 0) {
                    return Optional.empty();
                }
            }
            return readStfFiles(connection, "WHERE file_id = ?", fileId).stream().findFirst();
        });
    }

    @Override
    public Optional<StfFileRecord> updateStfFile(String fileId, String status, Map<String, Object> metadata) {
        return inTransaction(true, connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE stf_files SET status = COALESCE(?,"
                    + " status), metadata = COALESCE(?, metadata) WHERE file_id = ?")) {
                update.setString(1, status);
                update.setString(2, metadata == null ? null : codec.encode(metadata));
                update.setString(3, fileId);
                update.executeUpdate();
            }
            return readStfFiles(connection, "WHERE file_id = ?", fileId).stream().findFirst();
        });
    }

    @Override
    public List<StfFileRecord> stfFiles(String executionId) {
        return inTransaction(false, connection -> readStfFiles(connection, "JOIN reported_runs r ON r.run_id ="
                + " s.run_id JOIN executions e ON e.run_id = CAST(r.run_number AS TEXT) WHERE e.execution_id = ?"
                + " ORDER BY s.created_at, s.stf_filename", executionId));
    }

    @Override
    public void addLog(AgentLogRecord record) {
        inTransaction(false, connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO agent_logs (instance_name,"
                    + " program, timestamp, level, level_name, message, module, func_name, line_number, execution_id,"
                    + " run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, record.instanceName());
                insert.setString(2, record.program());
                insert.setString(3, record.timestamp());
                insert.setInt(4, record.level());
                insert.setString(5, record.levelName());
                insert.setString(6, record.message());
                insert.setString(7, record.module());
                insert.setString(8, record.funcName());
                insert.setObject(9, record.lineNumber());
                insert.setString(10, record.executionId());
                insert.setString(11, record.runId());
                insert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<AgentLogRecord> logs(String agent, int limit) {
        return inTransaction(false, connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT * FROM (SELECT * FROM agent_logs"
                    + " WHERE program = ? OR instance_name = ? ORDER BY id DESC LIMIT ?) ORDER BY id")) {
                query.setString(1, agent);
                query.setString(2, agent);
                query.setInt(3, Math.max(0, limit));
                List<AgentLogRecord> records = new ArrayList<>();
                try (ResultSet row = query.executeQuery()) {
                    while (row.next()) {
                        records.add(new AgentLogRecord(row.getString("instance_name"), row.getString("program"),
                                row.getString("timestamp"), row.getInt("level"), row.getString("level_name"),
                                row.getString("message"), row.getString("module"), row.getString("func_name"),
                                (Integer) row.getObject("line_number"), row.getString("execution_id"),
                                row.getString("run_id")));
                    }
                }
                return records;
            }
        });
    }

    private Optional<ReportedRun> readRun(Connection connection, String column, long value) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT run_id, run_number, start_time, end_time,"
                + " conditions FROM reported_runs WHERE " + column + " = ?")) {
            query.setLong(1, value);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.of(new ReportedRun(row.getLong(1), row.getLong(2), row.getString(3),
                        row.getString(4), codec.decodeObject(row.getString(5)))) : Optional.empty();
            }
        }
    }

    private List<StfFileRecord> readStfFiles(Connection connection, String where, String value) throws SQLException {
        List<StfFileRecord> files = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT " + STF_COLUMNS.replaceAll("(\\w+)", "s.$1")
                + " FROM stf_files s " + where)) {
            query.setString(1, value);
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    Object size = row.getObject("file_size_bytes");
                    files.add(new StfFileRecord(row.getString("file_id"), row.getLong("run_id"),
                            row.getString("stf_filename"), size == null ? null : ((Number) size).longValue(),
                            row.getString("machine_state"), row.getString("status"),
                            codec.decodeObject(row.getString("metadata")), row.getString("created_by"),
                            row.getString("created_at")));
                }
            }
        }
        return files;
    }

    private static long next(Connection connection, String sequence, long first) throws SQLException {
        long value;
        try (PreparedStatement query = connection.prepareStatement("SELECT value FROM sequences WHERE name = ?")) {
            query.setString(1, sequence);
            try (ResultSet row = query.executeQuery()) {
                value = row.next() ? row.getLong(1) + 1 : first;
            }
        }
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO sequences (name, value) VALUES (?, ?)"
                + " ON CONFLICT(name) DO UPDATE SET value = excluded.value")) {
            upsert.setString(1, sequence);
            upsert.setLong(2, value);
            upsert.executeUpdate();
        }
        return value;
    }

    private List<ExecutionRecord> read(PreparedStatement query) throws SQLException {
        List<ExecutionRecord> records = new ArrayList<>();
        try (ResultSet row = query.executeQuery()) {
            while (row.next()) {
                Map<String, Integer> counts = new LinkedHashMap<>();
                codec.decodeObject(row.getString("message_counts")).forEach((type, count) ->
                        counts.put(type, ((Number) count).intValue()));
                String ended = row.getString("ended_at");
                String runnerStarted = row.getString("runner_started_at");
                records.add(new ExecutionRecord(row.getString("execution_id"), row.getString("workflow_name"),
                        row.getString("namespace"), row.getString("username"), row.getString("run_id"),
                        ExecutionStatus.of(row.getString("status")), Instant.parse(row.getString("started_at")),
                        ended == null ? null : Instant.parse(ended), codec.decodeObject(row.getString("parameters")),
                        counts, row.getLong("runner_pid"), runnerStarted == null ? null : Instant.parse(runnerStarted),
                        row.getString("hostname"), row.getString("failure")));
            }
        }
        return records;
    }

    private <T> T inTransaction(boolean immediate, SqlWork<T> work) {
        createSchemaOnce();
        return transaction(immediate, work);
    }

    private <T> T transaction(boolean immediate, SqlWork<T> work) {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
            }
            connection.setAutoCommit(true);
            try (Statement statement = connection.createStatement()) {
                // IMMEDIATE takes the write lock at once, so two allocations never read the same value.
                statement.execute(immediate ? "BEGIN IMMEDIATE" : "BEGIN");
            }
            try {
                T result = work.run(connection);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("COMMIT");
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("ROLLBACK");
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new TestbedException("The execution records in " + file + " cannot be used: " + e.getMessage()
                    + ". Check that the file is writable and not corrupt (move it aside to start afresh)", e);
        }
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }
}
