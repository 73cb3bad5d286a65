"""A stand-in for the Telegram Bot API on loopback, for end-to-end tests (docs/notifications.md).

It records every request (method, path, headers, JSON body, arrival time, the status it
answered) and answers from a script: each request takes the next scripted response, and
once the script is used up every request gets 200 {"ok": true}. It speaks plain HTTP or,
given a certificate and key, HTTPS. stop() closes the listening socket and every open
connection (so a client's kept-alive connection dies too); start() again binds the same
port. Standard library only.
"""
import json
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


# A scripted answer that never comes: the request is recorded (status None) and the
# connection stays open until stop().
HANG = (None, None)


def ok():
    return (200, {"ok": True, "result": {"message_id": 1, "date": int(time.time())}})


def too_many_requests(retry_after):
    return (429, {"ok": False, "error_code": 429,
                  "description": "Too Many Requests: retry after %d" % retry_after,
                  "parameters": {"retry_after": retry_after}})


def server_error():
    return (500, {"ok": False, "error_code": 500, "description": "Internal Server Error"})


def forbidden(description="Forbidden: bot was blocked by the user"):
    return (403, {"ok": False, "error_code": 403, "description": description})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, owner, address):
        self.owner = owner
        super().__init__(address, _Handler)

    def finish_request(self, request, client_address):
        # The TLS handshake runs here, in the connection's own thread, so a client that
        # refuses the certificate never blocks the accept loop.
        self.owner._track(request)
        wrapped = None
        try:
            if self.owner.tls_context is not None:
                try:
                    wrapped = self.owner.tls_context.wrap_socket(request, server_side=True)
                except (ssl.SSLError, OSError) as e:
                    self.owner._record_tls_failure(e)
                    return
                self.owner._track(wrapped)
            super().finish_request(wrapped or request, client_address)
        finally:
            self.owner._untrack(request)
            if wrapped is not None:
                self.owner._untrack(wrapped)
                wrapped.close()

    def handle_error(self, request, client_address):
        pass  # a client that hangs up mid-request is not a test failure by itself


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real API

    def log_message(self, *args):
        pass

    def do_POST(self):
        owner = self.server.owner
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw.decode("utf-8"))
        except ValueError:
            body = None
        status, payload = owner._next_response()
        owner._record({"method": "POST", "path": self.path, "headers": dict(self.headers),
                       "body": body, "raw": raw, "at": time.time(), "status": status})
        if status is None:
            owner._stopping.wait()
            self.close_connection = True
            return
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.do_POST()


class FakeBotApi:
    def __init__(self, certfile=None, keyfile=None):
        self.tls_context = None
        if certfile:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(certfile, keyfile)
            self.tls_context = ctx
        self.port = 0
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._script = []
        self._requests = []
        self._tls_failures = []
        self._conns = set()
        self._server = None
        self._thread = None
        self._stopping = threading.Event()  # releases HANG answers

    # --- lifecycle ---------------------------------------------------------------------
    def start(self):
        self._stopping.clear()
        self._server = _Server(self, ("127.0.0.1", self.port))
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._thread.join(5)
        self._server = None

    @property
    def url(self):
        return "%s://127.0.0.1:%d" % ("https" if self.tls_context else "http", self.port)

    # --- script and records ------------------------------------------------------------
    def script(self, *responses):
        """Queues (status, payload) answers (or HANG) for the next requests, in order."""
        with self._lock:
            self._script.extend(responses)

    def requests(self):
        with self._lock:
            return list(self._requests)

    def delivered(self):
        """Requests answered 200."""
        return [r for r in self.requests() if r["status"] == 200]

    def tls_failures(self):
        with self._lock:
            return list(self._tls_failures)

    def wait_requests(self, n, timeout=20):
        deadline = time.time() + timeout
        with self._cond:
            while len(self._requests) < n:
                left = deadline - time.time()
                if left <= 0:
                    raise AssertionError("fake Bot API got %d request(s), wanted %d" %
                                         (len(self._requests), n))
                self._cond.wait(left)
            return list(self._requests)

    # --- internals ---------------------------------------------------------------------
    def _next_response(self):
        with self._lock:
            return self._script.pop(0) if self._script else ok()

    def _record(self, req):
        with self._cond:
            self._requests.append(req)
            self._cond.notify_all()

    def _record_tls_failure(self, err):
        with self._cond:
            self._tls_failures.append(str(err))
            self._cond.notify_all()

    def _track(self, sock):
        with self._lock:
            self._conns.add(sock)

    def _untrack(self, sock):
        with self._lock:
            self._conns.discard(sock)
