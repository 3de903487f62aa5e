package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.swf.testbed.ConfigException;
import org.swf.testbed.LifecycleConflictException;
import org.swf.testbed.OperationInProgressException;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.TestbedException;
import org.swf.testbed.TestbedTimeoutException;
import org.swf.testbed.protocol.MalformedMessageException;
import picocli.CommandLine;

class ExitCodeTest {

    @Test
    void everyFailureOfTheExceptionTreeHasTheExitCodeOfTheDesignTable() {
        assertThat(ExitCode.of(new ConfigException("x")).code).isEqualTo(3);
        assertThat(ExitCode.of(new ServiceUnavailableException("x")).code).isEqualTo(4);
        assertThat(ExitCode.of(new LifecycleConflictException("x")).code).isEqualTo(5);
        assertThat(ExitCode.of(new OperationInProgressException("x")).code).isEqualTo(5);
        assertThat(ExitCode.of(new TestbedTimeoutException("x")).code).isEqualTo(6);
        assertThat(ExitCode.of(new MalformedMessageException("x")).code).isEqualTo(1);
        assertThat(ExitCode.of(new TestbedException("x")).code).isEqualTo(1);
        assertThat(ExitCode.of(new IllegalStateException("x")).code).isEqualTo(1);
        assertThat(ExitCode.of(new CommandLine.ParameterException(new CommandLine(CommandLine.Model.CommandSpec.create()), "x")).code)
                .isEqualTo(2);
    }
}
