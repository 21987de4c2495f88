#!/usr/bin/env python3
"""Fake Telegram Bot API and webhook receiver for the notification tests
(standard library only), on loopback at a free port written to --port-file.
Every request is appended to --log as one JSON line {"method", "path",
"body"} (body parsed as JSON when it is JSON) before it is answered, so a
test counts what a session sent. --mode picks the answer:
  ok     200 (Telegram's {"ok": true, ...} on /bot<token>/sendMessage)
  500    500 with a body that echoes the request path (which holds the bot
         token: a session must never show it)
  429    Telegram's rate-limit answer, parameters.retry_after 30
  hang   no answer for 60 s (the client must time out)"""
import argparse
import json
import os
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ap = argparse.ArgumentParser()
ap.add_argument("--port-file", required=True)
ap.add_argument("--log", required=True)
ap.add_argument("--mode", default="ok", choices=["ok", "500", "429", "hang"])
args = ap.parse_args()


class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def answer(self, code, body):
        b = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n).decode("utf-8", "replace")
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw
        with open(args.log, "a") as f:
            f.write(json.dumps({"method": "POST", "path": self.path, "body": body,
                                "ctype": self.headers.get("Content-Type")}) + "\n")
        if args.mode == "hang":
            time.sleep(60)
            return
        if args.mode == "500":
            self.answer(500, {"ok": False, "description": "internal error serving " + self.path})
        elif args.mode == "429":
            self.answer(429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 30",
                              "parameters": {"retry_after": 30}})
        elif self.path.endswith("/sendMessage"):
            self.answer(200, {"ok": True, "result": {"message_id": 1, "text": body.get("text", "")}})
        else:
            self.answer(200, {"received": True})


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
with open(args.port_file + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.replace(args.port_file + ".tmp", args.port_file)
srv.serve_forever()
