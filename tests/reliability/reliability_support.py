"""Shared pieces of the reliability tests: the e2e harness, a fake Telegram Bot API server on
loopback, and helpers to point opsd at it.

Standard library only. The e2e harness (tests/e2e/opsd_harness.py) is imported via sys.path.
"""
import json
import os
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))

from opsd_harness import OPSCTL, OPSD, Opsd, SCAN_SCRIPT, pid_alive, write_script  # noqa: E402,F401

# A token shaped like a real one; it must never show up in any output opsd produces.
BOT_TOKEN = "7357000111:AAH-reliab-SECRET-do-not-print-0123456789"
CHAT_ID = "4242"
# Longer soaks (more kills, bigger inputs) when OPSD_SOAK=1.
SOAK = os.environ.get("OPSD_SOAK", "") not in ("", "0")


class FakeBotApi:
    """A Telegram Bot API stand-in on 127.0.0.1: records every sendMessage it accepts (and
    the editMessageText of live cards, in `edits`).

    `mode` selects the reply: "ok" (200 ok:true), "500" (transient), "429" (retry_after 1),
    "403" (permanent). `tag` is stored with each accepted message (the tests put the opsd
    incarnation number there).
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.received = []  # dicts: text, chat_id, silent, path, tag
        self.rejected = []  # bodies refused with 400 (not UTF-8 JSON with a text)
        self.edits = []  # editMessageText bodies accepted (live cards)
        self.mode = "ok"
        self.tag = None
        self.next_id = 1
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                try:
                    req = json.loads(body.decode("utf-8"))  # strict, like Telegram
                except ValueError:
                    req = None
                with api.lock:
                    mode = api.mode
                    if not isinstance(req, dict) or not isinstance(req.get("text"), str):
                        api.rejected.append(body)
                        code, reply = 400, {"ok": False, "error_code": 400,
                                            "description": "Bad Request: strings must be encoded in UTF-8"}
                    elif mode == "ok" and self.path.endswith("/sendMessage"):
                        api.received.append({"text": req.get("text", ""),
                                             "chat_id": str(req.get("chat_id")),
                                             "silent": bool(req.get("disable_notification")),
                                             "path": self.path, "tag": api.tag})
                        reply = {"ok": True, "result": {"message_id": api.next_id}}
                        api.next_id += 1
                        code = 200
                    elif mode == "ok" and self.path.endswith("/editMessageText"):
                        api.edits.append(req)
                        reply = {"ok": True, "result": {"message_id": req.get("message_id")}}
                        code = 200
                    elif mode == "429":
                        code, reply = 429, {"ok": False, "error_code": 429,
                                            "description": "Too Many Requests: retry after 1",
                                            "parameters": {"retry_after": 1}}
                    elif mode == "403":
                        code, reply = 403, {"ok": False, "error_code": 403,
                                            "description": "Forbidden: bot was blocked by the user"}
                    else:
                        code, reply = 500, {"ok": False, "error_code": 500,
                                            "description": "Internal Server Error"}
                data = json.dumps(reply).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # a killed opsd resets its connection: expected here

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def api_root(self):
        return "http://127.0.0.1:%d" % self.port

    def texts(self):
        with self.lock:
            return [m["text"] for m in self.received]

    def messages(self):
        with self.lock:
            return list(self.received)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def write_openclaw_json(o, api, allow_from="tg:" + CHAT_ID):
    """Points opsd (state dir of harness `o`) at the fake Bot API."""
    cfg = {"channels": {"telegram": {"apiRoot": api.api_root, "botToken": BOT_TOKEN,
                                     "allowFrom": [allow_from]}}}
    with open(os.path.join(o.state_dir, "openclaw.json"), "w") as f:
        json.dump(cfg, f)


def env_without_openclaw():
    """PATH without any `openclaw` binary, so delivery goes straight to the Bot API."""
    dirs = [d for d in os.environ.get("PATH", "/usr/bin:/bin").split(os.pathsep)
            if d and not os.path.exists(os.path.join(d, "openclaw"))]
    return {"PATH": os.pathsep.join(dirs), "TELEGRAM_BOT_TOKEN": ""}


MARKER_RE = re.compile(r"marker-(m\d+)\b")


def marker_counts(texts):
    counts = {}
    for t in texts:
        for m in MARKER_RE.findall(t):
            counts[m] = counts.get(m, 0) + 1
    return counts
