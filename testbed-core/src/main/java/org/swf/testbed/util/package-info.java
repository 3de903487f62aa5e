/**
 * Small helpers with no better home: waiting for a condition with a deadline, who this process
 * runs as, which local ports are taken and by whom, owner-only files, redaction of secrets, and
 * the tail of a log.
 */
package org.swf.testbed.util;
