"""Abusive control-socket clients never stop opsd from serving others (docs/control-protocol.md).

Each test abuses the socket one way, then proves that opsd is alive and a normal `opsctl
status` is answered promptly. Also: a caller with another uid is refused, and the state
files are private.
"""
import json
import os
import random
import shutil
import socket
import stat
import subprocess
import threading
import time
import unittest

from reliability_support import OPSCTL, SOAK, Opsd

STATUS = b'{"jsonrpc":"2.0","id":1,"method":"status"}\n'


def connect(o, timeout=10):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(o.socket)
    return s


def read_lines(s, n):
    buf = b""
    while buf.count(b"\n") < n:
        chunk = s.recv(1 << 20)
        if not chunk:
            break
        buf += chunk
    return buf.split(b"\n")[:n]


def _read_until_closed(s, n):
    buf = b""
    try:
        while buf.count(b"\n") < n:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            buf += chunk
    except (ConnectionResetError, socket.timeout):
        pass
    return buf.split(b"\n")[:-1]  # complete lines only


class SocketAbuse(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.o = Opsd([])
        cls.o.write_config([{"id": "health", "kind": "one_shot_read", "risk": "read_only",
                             "enabled": True, "cwd": cls.o.work, "commands": {"run": ["true"]}}])
        cls.o.start()

    @classmethod
    def tearDownClass(cls):
        cls.o.close()

    def assert_serving(self):
        self.assertIsNone(self.o.proc.poll(), "opsd died:\n" + self.o.stderr()[-3000:])
        t0 = time.time()
        r = self.o.ctl("status", "--json", timeout=20)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["daemon"]["pid"], self.o.proc.pid)
        self.assertLess(time.time() - t0, 5)

    def test_random_bytes_get_errors_and_the_daemon_keeps_serving(self):
        rng = random.Random(7)
        for _ in range(200 if SOAK else 40):
            data = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 4096))) + b"\n"
            try:
                s = connect(self.o, timeout=5)
                s.sendall(data)
                s.shutdown(socket.SHUT_WR)
                while s.recv(65536):
                    pass
            except (BrokenPipeError, ConnectionResetError, socket.timeout):
                pass
            finally:
                s.close()
        self.assert_serving()

    def test_2_mib_frames_are_rejected_and_the_connection_dropped(self):
        for payload in (b"x" * (2 << 20) + b"\n",
                        b'{"jsonrpc":"2.0","id":1,"method":"status","params":{"p":"' +
                        b"a" * (2 << 20) + b'"}}\n',
                        b"[" * (2 << 20)):  # never a newline at all
            s = connect(self.o)
            try:
                s.sendall(payload)
                reply = read_lines(s, 1)[0]
                if reply:
                    self.assertEqual(json.loads(reply)["error"]["code"], -32600)
            except (BrokenPipeError, ConnectionResetError):
                pass  # closed before it read everything: also a refusal
            finally:
                s.close()
        self.assert_serving()

    def test_thousands_of_tiny_frames_in_batches_are_all_answered_in_order(self):
        n, batch = (5000 if SOAK else 2000), 50
        s = connect(self.o, timeout=60)
        try:
            got = []
            for start in range(0, n, batch):
                s.sendall(b"".join(b'{"jsonrpc":"2.0","id":%d,"method":"version"}\n' % i
                                   for i in range(start, start + batch)))
                got += read_lines(s, batch)
            ids = [json.loads(line)["id"] for line in got]
            self.assertEqual(ids, list(range(n)), "replies out of order or missing")
        finally:
            s.close()
        self.assert_serving()

    def test_thousands_of_pipelined_frames_in_one_write_never_hurt_the_daemon(self):
        # opsd answers in order until more than max_queued_replies (64) wait for the client,
        # then drops that client (ServerOptions): either way nothing else is affected.
        n = 5000 if SOAK else 2000
        s = connect(self.o, timeout=60)
        got = []
        try:
            t = threading.Thread(target=lambda: got.extend(_read_until_closed(s, n)))
            t.start()
            try:
                s.sendall(b"".join(b'{"jsonrpc":"2.0","id":%d,"method":"version"}\n' % i
                                   for i in range(n)))
            except (BrokenPipeError, ConnectionResetError):
                pass
            t.join(120)
        finally:
            s.close()
        ids = [json.loads(line)["id"] for line in got if line]
        self.assertEqual(ids, list(range(len(ids))), "replies out of order")
        self.assert_serving()

    def test_byte_at_a_time_and_blank_frames_are_handled(self):
        s = connect(self.o)
        try:
            for b in b"\n\n\r\n" + STATUS:
                s.sendall(bytes([b]))
            lines = [l for l in read_lines(s, 1) if l]
            self.assertTrue(lines, "no reply to a request sent byte by byte")
            self.assertIn("result", json.loads(lines[-1]))
        finally:
            s.close()
        self.assert_serving()

    def test_clients_that_never_read_do_not_block_others(self):
        stuck = []
        try:
            for _ in range(20):
                s = connect(self.o)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                # Many requests whose replies are never read: the replies pile up on opsd's side.
                s.setblocking(False)
                try:
                    for _ in range(2000):
                        s.send(STATUS)
                except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                    pass
                stuck.append(s)
            self.assert_serving()
        finally:
            for s in stuck:
                s.close()
        self.assert_serving()

    def test_connections_opened_and_dropped_mid_request(self):
        for i in range(300):
            s = connect(self.o)
            if i % 3 == 0:
                s.sendall(STATUS[: i % len(STATUS)])
            elif i % 3 == 1:
                s.sendall(STATUS)  # close before reading the reply
            s.close()
        self.assert_serving()

    def test_100_parallel_clients_all_get_correct_status(self):
        results = []
        lock = threading.Lock()

        def one():
            r = subprocess.run([OPSCTL, "--state-dir", self.o.state_dir, "status", "--json"],
                               capture_output=True, text=True, timeout=60)
            with lock:
                results.append(r)

        threads = [threading.Thread(target=one) for _ in range(100)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(90)
        self.assertEqual(len(results), 100)
        for r in results:
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(json.loads(r.stdout)["daemon"]["pid"], self.o.proc.pid)
        self.assert_serving()

    def test_state_dir_socket_and_state_files_are_private(self):
        o = self.o
        self.assertEqual(o.ctl("run", "health").returncode, 0)
        o.wait_for(lambda: os.path.exists(o.state_file), what="state file")
        net = os.path.join(o.state_dir, "net")
        for d in ("state", "run", "logs"):
            path = os.path.join(net, d)
            if os.path.exists(path):
                self.assertEqual(os.stat(path).st_mode & 0o077, 0, path)
        self.assertEqual(os.stat(os.path.join(net, "run")).st_mode & 0o777, 0o700)
        self.assertEqual(os.stat(o.socket).st_mode & 0o777, 0o600)
        state_dir = os.path.dirname(o.state_file)
        for name in os.listdir(state_dir):
            st = os.stat(os.path.join(state_dir, name))
            self.assertEqual(st.st_mode & 0o077, 0, "%s is readable by others" % name)
        logs = os.path.join(net, "logs")
        for name in os.listdir(logs) if os.path.isdir(logs) else []:
            self.assertEqual(os.stat(os.path.join(logs, name)).st_mode & 0o077, 0, name)

    @unittest.skipUnless(hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("setpriv"),
                         "needs root and setpriv to act as another uid")
    def test_caller_with_another_uid_is_refused(self):
        # The socket's directory is 0700 and the socket 0600, so another uid cannot even
        # connect. To reach the SO_PEERCRED check, open the permissions up for a moment.
        o = self.o
        run_dir = os.path.dirname(o.socket)
        modes = [(p, os.stat(p).st_mode & 0o777) for p in (o.dir, o.state_dir,
                                                           os.path.join(o.state_dir, "net"),
                                                           run_dir)]
        sock_mode = os.stat(o.socket).st_mode & 0o777
        try:
            for p, m in modes:
                os.chmod(p, m | 0o711)
            os.chmod(o.socket, 0o666)
            code = ("import socket,sys\n"
                    "s=socket.socket(socket.AF_UNIX); s.settimeout(10); s.connect(sys.argv[1])\n"
                    "try:\n"
                    "  s.sendall(b'{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\"}\\n')\n"
                    "except OSError:\n"
                    "  pass  # refused before it read the request: the reply is waiting\n"
                    "d=b''\n"
                    "while not d.endswith(b'\\n'):\n"
                    "  c=s.recv(65536)\n"
                    "  if not c: break\n"
                    "  d+=c\n"
                    "sys.stdout.write(d.decode())\n")
            r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                "python3", "-c", code, o.socket],
                               capture_output=True, text=True, timeout=30)
            self.assertNotIn('"result"', r.stdout, "another uid got an answer")
            self.assertTrue(r.stdout.strip(), "no refusal reply: " + r.stderr)
            self.assertEqual(json.loads(r.stdout)["error"]["code"], 1009, r.stdout)
        finally:
            os.chmod(o.socket, sock_mode)
            for p, m in modes:
                os.chmod(p, m)
        self.assert_serving()


if __name__ == "__main__":
    unittest.main()
