"""Helpers for the metrics, heartbeat and fleet-kit e2e tests (not a test module itself)."""
import http.client
import http.server
import json
import os
import shutil
import socket
import subprocess
import threading
import time

from opsd_harness import SOURCE_DIR, write_script

KIT_DIR = os.path.join(SOURCE_DIR, "config-examples", "prometheus")

# status.sh prints progress.json: tests move (or freeze) a job's progress by rewriting it.
MANUAL_STATUS = """#!/bin/sh
cat "$(dirname "$0")/progress.json"
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def write_config(o, jobs, metrics=None, notify=None):
    """Writes o's ops-jobs.json with opsd's metrics and notify blocks."""
    cfg = {"version": 1, "defaults": {"quietHours": {"start": "00:00", "end": "00:00"}},
           "jobs": jobs}
    if metrics is not None:
        cfg["metrics"] = metrics
    if notify is not None:
        cfg["notify"] = notify
    with open(o.config_path, "w") as f:
        json.dump(cfg, f, indent=2)


def set_progress(o, n, running=True):
    path = os.path.join(o.work, "progress.json")
    with open(path + ".tmp", "w") as f:
        json.dump({"running": running, "completed": False, "progress": {"done": n, "total": 100}}, f)
    os.replace(path + ".tmp", path)


def manual_job(o, job_id="slow", stall_seconds=2):
    """A long_running_read job adopted as running, whose progress the test sets."""
    write_script(os.path.join(o.work, "status.sh"), MANUAL_STATUS)
    if not os.path.exists(os.path.join(o.work, "progress.json")):
        set_progress(o, 1)
    return {"id": job_id, "kind": "long_running_read", "risk": "read_only", "enabled": True,
            "cwd": o.work, "commands": {"start": ["true"], "status": ["./status.sh"]},
            "policy": {"stallSeconds": stall_seconds, "pollSeconds": 1,
                       "reportEverySeconds": 3600}}


def check_job(o, job_id="check", exit_code=0):
    return {"id": job_id, "kind": "one_shot_read", "risk": "read_only", "enabled": True,
            "cwd": o.work, "commands": {"run": ["sh", "-c", "echo checked; exit %d" % exit_code]}}


def http_get(address, path="/metrics", timeout=10):
    """GET on "host:port" or a Unix socket path; returns (status, headers, body text)."""
    if address.startswith("/"):
        conn = UnixHTTPConnection(address, timeout=timeout)
    else:
        host, port = address.rsplit(":", 1)
        conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read().decode("utf-8")
    finally:
        conn.close()


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=10):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.unix_path)


def sample(text, line_prefix):
    """The value of the first exposition line starting with `line_prefix` + " ", or None."""
    for line in text.splitlines():
        if line.startswith(line_prefix + " "):
            return float(line[len(line_prefix) + 1:])
    return None


def promtool():
    exe = shutil.which("promtool")
    if exe is None:
        raise AssertionError("promtool not found: dev/setup installs the Debian package prometheus")
    return exe


def promtool_check_metrics(text):
    return subprocess.run([promtool(), "check", "metrics"], input=text, capture_output=True,
                          text=True, timeout=60)


class PingServer:
    """A loopback HTTP server recording every GET (path, time); answers `status`."""

    def __init__(self, status=200):
        self.status = status
        self.hits = []
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                with outer.lock:
                    outer.hits.append((self.path, time.monotonic()))
                    code = outer.status
                self.send_response(code)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"OK")

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def paths(self):
        with self.lock:
            return [p for p, _ in self.hits]

    def times(self, path):
        with self.lock:
            return [t for p, t in self.hits if p == path]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
