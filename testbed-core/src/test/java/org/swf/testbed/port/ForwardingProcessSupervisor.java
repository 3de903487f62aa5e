package org.swf.testbed.port;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Forwards to the fake supervisor, so a test can add behaviour to some calls by overriding them. */
public class ForwardingProcessSupervisor implements ProcessSupervisor {

    /** The fake every call goes to. */
    protected final FakeProcessSupervisor delegate;

    /** @param delegate the fake every call goes to */
    public ForwardingProcessSupervisor(FakeProcessSupervisor delegate) {
        this.delegate = delegate;
    }

    @Override
    public void requireInstalled() {
        delegate.requireInstalled();
    }

    @Override
    public SupervisorSnapshot observe() {
        return delegate.observe();
    }

    @Override
    public void restart(List<ProgramSpec> programs, Map<String, String> environment) {
        delegate.restart(programs, environment);
    }

    @Override
    public void update(List<ProgramSpec> programs) {
        delegate.update(programs);
    }

    @Override
    public List<String> stop(List<String> programs) {
        return delegate.stop(programs);
    }

    @Override
    public void start(List<String> programs) {
        delegate.start(programs);
    }

    @Override
    public List<String> stopAll() {
        return delegate.stopAll();
    }

    @Override
    public void removeStaleFiles() {
        delegate.removeStaleFiles();
    }

    @Override
    public List<String> logTail(String program, int lines) {
        return delegate.logTail(program, lines);
    }

    @Override
    public Path logFile(String program) {
        return delegate.logFile(program);
    }
}
