"""A state file opsd cannot use is never overwritten or quietly reset (issue 21, items 1, 14).

An unreadable file (mode 000 for a non-root daemon, or a directory in its place) makes opsd
refuse to start, naming the file and the errno text, and leaves it as it was. A hand-edited
file with wrong types is moved aside and alerted like a file that is not JSON.
"""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from reliability_support import OPSD, Opsd

NOBODY = 65534
QUEUED = {"version": 1, "queue": [{"id": "q-1", "jobId": "check", "status": "pending",
                                  "enqueuedAt": 1, "notBefore": 0, "source": "opsctl"}],
          "outbox": [{"seq": 1, "text": "an alert not yet sent", "alert": True}],
          "nextQueueId": 2, "nextOutboxSeq": 2}


def check_job(work):
    return {"id": "check", "kind": "one_shot_read", "risk": "read_only", "enabled": True,
            "cwd": work, "commands": {"run": ["true"]}}


class UnreadableStateFile(unittest.TestCase):
    def run_opsd(self, state_dir, user=None, timeout=30):
        kwargs = {"user": user} if user is not None else {}
        return subprocess.run([OPSD, "--state-dir", state_dir, "--print-only"], capture_output=True,
                              text=True, timeout=timeout, cwd=state_dir, **kwargs)

    def test_a_state_file_at_mode_000_is_not_overwritten_and_opsd_refuses_to_start(self):
        if os.geteuid() == 0:
            user = NOBODY  # root reads any file: run the daemon as an ordinary user
        else:
            user = None
        base = tempfile.mkdtemp(prefix="opsd-rel-")
        self.addCleanup(shutil.rmtree, base, True)
        state_dir = os.path.join(base, "state")
        os.makedirs(os.path.join(state_dir, "net", "config"))
        os.makedirs(os.path.join(state_dir, "net", "state"))
        with open(os.path.join(state_dir, "net", "config", "ops-jobs.json"), "w") as f:
            json.dump({"version": 1, "jobs": [check_job(base)]}, f)
        state_file = os.path.join(state_dir, "net", "state", "ops-monitor.json")
        text = json.dumps(QUEUED)
        with open(state_file, "w") as f:
            f.write(text)
        os.chmod(state_file, 0)
        if user is not None:
            os.chmod(base, 0o755)
            for root, dirs, files in os.walk(base):
                for n in dirs + files:
                    os.lchown(os.path.join(root, n), user, user)
            os.lchown(base, user, user)
        r = self.run_opsd(state_dir, user)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(state_file, r.stderr)
        self.assertIn("Permission denied", r.stderr)
        os.chmod(state_file, 0o600)
        with open(state_file) as f:
            self.assertEqual(f.read(), text, "the unreadable state file was rewritten")
        self.assertEqual([n for n in os.listdir(os.path.dirname(state_file))
                          if n.startswith("ops-monitor.json.")], [])

    def test_a_directory_in_place_of_the_state_file_stops_the_start(self):
        o = Opsd([])
        self.addCleanup(o.close)
        os.makedirs(o.state_file)
        r = self.run_opsd(o.state_dir)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(o.state_file, r.stderr)
        self.assertIn("Is a directory", r.stderr)
        self.assertTrue(os.path.isdir(o.state_file))


class WrongTypesInStateFile(unittest.TestCase):
    def start_with(self, state):
        o = Opsd([])
        self.addCleanup(o.close)
        o.write_config([check_job(o.work)])
        os.makedirs(os.path.dirname(o.state_file))
        with open(o.state_file, "w") as f:
            json.dump(state, f)
        o.start()
        return o

    def assert_quarantined(self, o, path_text):
        d = os.path.dirname(o.state_file)
        moved = o.wait_for(lambda: [n for n in os.listdir(d) if ".corrupt-" in n],
                           what="the state file moved aside")
        self.assertEqual(len(moved), 1)
        alert = o.wait_for(lambda: [m for m in o.messages()
                                    if m["alert"] and "state file corrupt" in m["text"]],
                           what="the corrupt-state alert")
        self.assertIn(path_text, alert[0]["text"])
        self.assertIn(path_text, o.stderr())

    def test_a_queue_that_is_a_string_is_quarantined_and_alerted(self):
        o = self.start_with({"version": 1, "queue": "x"})
        self.assert_quarantined(o, "$.queue: expected an array, got string")

    def test_an_outbox_entry_with_a_string_seq_is_quarantined_and_alerted(self):
        state = dict(QUEUED)
        state["outbox"] = [{"seq": "a", "text": "lost?", "alert": True}]
        o = self.start_with(state)
        self.assert_quarantined(o, "$.outbox[0].seq")


if __name__ == "__main__":
    unittest.main()
