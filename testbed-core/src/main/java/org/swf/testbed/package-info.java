/**
 * The testbed's one exception tree: {@link org.swf.testbed.TestbedException} and the subclasses the
 * front ends map to exit codes and error codes. Every message says what failed, why and what to
 * do.
 */
package org.swf.testbed;
