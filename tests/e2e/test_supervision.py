"""What users see the daemon do with real jobs (docs/status-contract.md, docs/engine.md)."""
import json
import os
import signal
import time
import unittest

from opsd_harness import Opsd, pid_alive, scan_job, write_script

# A job whose progress a test moves by writing a file.
MANUAL_STATUS = """#!/bin/sh
cat "$(dirname "$0")/progress.json"
"""


class CheckpointedJobIsResumed(unittest.TestCase):
    def test_job_killed_with_sigkill_is_resumed_from_its_checkpoint(self):
        o = Opsd([])
        try:
            o.write_config([scan_job(o, autoResume=True, autoResumeBackoffSeconds=1)])
            o.start()
            # autoResume may already have started it (an enabled job that is neither running
            # nor completed); a start then says so.
            r = o.ctl("start", "scan")
            if r.returncode != 0:
                self.assertIn("already", r.stderr)  # "already running" / "already starting"
            o.wait_for(lambda: (o.job("scan")["progress"] or {}).get("done", 0) >= 5,
                       what="progress 5")
            pid = o.job("scan")["pid"]
            self.assertIsNotNone(pid)
            before = o.job("scan")["progress"]["done"]
            os.kill(pid, signal.SIGKILL)
            # One status read per check: two reads could see "running" from before the exit
            # was noticed and the new pid from after the relaunch.
            def resumed():
                j = o.job("scan")
                return j["running"] and j["pid"] not in (None, pid)
            o.wait_for(resumed, timeout=30, what="auto-resume")
            with open(os.path.join(o.work, "scan.starts")) as f:
                starts = [int(x) for x in f.read().split()]
            self.assertEqual(len(starts), 2, starts)
            self.assertEqual(starts[0], 0)
            self.assertGreaterEqual(starts[1], before)  # continued, not from zero
            self.assertGreaterEqual(o.job("scan")["autoResumes"], 1)
        finally:
            o.close()


class StalledJob(unittest.TestCase):
    def test_stalled_job_is_reported_once_and_recovers(self):
        o = Opsd([])
        try:
            write_script(os.path.join(o.work, "status.sh"), MANUAL_STATUS)
            progress = os.path.join(o.work, "progress.json")

            def set_progress(n):
                with open(progress + ".tmp", "w") as f:
                    json.dump({"running": True, "completed": False, "progress": {"n": n}}, f)
                os.replace(progress + ".tmp", progress)

            set_progress(1)
            o.write_config([{
                "id": "slow", "kind": "long_running_read", "risk": "read_only", "enabled": True,
                "cwd": o.work, "commands": {"start": ["true"], "status": ["./status.sh"]},
                "policy": {"stallSeconds": 2, "pollSeconds": 1, "reportEverySeconds": 3600}}])
            o.start()
            # Its status already says running: opsd adopts it (a start may come first).
            r = o.ctl("start", "slow")
            if r.returncode != 0:
                self.assertIn("already", r.stderr)
            o.wait_for(lambda: o.job("slow")["state"] == "stalled", timeout=20, what="stalled")
            self.assertIsNotNone(o.job("slow")["stalledSince"])
            time.sleep(3)  # several more polls while stalled: no second alert
            stall_alerts = [m for m in o.messages() if m["alert"] and "slow" in m["text"]]
            self.assertEqual(len(stall_alerts), 1, o.stdout())
            set_progress(2)
            o.wait_for(lambda: o.job("slow")["state"] == "running", what="recovered")
            o.wait_for(lambda: len([m for m in o.messages() if "slow" in m["text"]]) >= 2,
                       what="recovery notice")
            self.assertIsNone(o.job("slow")["stalledSince"])
        finally:
            o.close()


class BadProbes(unittest.TestCase):
    def test_garbage_or_hanging_status_is_a_probe_failure_and_others_are_served(self):
        o = Opsd([])
        try:
            write_script(os.path.join(o.work, "status.sh"), MANUAL_STATUS)
            with open(os.path.join(o.work, "progress.json"), "w") as f:
                json.dump({"running": True, "completed": False, "progress": {"n": 1}}, f)
            jobs = [
                {"id": "garbage", "commands": {"start": ["true"], "status": ["echo", "not json"]}},
                {"id": "hangs", "commands": {"start": ["true"], "status": ["sleep", "60"]},
                 "policy": {"pollSeconds": 1, "statusTimeoutSeconds": 1}},
                {"id": "wrongtype", "commands": {"start": ["true"],
                                                 "status": ["echo", '{"running":"yes","completed":false}']}},
                {"id": "good", "commands": {"start": ["true"], "status": ["./status.sh"]}},
            ]
            for j in jobs:
                j.update({"kind": "long_running_read", "risk": "read_only", "enabled": True,
                          "cwd": o.work})
                j.setdefault("policy", {"pollSeconds": 1})
            o.write_config(jobs)
            o.start()
            o.wait_for(lambda: all(o.job(j)["probe"]["ok"] is False
                                   for j in ("garbage", "hangs", "wrongtype")),
                       timeout=20, what="probe failures recorded")
            self.assertIn("running", o.job("wrongtype")["probe"]["error"])
            o.wait_for(lambda: o.job("good")["probe"]["ok"] is True, what="good job probed")
            self.assertTrue(o.job("good")["running"])
            o.wait_for(lambda: o.job("garbage")["probe"]["consecutiveFailures"] >= 2,
                       what="two consecutive failures")
            self.assertTrue(any(m["alert"] and "garbage" in m["text"] for m in o.messages()),
                            o.stdout())
            self.assertIsNone(o.proc.poll())
        finally:
            o.close()


class StopEscalation(unittest.TestCase):
    def test_child_ignoring_sigterm_is_killed_after_the_timeout_with_its_grandchildren(self):
        o = Opsd([])
        try:
            write_script(os.path.join(o.work, "stubborn.sh"), """#!/bin/sh
trap '' TERM
sleep 300 &
echo $! > grandchild.pid
echo $$ > child.pid
while true; do sleep 1; done
""")
            write_script(os.path.join(o.work, "status.sh"), """#!/bin/sh
if [ -f child.pid ] && kill -0 "$(cat child.pid)" 2>/dev/null; then
  echo '{"running": true, "completed": false}'
else
  echo '{"running": false, "completed": false}'
fi
""")
            o.write_config([{
                "id": "stubborn", "kind": "long_running_read", "risk": "read_only",
                "enabled": True, "cwd": o.work,
                "commands": {"start": ["./stubborn.sh"], "status": ["./status.sh"]},
                "policy": {"pollSeconds": 1, "stopTimeoutSeconds": 1}}])
            o.start()
            self.assertEqual(o.ctl("start", "stubborn").returncode, 0)
            o.wait_for(lambda: os.path.exists(os.path.join(o.work, "grandchild.pid")),
                       what="grandchild started")
            o.wait_for(lambda: o.job("stubborn")["running"], what="running")
            with open(os.path.join(o.work, "child.pid")) as f:
                child = int(f.read())
            with open(os.path.join(o.work, "grandchild.pid")) as f:
                grandchild = int(f.read())
            self.assertEqual(o.ctl("stop", "stubborn").returncode, 0)
            o.wait_for(lambda: not pid_alive(child) and not pid_alive(grandchild), timeout=15,
                       what="child and grandchild killed")
            o.wait_for(lambda: o.job("stubborn")["state"] == "stopped", what="stopped")
        finally:
            o.close()


class Restart(unittest.TestCase):
    def test_sigterm_then_restart_keeps_state(self):
        o = Opsd([])
        try:
            o.write_config([scan_job(o),
                {"id": "later", "kind": "one_shot_read", "risk": "read_only",
                 "commands": {"run": ["true"]}}])
            o.start()
            self.assertEqual(o.ctl("start", "scan").returncode, 0)
            self.assertEqual(o.ctl("enqueue", "later", "--not-before", "2h").returncode, 0)
            o.wait_for(lambda: (o.job("scan")["progress"] or {}).get("done", 0) >= 2,
                       what="progress")
            key_before = o.job("scan")["progressKey"]
            pid = o.job("scan")["pid"]
            self.assertEqual(o.stop(signal.SIGTERM), 0)
            self.assertFalse(pid_alive(pid), "owned child stopped with the daemon")
            with open(o.state_file) as f:
                saved = json.load(f)
            self.assertEqual(saved["version"], 1)
            self.assertIn("scan", saved["jobs"])
            o.start()
            s = o.status()
            self.assertEqual(len(s["queue"]), 1)
            self.assertEqual(s["queue"][0]["jobId"], "later")
            job = o.job("scan")
            self.assertIsNotNone(job["progressKey"])
            self.assertIsNotNone(job["lastProgressAt"])
            del key_before
            # Not auto-resumable: reported as paused with ACTION REQUIRED.
            o.wait_for(lambda: any("ACTION REQUIRED" in m["text"] and "scan" in m["text"]
                                   for m in o.messages()), what="paused report")
        finally:
            o.close()


if __name__ == "__main__":
    unittest.main()
