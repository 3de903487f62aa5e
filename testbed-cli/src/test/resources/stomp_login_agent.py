"""An agent in the original's way: STOMP with login/passcode from the ACTIVEMQ_* variables.

It joins the broker of the testbed that runs it with nothing but its environment, follows
/topic/epictopic, and reports every stf_gen of its namespace on /queue/probe_seen.NAMESPACE.
"""
import json
import os
import socket
import sys

connection = socket.create_connection((os.environ["ACTIVEMQ_HOST"], int(os.environ["ACTIVEMQ_PORT"])), timeout=30)
connection.settimeout(None)
namespace = os.environ["PROBE_NAMESPACE"]
pending = b""


def send_frame(command, headers, body=""):
    lines = [command] + ["%s:%s" % (key, value) for key, value in headers.items()]
    connection.sendall(("\n".join(lines) + "\n\n" + body + "\0").encode("utf-8"))


def read_frame():
    global pending
    while b"\0" not in pending:
        chunk = connection.recv(65536)
        if not chunk:
            sys.exit("the broker closed the connection")
        pending += chunk
    raw, pending = pending.split(b"\0", 1)
    head, _, body = raw.lstrip(b"\r\n").partition(b"\n\n")
    lines = head.decode("utf-8").split("\n")
    headers = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
    return lines[0], headers, body.decode("utf-8")


send_frame("CONNECT", {"accept-version": "1.2", "host": "/", "heart-beat": "0,0",
                       "login": os.environ["ACTIVEMQ_USER"], "passcode": os.environ["ACTIVEMQ_PASSWORD"]})
command, headers, body = read_frame()
if command != "CONNECTED":
    sys.exit("STOMP login refused: %s %s %s" % (command, headers.get("message", ""), body))
print("connected to %s:%s as %s" % (os.environ["ACTIVEMQ_HOST"], os.environ["ACTIVEMQ_PORT"],
                                    os.environ["ACTIVEMQ_USER"]), flush=True)
send_frame("SUBSCRIBE", {"id": "events", "destination": "/topic/epictopic", "ack": "auto"})
while True:
    command, headers, body = read_frame()
    if command != "MESSAGE":
        continue
    message = json.loads(body)
    if message.get("msg_type") == "stf_gen" and message.get("namespace") == namespace:
        send_frame("SEND", {"destination": "/queue/probe_seen." + namespace, "content-type": "application/json"},
                   json.dumps({"msg_type": "probe_seen", "namespace": namespace, "filename": message.get("filename")}))
