package org.swf.testbed.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code testbed completion [bash|zsh]}: the shell completion script, generated from the command model. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a completion script for bash or zsh (subcommands, options, agent names are typed by"
                + " you). Load it in the current shell with: source <(testbed completion bash)",
            "Keep it: testbed completion bash > ~/.local/share/bash-completion/completions/testbed; for zsh, put"
                + " 'source <(testbed completion zsh)' in ~/.zshrc (it uses zsh's bashcompinit)."})
final class CompletionCommand implements Callable<Integer> {

    /** The shells the script serves. */
    enum Shell { bash, zsh }

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", defaultValue = "bash", paramLabel = "SHELL",
            description = "bash or zsh (default ${DEFAULT-VALUE}).")
    private Shell shell;

    @Override
    public Integer call() {
        // picocli's script serves both: under zsh it loads bashcompinit first.
        spec.commandLine().getOut().print(AutoComplete.bash("testbed", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return ExitCode.OK.code;
    }
}
