package org.swf.testbed.time;

import org.swf.testbed.port.Clock;
import org.swf.testbed.port.ClockContract;

class SystemClockTest extends ClockContract {

    @Override
    protected Clock clock() {
        return new SystemClock();
    }
}
