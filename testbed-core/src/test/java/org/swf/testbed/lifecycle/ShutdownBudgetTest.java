package org.swf.testbed.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ShutdownBudgetTest {

    @Test
    void theStandardBudgetIsWellInsideTheSupervisorsGraceAndSplitIntoThreeShares() {
        ShutdownBudget budget = ShutdownBudget.STANDARD;

        assertThat(budget.total()).isEqualTo(Duration.ofSeconds(6)).isLessThan(ShutdownBudget.SUPERVISOR_GRACE);
        assertThat(budget.stopWork()).isEqualTo(Duration.ofSeconds(2));
        assertThat(budget.monitorFlush()).isEqualTo(Duration.ofSeconds(2));
        assertThat(budget.busClose()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aBudgetFollowsItsGrace() {
        assertThat(ShutdownBudget.within(Duration.ofSeconds(30)).total()).isEqualTo(Duration.ofSeconds(18));
        assertThatThrownBy(() -> ShutdownBudget.within(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("grace");
        assertThatThrownBy(() -> new ShutdownBudget(Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("monitorFlush");
    }

    @Test
    void aStepThatFinishesIsReportedFinished() {
        assertThat(ShutdownBudget.runWithin(Duration.ofSeconds(30), "quick", () -> { })).isTrue();
    }

    @Test
    void aStepThatBlocksIsLeftBehindAtItsLimit() {
        CountDownLatch never = new CountDownLatch(1);
        try {
            assertThat(ShutdownBudget.runWithin(Duration.ofMillis(50), "stuck", () -> {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            })).isFalse();
        } finally {
            never.countDown();
        }
    }
}
