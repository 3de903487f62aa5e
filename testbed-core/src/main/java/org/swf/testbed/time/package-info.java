/**
 * Clocks: the wall clock, and a virtual clock that lets a workflow's timeline run at full speed.
 */
package org.swf.testbed.time;
