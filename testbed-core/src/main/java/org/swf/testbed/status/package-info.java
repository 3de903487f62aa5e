/**
 * What the testbed reports about itself: the observed status of its programs, the current
 * workflow execution and the agents' liveness. Plain records shared by the orchestrator, the
 * control protocol's replies and every front end.
 */
package org.swf.testbed.status;
