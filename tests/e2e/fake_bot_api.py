"""A stand-in for the Telegram Bot API on loopback, for end-to-end tests (docs/notifications.md).

It records every request (method, path, api_method such as "sendMessage", headers, JSON body,
arrival time, the status it answered) and answers from a script: each request takes the next
scripted response, and once the script is used up sendMessage gets 200 with a new
message_id (1, 2, 3, ...; message_thread_id echoed), editMessageText 200 with the edited
message, unless edits were scripted (script_edits) or the message deleted (delete_message):
then "Bad Request: message to edit not found". It speaks plain HTTP or,
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


def not_modified():
    return (400, {"ok": False, "error_code": 400,
                  "description": "Bad Request: message is not modified: specified new message "
                                 "content and reply markup are exactly the same"})


def edit_not_found():
    return (400, {"ok": False, "error_code": 400,
                  "description": "Bad Request: message to edit not found"})


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
        # What the body means and what is answered are the owner's (_parse_body, _answer).
        owner = self.server.owner
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length) if length else b""
        body = owner._parse_body(self.headers.get("Content-Type", ""), raw)
        api_method = self.path.rsplit("/", 1)[-1].split("?", 1)[0]
        status, payload = owner._answer(api_method, body)
        owner._record({"method": self.command, "path": self.path, "api_method": api_method,
                       "headers": dict(self.headers), "body": body, "raw": raw,
                       "at": time.time(), "status": status, "answer": payload})
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
        self._edit_script = []
        self._deleted = set()
        self._next_message_id = 1
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

    def script_edits(self, *responses):
        """Queues answers for the next editMessageText requests only (before script())."""
        with self._lock:
            self._edit_script.extend(responses)

    def delete_message(self, message_id):
        """From now on every edit of `message_id` answers "message to edit not found"."""
        with self._lock:
            self._deleted.add(int(message_id))

    def requests(self, api_method=None):
        with self._lock:
            return [r for r in self._requests
                    if api_method is None or r.get("api_method") == api_method]

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
    @staticmethod
    def _parse_body(content_type, raw):
        try:
            return json.loads(raw.decode("utf-8"))
        except ValueError:
            return None

    def _answer(self, api_method, body):
        return self._next_response(api_method, body)

    def _next_response(self, api_method="sendMessage", body=None):
        with self._lock:
            if api_method == "editMessageText" and self._edit_script:
                return self._edit_script.pop(0)
            if self._script:
                return self._script.pop(0)
            body = body if isinstance(body, dict) else {}
            if api_method == "editMessageText":
                try:
                    mid = int(body.get("message_id"))
                except (TypeError, ValueError):
                    mid = None
                if mid is None or mid in self._deleted or mid >= self._next_message_id:
                    return edit_not_found()
                return (200, {"ok": True, "result": self._message(mid, body)})
            if api_method == "sendMessage":
                mid = self._next_message_id
                self._next_message_id += 1
                return (200, {"ok": True, "result": self._message(mid, body)})
            return (200, {"ok": True, "result": True})

    @staticmethod
    def _message(mid, body):
        msg = {"message_id": mid, "date": int(time.time()),
               "chat": {"id": body.get("chat_id")}, "text": body.get("text")}
        if "message_thread_id" in body:
            msg["message_thread_id"] = body["message_thread_id"]
        return msg

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
