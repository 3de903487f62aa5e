/**
 * Workflow execution records in SQLite: execution ids and run numbers allocated atomically across
 * processes, status, times, parameters and message counts.
 */
package org.swf.testbed.store;
