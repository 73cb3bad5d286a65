"""Directories other users can write, and servers other users run, are not trusted
(issue 21, item 9).

opsd drops group/other write bits from its own directories and says so, and refuses a
directory (also behind a symlink) owned by another user. opsctl checks the server's uid
(SO_PEERCRED) before it sends anything: another user's socket in opsd's place gets nothing.
"""
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

from reliability_support import OPSCTL, OPSD, Opsd

NOBODY = 65534
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

# A fake opsd: records what a client sends and answers every request with "approved".
FAKE_SERVER = r"""
import socket, sys
path, record = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX)
s.bind(path)
s.listen(8)
s.settimeout(60)
while True:
    try:
        c, _ = s.accept()
    except socket.timeout:
        break
    c.settimeout(3)
    data = b""
    try:
        while not data.endswith(b"\n"):
            chunk = c.recv(65536)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        pass
    with open(record, "ab") as f:
        f.write(data)
    try:
        c.sendall(b'{"jsonrpc":"2.0","id":1,"result":{"approved":true}}\n')
    except OSError:
        pass
    c.close()
"""


class InsecureDirectories(unittest.TestCase):
    def setUp(self):
        self.o = Opsd([])
        self.addCleanup(self.o.close)

    def test_a_world_writable_run_directory_is_repaired_and_reported(self):
        o = self.o
        run_dir = os.path.dirname(o.socket)
        os.makedirs(run_dir)
        os.chmod(run_dir, 0o777)
        state_dir = os.path.dirname(o.state_file)
        os.makedirs(state_dir)
        os.chmod(state_dir, 0o777)
        o.start()
        self.assertEqual(os.stat(run_dir).st_mode & 0o022, 0)
        self.assertEqual(os.stat(state_dir).st_mode & 0o022, 0)
        self.assertIn("repaired", o.stderr())
        self.assertIn(run_dir, o.stderr())

    @unittest.skipUnless(AS_ROOT, "needs root to make a directory of another user")
    def test_a_state_directory_linked_to_another_users_directory_is_refused(self):
        o = self.o
        theirs = tempfile.mkdtemp(prefix="opsd-theirs-")
        self.addCleanup(shutil.rmtree, theirs, True)
        os.chown(theirs, NOBODY, NOBODY)
        os.makedirs(os.path.join(o.state_dir, "net"), exist_ok=True)
        os.symlink(theirs, os.path.dirname(o.state_file))
        r = subprocess.run([OPSD, "--state-dir", o.state_dir, "--print-only"], capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(os.path.dirname(o.state_file), r.stderr)
        self.assertIn("owned by uid %d" % NOBODY, r.stderr)
        self.assertEqual(os.listdir(theirs), [], "opsd wrote into another user's directory")


@unittest.skipUnless(AS_ROOT and shutil.which("setpriv"), "needs root and setpriv")
class UntrustedServer(unittest.TestCase):
    def test_opsctl_sends_nothing_to_a_socket_served_by_another_user(self):
        base = tempfile.mkdtemp(prefix="opsd-fake-server-")
        self.addCleanup(shutil.rmtree, base, True)
        os.chmod(base, 0o755)
        os.chown(base, NOBODY, NOBODY)
        sock = os.path.join(base, "opsd.sock")
        record = os.path.join(base, "received")
        server = subprocess.Popen(["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY,
                                   "--clear-groups", "python3", "-c", FAKE_SERVER, sock, record])
        self.addCleanup(server.kill)
        deadline = time.time() + 30
        while not os.path.exists(sock):
            self.assertLess(time.time(), deadline, "the fake server did not start")
            self.assertIsNone(server.poll())
            time.sleep(0.05)
        r = subprocess.run([OPSCTL, "--socket", sock, "--state-dir", base, "approve", "fix",
                            "--note", "root-secret-note"], capture_output=True, text=True,
                           timeout=60)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertNotIn("approved", r.stdout.lower())
        self.assertIn("served by uid %d" % NOBODY, r.stderr)
        received = open(record, "rb").read() if os.path.exists(record) else b""
        self.assertNotIn(b"root-secret-note", received)
        self.assertEqual(received, b"")


if __name__ == "__main__":
    unittest.main()
