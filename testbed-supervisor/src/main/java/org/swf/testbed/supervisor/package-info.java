/**
 * The {@link org.swf.testbed.port.ProcessSupervisor} through supervisord: the configuration generated
 * from the testbed's programs (nothing hostile reaches it), supervisorctl calls with timeouts, the
 * private control socket, and orphans of a killed supervisord found through {@code /proc}.
 */
package org.swf.testbed.supervisor;
