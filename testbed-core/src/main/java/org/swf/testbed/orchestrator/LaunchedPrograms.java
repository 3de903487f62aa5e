package org.swf.testbed.orchestrator;

import java.util.List;
import org.swf.testbed.port.ProgramSpec;

/**
 * The programs a start gave supervisord, in its order, kept beside the {@link RunRecord}.
 *
 * @param programs every program of the configuration supervisord runs
 */
record LaunchedPrograms(List<ProgramSpec> programs) {

    /** Copies the list. */
    LaunchedPrograms {
        programs = programs == null ? List.of() : List.copyOf(programs);
    }
}
