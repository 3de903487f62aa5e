package org.swf.testbed.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.port.AgentReportStoreContract;

class SqliteAgentReportStoreTest extends AgentReportStoreContract {

    @TempDir
    Path directory;

    private int stores;

    @Override
    protected Stores newStores() {
        SqliteExecutionStore store = new SqliteExecutionStore(directory.resolve("db" + (++stores))
                .resolve("testbed.db"));
        return new Stores(store, store);
    }
}
