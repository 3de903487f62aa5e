#!/usr/bin/env python3
"""A data agent of our own that speaks the protocol of the original's BaseAgent (swf-common-lib):
an agent id and subscriber registration from the monitor API, STOMP with the ACTIVEMQ_* login,
heartbeats and log records POSTed over HTTP only, runs and STF files registered as the original's
example data agent registers them. Written for the testbed's integration test; it shares no code
with the original."""

import getpass
import json
import os
import signal
import socket
import sys
import threading
import time
import tomllib

import requests
import stomp

AGENT_TYPE = "OWN_DATA"
TOPIC = "/topic/epictopic"


class MonitorApi:
    """The monitor REST API, as BaseAgent uses it: a token session, and a plain one for logs."""

    def __init__(self):
        self.base = os.environ.get("SWF_MONITOR_URL", "").rstrip("/")
        self.log_base = os.environ.get("SWF_MONITOR_HTTP_URL", "").rstrip("/")
        self.api = requests.Session()
        token = os.environ.get("SWF_API_TOKEN", "")
        if token:
            self.api.headers["Authorization"] = "Token " + token
        self.logs = requests.Session()
        self.instance_name = None

    def call(self, method, endpoint, body=None):
        response = self.api.request(method, self.base + "/api" + endpoint, json=body, timeout=10,
                                    allow_redirects=False)
        if response.status_code == 400 and "already exists" in response.text.lower():
            return {"status": "already_exists"}
        response.raise_for_status()
        return response.json()

    def next_agent_id(self):
        attempt = 0
        while True:
            attempt += 1
            try:
                answer = self.call("post", "/state/next-agent-id/")
                if answer.get("status") == "success":
                    return str(answer["agent_id"])
            except requests.RequestException as error:
                print("next-agent-id failed (attempt %d): %s" % (attempt, error), file=sys.stderr, flush=True)
            time.sleep(min(5, attempt))

    def log(self, level, message, **extra):
        record = {"app_name": "base_agent", "instance_name": self.instance_name,
                  "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S"), "level": level,
                  "levelname": {10: "DEBUG", 20: "INFO", 30: "WARNING", 40: "ERROR"}[level], "message": message,
                  "module": "own_stf_agent", "funcname": sys._getframe(1).f_code.co_name,
                  "lineno": sys._getframe(1).f_lineno, "process": os.getpid(), "thread": threading.get_ident(),
                  "extra_data": extra or None}
        try:
            self.logs.post(self.log_base + "/api/logs/", json=record, timeout=10)
        except requests.RequestException as error:
            print("log POST failed: %s" % error, file=sys.stderr, flush=True)
        print("%s: %s" % (record["levelname"], message), flush=True)


class OwnStfAgent(stomp.ConnectionListener):

    def __init__(self):
        with open(os.environ["SWF_TESTBED_CONFIG"], "rb") as config:
            self.namespace = tomllib.load(config)["testbed"]["namespace"]
        self.monitor = MonitorApi()
        self.name = "%s-agent-%s-%s" % (AGENT_TYPE.lower(), getpass.getuser(), self.monitor.next_agent_id())
        self.monitor.instance_name = self.name
        self.state = "STARTING"
        self.runs = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        host = os.environ.get("ACTIVEMQ_HOST", "localhost")
        self.connection = stomp.Connection(host_and_ports=[(host, int(os.environ.get("ACTIVEMQ_PORT", "61613")))],
                                           vhost=host, try_loopback_connect=False, heartbeats=(30000, 30000),
                                           auto_content_length=False)
        self.connection.set_listener("", self)

    def heartbeat(self, status="OK"):
        body = {"instance_name": self.name, "agent_type": AGENT_TYPE, "status": status,
                "description": "%s agent. MQ: %s" % (AGENT_TYPE, "connected" if self.connection.is_connected()
                                                     else "disconnected"),
                "mq_connected": self.connection.is_connected(), "pid": os.getpid(),
                "hostname": socket.gethostname(), "operational_state": self.state, "namespace": self.namespace}
        try:
            self.monitor.call("post", "/systemagents/heartbeat/", body)
        except requests.RequestException as error:
            print("heartbeat failed: %s" % error, file=sys.stderr, flush=True)

    def send(self, body):
        body["sender"] = self.name
        body["namespace"] = self.namespace
        with self.lock:
            self.connection.send(destination=TOPIC, body=json.dumps(body))

    def on_message(self, frame):
        message = json.loads(frame.body)
        if message.get("namespace") and message.get("namespace") != self.namespace:
            return
        kind = message.get("msg_type")
        if kind == "run_imminent":
            run = self.monitor.call("post", "/runs/", {"run_number": int(message["run_id"]),
                                                       "start_time": time.strftime("%Y-%m-%dT%H:%M:%S"),
                                                       "run_conditions": {}})
            self.runs[message["run_id"]] = run["run_id"]
            self.monitor.log(20, "run %s registered" % message["run_id"], run_id=message["run_id"],
                             execution_id=message.get("execution_id"))
        elif kind == "stf_gen" and message.get("run_id") in self.runs:
            stf = self.monitor.call("post", "/stf-files/", {
                "run": self.runs[message["run_id"]], "stf_filename": message["filename"],
                "file_size_bytes": message.get("size_bytes"), "machine_state": message.get("state", "unknown"),
                "status": "registered", "metadata": {"created_by": self.name, "sequence": message.get("sequence")}})
            self.send({"msg_type": "stf_ready", "filename": message["filename"], "run_id": message["run_id"],
                       "sequence": message.get("sequence"), "state": message.get("state"),
                       "substate": message.get("substate"), "simulation_tick": message.get("simulation_tick"),
                       "processed_by": self.name})
            self.monitor.call("patch", "/stf-files/%s/" % stf["file_id"],
                              {"status": "processed", "metadata": {"processed_by": self.name}})
            self.monitor.log(20, "stf %s ready" % message["filename"], run_id=message["run_id"])
        elif kind == "end_run" and message.get("run_id") in self.runs:
            self.monitor.call("patch", "/runs/%s/" % self.runs.pop(message["run_id"]),
                              {"end_time": time.strftime("%Y-%m-%dT%H:%M:%S")})

    def run(self):
        self.connection.connect(os.environ.get("ACTIVEMQ_USER", "admin"), os.environ.get("ACTIVEMQ_PASSWORD", "admin"),
                                wait=True, headers={"client-id": self.name})
        self.connection.subscribe(destination=TOPIC, id=1, ack="auto")
        self.monitor.call("post", "/subscribers/", {"subscriber_name": self.name + "-" + TOPIC,
                                                    "description": AGENT_TYPE + " agent subscribing to " + TOPIC,
                                                    "is_active": True, "fraction": 1.0})
        # Ready a while after it is RUNNING, so that a run that did not wait for READY would return first.
        time.sleep(2)
        self.state = "READY"
        self.heartbeat()
        self.monitor.log(20, "%s ready in namespace %s" % (self.name, self.namespace))
        interval = int(os.environ.get("TESTBED_HEARTBEAT_SECONDS", "60"))
        while not self.stopping.wait(interval):
            self.heartbeat()
        self.state = "EXITED"
        self.heartbeat("EXITED")
        self.connection.disconnect()


if __name__ == "__main__":
    agent = OwnStfAgent()
    for stop_signal in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT):
        signal.signal(stop_signal, lambda number, frame: agent.stopping.set())
    agent.run()
