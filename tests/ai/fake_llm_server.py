#!/usr/bin/python3
"""Fake LLM provider server for the ai module's tests.

Listens on 127.0.0.1 (an ephemeral port written to --port-file) and answers
provider requests from a script of steps that the test posts first:

  POST /__script   body: JSON array of steps; replaces the queue and clears
                   the recorded requests. Answers "ok".
  GET  /__requests JSON array of the requests received since the last script:
                   {"method","path","query","headers":{lower-case: value},"body"}.

A step is one response:
  {"fixture": "openai/err_429_rate_limit"}   status, headers and body of that
                                             fixture in <provider>/manifest.json
  {"status": 200, "headers": {...}, "body": "text"} or "body_file": "openai/x.json"
plus optional
  "delay": seconds to wait before answering (timeouts),
  "drop": n      announce the full Content-Length, send only n body bytes, close,
  "close": true  close the connection without answering,
  "repeat": n    serve this step n times.
With the queue empty the server answers 500 "no scripted response".
"""
import argparse
import json
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

LOCK = threading.Lock()
QUEUE = []
REQUESTS = []
FIXTURES = "."


def load_fixture(ref):
    provider, fid = ref.split("/", 1)
    with open(os.path.join(FIXTURES, provider, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    for fx in manifest["fixtures"]:
        if fx["id"] == fid:
            resp = fx["response"]
            with open(os.path.join(FIXTURES, provider, resp["body_file"]), "rb") as b:
                body = b.read()
            return resp["status"], dict(resp.get("headers", {})), body
    raise KeyError(ref)


def resolve(step):
    if "fixture" in step:
        status, headers, body = load_fixture(step["fixture"])
    else:
        status = step.get("status", 200)
        headers = dict(step.get("headers", {"Content-Type": "application/json"}))
        if "body_file" in step:
            with open(os.path.join(FIXTURES, step["body_file"]), "rb") as b:
                body = b.read()
        else:
            body = step.get("body", "").encode("utf-8")
    return status, headers, body


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # keep test output clean
        pass

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _send_raw(self, status, headers, body, drop=None):
        self.send_response_only(status)
        for k, v in headers.items():
            if k.lower() not in ("content-length", "connection"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body if drop is None else body[:drop])
        self.wfile.flush()
        self.close_connection = True
        if drop is not None:
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _control(self, method):
        global QUEUE, REQUESTS
        path = urlsplit(self.path).path
        if path == "/__script" and method == "POST":
            steps = json.loads(self._body() or b"[]")
            queue = []
            for s in steps:
                resolve(s)  # fail now on a bad fixture name
                queue.extend([s] * int(s.get("repeat", 1)))
            with LOCK:
                QUEUE = queue
                REQUESTS = []
            self._send_raw(200, {"Content-Type": "text/plain"}, b"ok")
            return True
        if path == "/__requests":
            with LOCK:
                data = json.dumps(REQUESTS).encode()
            self._send_raw(200, {"Content-Type": "application/json"}, data)
            return True
        return False

    def _serve(self, method):
        if urlsplit(self.path).path.startswith("/__") and self._control(method):
            return
        body = self._body()
        parts = urlsplit(self.path)
        rec = {
            "method": method,
            "path": parts.path,
            "query": parts.query,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body.decode("utf-8", "replace"),
        }
        with LOCK:
            REQUESTS.append(rec)
            step = QUEUE.pop(0) if QUEUE else None
        if step is None:
            self._send_raw(500, {"Content-Type": "application/json"},
                           b'{"error":{"message":"fake server: no scripted response"}}')
            return
        if step.get("delay"):
            time.sleep(float(step["delay"]))
        if step.get("close"):
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        status, headers, payload = resolve(step)
        try:
            self._send_raw(status, headers, payload, step.get("drop"))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout tests)

    def do_POST(self):
        self._serve("POST")

    def do_GET(self):
        self._serve("GET")


def main():
    global FIXTURES
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--port-file", required=True)
    args = ap.parse_args()
    FIXTURES = args.fixtures
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, args.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
