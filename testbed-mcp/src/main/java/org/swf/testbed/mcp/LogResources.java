package org.swf.testbed.mcp;

import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.Resource;
import io.modelcontextprotocol.spec.McpSchema.ResourceTemplate;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import io.modelcontextprotocol.util.DefaultMcpUriTemplateManagerFactory;
import io.modelcontextprotocol.util.McpUriTemplateManager;
import io.modelcontextprotocol.util.McpUriTemplateManagerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.swf.testbed.TestbedException;
import org.swf.testbed.port.ProgramSpec;
import org.swf.testbed.util.LogTail;

/**
 * The logs of the testbed home's programs (broker, workflow runner, each agent, supervisord) as
 * MCP resources: {@code testbed://logs/PROGRAM} is the tail of {@code HOME/logs/PROGRAM.log}.
 *
 * <p>{@code resources/list} lists the logs present: the server {@linkplain #refresh refreshes}
 * the registered set when it starts, after every tool call and before it answers
 * {@code resources/list}, and tells the client when it changed ({@code list_changed}). Any
 * {@code testbed://} URI is read through one template, so a log that appeared since the last
 * list can be read at once, and every URI that names no log gets an error saying why and what
 * to use instead.
 *
 * <p>Only files directly in the log directory are ever read: a program name is letters, digits,
 * {@code _ . -} (no {@code /}, no {@code ..}, no escapes, which are never decoded), and a
 * symbolic link is not followed, so no URI reaches a file outside the directory.
 */
final class LogResources {

    /** The scheme and path of every log resource. */
    static final String PREFIX = "testbed://logs/";
    /** How many of a log's last lines a read returns. */
    static final int TAIL_LINES = 500;

    private static final System.Logger LOG = System.getLogger(LogResources.class.getName());
    private static final String TEMPLATE = PREFIX + "{program}";
    private static final String SCHEME = "testbed://";
    private static final String LOG_SUFFIX = ".log";
    private static final String EXAMPLE = PREFIX + "data-agent";
    private static final String TEXT = "text/plain";

    private final Path directory;
    private final Set<String> registered = new HashSet<>(); // program names; guarded by this

    /** @param directory the home's log directory, or null when the server has no home */
    LogResources(Path directory) {
        this.directory = directory == null ? null : directory.toAbsolutePath().normalize();
    }

    /** @return the resource of each log present now; they become the registered set */
    synchronized List<SyncResourceSpecification> initial() {
        registered.clear();
        registered.addAll(programsWithALog());
        return registered.stream().sorted().map(this::specification).toList();
    }

    /** @return the template through which every {@code testbed://} URI is read */
    SyncResourceTemplateSpecification template() {
        ResourceTemplate template = ResourceTemplate.builder(TEMPLATE, "program-log")
                .title("Log of a testbed program")
                .description("The last " + TAIL_LINES + " lines of a program's log in the testbed home's logs/"
                        + " directory. PROGRAM is a supervisord program as list_agents names it, e.g. data-agent,"
                        + " workflow-runner, broker, or supervisord for supervisord's own log.")
                .mimeType(TEXT).build();
        return new SyncResourceTemplateSpecification(template, (exchange, request) -> read(request.uri()));
    }

    /**
     * The server's URI matching, with one change: the log template matches every
     * {@code testbed://} URI, so that a URI naming no log ({@code testbed://logs/../x},
     * {@code testbed://logs/a/b}, {@code testbed://other}) reaches {@link #read}, which says what
     * is wrong with it, instead of the SDK's bare "Resource not found".
     *
     * @return the factory for the server's builder
     */
    static McpUriTemplateManagerFactory uriMatching() {
        McpUriTemplateManagerFactory standard = new DefaultMcpUriTemplateManagerFactory();
        return uriTemplate -> {
            McpUriTemplateManager manager = standard.create(uriTemplate);
            if (!TEMPLATE.equals(uriTemplate)) {
                return manager;
            }
            return new McpUriTemplateManager() {
                @Override
                public List<String> getVariableNames() {
                    return manager.getVariableNames();
                }

                @Override
                public Map<String, String> extractVariableValues(String uri) {
                    return manager.extractVariableValues(uri);
                }

                @Override
                public boolean matches(String uri) {
                    return uri != null && uri.startsWith(SCHEME);
                }

                @Override
                public boolean isUriTemplate(String template) {
                    return manager.isUriTemplate(template);
                }
            };
        };
    }

    /**
     * Makes the server's resources the logs present now: adds new ones, removes vanished ones;
     * the SDK tells the client that the list changed when it did.
     *
     * @param server the running server
     */
    synchronized void refresh(McpSyncServer server) {
        Set<String> present = programsWithALog();
        try {
            for (String gone : Set.copyOf(registered)) {
                if (!present.contains(gone)) {
                    server.removeResource(uri(gone));
                    registered.remove(gone);
                }
            }
            for (String program : present) {
                if (registered.add(program)) {
                    server.addResource(specification(program));
                }
            }
        } catch (RuntimeException e) {
            // The session is closing; the next refresh, if any, catches up.
            LOG.log(Level.DEBUG, "Log resources not refreshed: {0}", e.toString());
        }
    }

    /**
     * @param uri a resource URI a client asked for
     * @return the tail of that program's log
     * @throws McpError with INVALID_PARAMS for a URI that names no log, RESOURCE_NOT_FOUND for a
     *     program without a log, INTERNAL_ERROR when the log cannot be read
     */
    ReadResourceResult read(String uri) {
        String program = programOf(uri);
        if (directory == null) {
            throw error(McpSchema.ErrorCodes.RESOURCE_NOT_FOUND, uri, "This MCP server was started without a"
                    + " testbed home, so it has no logs to offer. Start it in the home (testbed --home DIR mcp), or"
                    + " use the tool tail_agent_log, which asks the agent manager");
        }
        Path file = directory.resolve(program + LOG_SUFFIX);
        if (!directory.equals(file.normalize().getParent()) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw error(McpSchema.ErrorCodes.RESOURCE_NOT_FOUND, uri, "No log at " + uri + ": program '" + program
                    + "' has no log file in " + directory + " (a program has one once it was started)."
                    + " resources/list lists the logs there; list_agents names the programs");
        }
        List<String> lines;
        try {
            lines = LogTail.read(file, TAIL_LINES);
        } catch (TestbedException e) {
            throw error(McpSchema.ErrorCodes.INTERNAL_ERROR, uri, e.getMessage());
        }
        String text = lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
        return new ReadResourceResult(List.of(new TextResourceContents(uri, TEXT, text)));
    }

    /** @return the program a URI names, checked to be a plain program name */
    private static String programOf(String uri) {
        if (uri == null || !uri.startsWith(PREFIX)) {
            throw error(McpSchema.ErrorCodes.INVALID_PARAMS, uri, "Unknown resource '" + printable(uri) + "': this"
                    + " server offers program logs as " + PREFIX + "PROGRAM, e.g. " + EXAMPLE + "; resources/list"
                    + " lists them");
        }
        String program = uri.substring(PREFIX.length());
        if (!ToolArguments.PROGRAM.matcher(program).matches() || program.contains("..")) {
            throw error(McpSchema.ErrorCodes.INVALID_PARAMS, uri, "Invalid program name '" + printable(program)
                    + "' in " + printable(uri) + ": a log is named by its program alone (letters, digits, '_', '.'"
                    + " or '-', starting with a letter or digit; no '/', no '..'), e.g. " + EXAMPLE
                    + "; resources/list lists the logs");
        }
        return program;
    }

    private Set<String> programsWithALog() {
        Set<String> programs = new TreeSet<>();
        if (directory == null) {
            return programs;
        }
        try (Stream<Path> files = Files.list(directory)) {
            files.filter(file -> Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS))
                    .map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(LOG_SUFFIX))
                    .map(name -> name.substring(0, name.length() - LOG_SUFFIX.length()))
                    .filter(program -> ToolArguments.PROGRAM.matcher(program).matches() && !program.contains(".."))
                    .forEach(programs::add);
        } catch (NoSuchFileException e) {
            // No program has run in this home yet.
        } catch (IOException | UncheckedIOException e) {
            LOG.log(Level.WARNING, "Cannot list the logs in {0}: {1}", directory, e.toString());
        }
        return programs;
    }

    private SyncResourceSpecification specification(String program) {
        Resource resource = Resource.builder(uri(program), program)
                .title("Log of " + program)
                .description("The last " + TAIL_LINES + " lines of " + directory.resolve(program + LOG_SUFFIX) + ".")
                .mimeType(TEXT).build();
        return new SyncResourceSpecification(resource, (exchange, request) -> read(request.uri()));
    }

    private static String uri(String program) {
        return PREFIX + program;
    }

    private static McpError error(int code, String uri, String message) {
        return McpError.builder(code).message(message).data(Map.of("uri", String.valueOf(uri))).build();
    }

    private static String printable(String text) {
        String shown = ProgramSpec.printable(text);
        return shown.length() > 120 ? shown.substring(0, 120) + "..." : shown;
    }
}
