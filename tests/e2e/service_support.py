"""The service manager's side of sd_notify, for the tests of opsd under systemd
(test_service.py, test_reexec.py)."""
import os
import socket
import threading
import time


class NotifyListener:
    """The service manager's side of sd_notify: a datagram socket collecting messages."""

    def __init__(self, directory):
        self.path = os.path.join(directory, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.2)
        self.messages = []  # (time.monotonic(), dict of assignments, raw text)
        self.lock = threading.Lock()
        self.running = True
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self):
        while self.running:
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            text = data.decode("utf-8", "replace")
            fields = dict(line.split("=", 1) for line in text.split("\n") if "=" in line)
            with self.lock:
                self.messages.append((time.monotonic(), fields, text))

    def snapshot(self):
        with self.lock:
            return list(self.messages)

    def with_key(self, key, since=0):
        return [(t, f) for t, f, _ in self.snapshot()[since:] if key in f]

    def close(self):
        self.running = False
        self.thread.join(2)
        self.sock.close()
