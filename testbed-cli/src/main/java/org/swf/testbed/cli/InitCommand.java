package org.swf.testbed.cli;

import picocli.CommandLine.Mixin;
import org.swf.testbed.protocol.JsonCodec;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import org.swf.testbed.TestbedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code testbed init [DIR]}: write the example configs into a testbed home. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Create a testbed home: write the example configs to DIR/workflows/ (DIR defaults to the home)."
                + " Existing files are kept unless --force.")
final class InitCommand implements Callable<Integer> {

    /** The example configs shipped in the CLI jar. */
    static final List<String> EXAMPLES = List.of("testbed.toml", "daq_state_machine.toml",
            "stf_datataking_default.toml", "fast_processing_default.toml");

    private final HomeServices home;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR")
    private Path directory;

    @Option(names = "--force", description = "Overwrite existing config files.")
    private boolean force;

    @Mixin
    private JsonOption json;

    InitCommand(HomeServices home) {
        this.home = home;
    }

    @Override
    public Integer call() {
        Path target = directory != null ? directory.toAbsolutePath().normalize() : home.home();
        Path workflows = target.resolve("workflows");
        PrintWriter out = spec.commandLine().getOut();
        List<String> created = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        List<String> said = new ArrayList<>();
        try {
            Files.createDirectories(workflows);
            for (String name : EXAMPLES) {
                Path file = workflows.resolve(name);
                if (Files.exists(file) && !force) {
                    kept.add(file.toString());
                    said.add("Kept existing " + file);
                    continue;
                }
                try (InputStream example = InitCommand.class.getResourceAsStream("/workflows/" + name)) {
                    if (example == null) {
                        throw new IllegalStateException("The example config " + name + " is missing from this build");
                    }
                    Files.copy(example, file, StandardCopyOption.REPLACE_EXISTING);
                }
                created.add(file.toString());
                said.add("Created " + file);
            }
        } catch (IOException e) {
            throw new TestbedException("Cannot write the example configs to " + workflows + ": " + e.getMessage()
                    + ". Check that the directory is writable", e);
        }
        if (json.enabled()) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("home", target.toString());
            fields.put("created", created);
            fields.put("kept", kept);
            out.println(new JsonCodec().encode(fields));
            return ExitCode.OK.code;
        }
        said.forEach(out::println);
        out.println("Testbed home ready: " + target + ". Set your namespace in workflows/testbed.toml, then run"
                + " 'testbed run' there.");
        return ExitCode.OK.code;
    }
}
