package org.swf.testbed.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OsUserTest {

    @Test
    void theEffectiveUidIsTheOwnerOfWhatThisProcessCreates(@TempDir Path directory) throws IOException {
        Path file = Files.createFile(directory.resolve("mine"));

        assertThat(OsUser.effectiveUid()).isEqualTo(Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        assertThat(OsUser.nameOf(OsUser.effectiveUid())).contains(OsUser.name());
        assertThat(OsUser.describe(0)).isEqualTo("'root' (uid 0)");
    }
}
