package org.swf.testbed.mcp;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks tool results as a conforming MCP client does after {@code tools/list}, and more strictly
 * than the SDK's own client (which skips error results): every {@code structuredContent}, of a
 * success or an error, must validate against the tool's advertised {@code outputSchema} under JSON
 * Schema 2020-12 (the MCP default dialect), as the TypeScript SDK's client checks it; a success of
 * a tool with an output schema must carry structured content; every result must say something in
 * text; and every output schema must itself be a valid 2020-12 schema of an object.
 *
 * <p>The validator is NetworkNT's json-schema-validator, which the MCP SDK brings (its own
 * server-side check uses it); the rules above are this class's.
 */
public final class StrictResultValidator {

    private static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

    private final JsonMapper mapper = JsonMapper.builder().build();
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final Map<String, Schema> schemas = new LinkedHashMap<>();
    private final List<String> schemaProblems = new ArrayList<>();

    /**
     * @param tools the tools as {@code tools/list} returned them
     */
    public StrictResultValidator(List<Tool> tools) {
        Schema metaSchema = registry.getSchema(SchemaLocation.of(DRAFT_2020_12));
        for (Tool tool : tools) {
            Map<String, Object> outputSchema = tool.outputSchema();
            if (outputSchema == null) {
                continue;
            }
            JsonNode schemaNode = mapper.valueToTree(outputSchema);
            for (Error error : metaSchema.validate(schemaNode)) {
                schemaProblems.add(tool.name() + ": outputSchema is not a JSON Schema 2020-12: " + error);
            }
            if (!"object".equals(outputSchema.get("type"))) {
                schemaProblems.add(tool.name() + ": outputSchema must describe an object, has type "
                        + outputSchema.get("type"));
            }
            schemas.put(tool.name(), registry.getSchema(schemaNode));
        }
    }

    /** @return what is wrong with the advertised output schemas; empty when nothing is */
    public List<String> schemaProblems() {
        return List.copyOf(schemaProblems);
    }

    /**
     * @param toolName the tool called
     * @param result its result
     * @return every way the result breaks the rules; empty when it is valid
     */
    public List<String> problems(String toolName, CallToolResult result) {
        List<String> problems = new ArrayList<>();
        boolean error = Boolean.TRUE.equals(result.isError());
        boolean saysSomething = result.content() != null && result.content().stream()
                .anyMatch(content -> content instanceof TextContent text && !text.text().isBlank());
        if (!saysSomething) {
            problems.add(toolName + ": the result has no text content");
        }
        Schema schema = schemas.get(toolName);
        Object structured = result.structuredContent();
        if (schema == null) {
            if (structured != null) {
                problems.add(toolName + ": structured content from a tool without an output schema");
            }
            return problems;
        }
        if (structured == null) {
            if (!error) {
                problems.add(toolName + ": a success without structured content, though the tool has an output"
                        + " schema");
            }
            return problems;
        }
        JsonNode instance = mapper.valueToTree(structured);
        if (!instance.isObject()) {
            problems.add(toolName + ": structured content is not a JSON object: " + instance);
            return problems;
        }
        for (Error violation : schema.validate(instance)) {
            problems.add(toolName + (error ? " (error result)" : "") + ": structured content does not match the"
                    + " tool's output schema: " + violation + " in " + instance);
        }
        return problems;
    }

    /**
     * @param toolName the tool called
     * @param result its result
     * @return the result, once it passed
     * @throws AssertionError naming every problem, as a client would reject the result
     */
    public CallToolResult requireValid(String toolName, CallToolResult result) {
        List<String> problems = problems(toolName, result);
        if (!problems.isEmpty()) {
            throw new AssertionError(String.join("\n", problems));
        }
        return result;
    }
}
