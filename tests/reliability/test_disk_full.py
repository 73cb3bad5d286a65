"""A change that cannot be saved is not acknowledged (issue 21, item 2).

STATE/net/state on a 512 KiB tmpfs, filled up: `opsctl enqueue` and `opsctl approve` fail
saying the change was not saved, the operator gets a "state not saved" alert, and once there
is room again the next change is written and a "state saved again" notice follows.
"""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from reliability_support import Opsd

AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def can_mount_tmpfs():
    if not AS_ROOT or not shutil.which("mount"):
        return False
    d = tempfile.mkdtemp(prefix="opsd-tmpfs-probe-")
    try:
        ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", d],
                            capture_output=True).returncode == 0
        if ok:
            subprocess.run(["umount", d], capture_output=True)
        return ok
    finally:
        os.rmdir(d)


@unittest.skipUnless(can_mount_tmpfs(), "needs root and a mountable tmpfs")
class DiskFull(unittest.TestCase):
    def setUp(self):
        self.o = Opsd([])
        self.addCleanup(self.o.close)
        o = self.o
        o.write_config([
            {"id": "check", "kind": "one_shot_read", "risk": "read_only", "enabled": True,
             "cwd": o.work, "commands": {"run": ["true"]}},
            {"id": "fix", "kind": "one_shot_write", "risk": "write_local", "enabled": True,
             "cwd": o.work, "commands": {"run": ["true"]},
             "after": [{"jobId": "check", "when": "success"}]}])
        self.state_dir = os.path.dirname(o.state_file)
        os.makedirs(self.state_dir)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k,mode=0700", "tmpfs",
                        self.state_dir], check=True)
        self.addCleanup(subprocess.run, ["umount", "-l", self.state_dir])
        o.start()
        self.filler = os.path.join(self.state_dir, "filler")

    def fill(self):
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError:
            pass
        finally:
            os.close(fd)

    def test_changes_that_cannot_be_saved_fail_and_recovery_is_announced(self):
        o = self.o
        self.fill()
        r = o.ctl("enqueue", "check")
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn("not saved", r.stderr)
        self.assertIn("No space left on device", r.stderr)
        r = o.ctl("approve", "fix", "--note", "during disk full")
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn("not saved", r.stderr)
        o.wait_for(lambda: [m for m in o.messages()
                            if m["alert"] and "state not saved" in m["text"]],
                   what="the state-not-saved alert")
        os.remove(self.filler)
        r = o.ctl("enqueue", "check")
        self.assertEqual(r.returncode, 0, r.stderr)
        o.wait_for(lambda: [m for m in o.messages() if "state saved again" in m["text"]],
                   what="the recovery notice")
        with open(o.state_file) as f:
            saved = json.load(f)
        self.assertTrue(any(a.get("note") == "during disk full" for a in saved["approvals"]),
                        "the approval made during the outage was not written once there was room")
        with open(os.path.join(self.state_dir, "audit.jsonl")) as f:
            audit = [json.loads(line) for line in f if line.strip()]
        self.assertTrue(any(e["event"] == "approve" and e["note"] == "during disk full"
                            for e in audit), "the approve audit line was lost")


if __name__ == "__main__":
    unittest.main()
