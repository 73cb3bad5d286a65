"""Supervision policies (docs/engine.md): growing auto-resume backoff, restart on stall, mute."""
import calendar
import json
import os
import shutil
import subprocess
import time
import unittest

from opsd_harness import SOURCE_DIR, Opsd, write_script

# Crashes at once on every start; records each start's time (s, float) in crash.starts.
CRASH_START = """#!/usr/bin/env python3
import os, time
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "crash.starts"), "a") as f:
    f.write("%.3f\\n" % time.time())
raise SystemExit(1)
"""
NEVER_RUNNING = """#!/bin/sh
echo '{"running": false, "completed": false, "message": "crashed"}'
"""

# A checkpointing job that freezes at 3 on its first run and moves on when started again.
FREEZE_START = """#!/usr/bin/env python3
import json, os, time
here = os.path.dirname(os.path.abspath(__file__))
ckpt = os.path.join(here, "freeze.ckpt")
try:
    n = json.load(open(ckpt))["n"]
except Exception:
    n = 0
with open(os.path.join(here, "freeze.starts"), "a") as f:
    f.write("%d\\n" % n)
first = len(open(os.path.join(here, "freeze.starts")).read().split()) == 1
with open(os.path.join(here, "freeze.pid"), "w") as f:
    f.write(str(os.getpid()))
while True:
    time.sleep(0.2)
    if first and n >= 3:
        continue  # frozen: alive, no progress
    n += 1
    with open(ckpt + ".tmp", "w") as f:
        json.dump({"n": n}, f)
    os.replace(ckpt + ".tmp", ckpt)
"""
FREEZE_STATUS = """#!/usr/bin/env python3
import json, os
here = os.path.dirname(os.path.abspath(__file__))
try:
    n = json.load(open(os.path.join(here, "freeze.ckpt")))["n"]
except Exception:
    n = 0
try:
    os.kill(int(open(os.path.join(here, "freeze.pid")).read()), 0)
    running = True
except Exception:
    running = False
print(json.dumps({"running": running, "completed": False, "progress": {"done": n}}))
"""

# Reports what <job>.status holds.
FILE_STATUS = """#!/bin/sh
cat "$(dirname "$0")/$1.status"
"""


def long_job(o, job_id, start, status, **policy):
    pol = {"pollSeconds": 1}
    pol.update(policy)
    return {"id": job_id, "kind": "long_running_read", "risk": "read_only", "enabled": True,
            "cwd": o.work, "commands": {"start": start, "status": status}, "policy": pol}


class GrowingBackoff(unittest.TestCase):
    def test_job_crashing_on_every_start_is_retried_at_growing_intervals_then_given_up(self):
        o = Opsd([], notify={"locale": "en"})
        self.addCleanup(o.close)
        start = write_script(os.path.join(o.work, "crash.py"), CRASH_START)
        status = write_script(os.path.join(o.work, "status.sh"), NEVER_RUNNING)
        o.write_config([long_job(o, "crashy", [start], [status], autoResume=True,
                                 autoResumeBackoffSeconds=1, autoResumeBackoffMaxSeconds=8,
                                 maxAutoResumes=5)], notify={"locale": "en"})
        o.start()
        o.wait_for(lambda: o.job("crashy")["state"] == "given_up", timeout=90, what="given_up")
        with open(os.path.join(o.work, "crash.starts")) as f:
            starts = [float(x) for x in f.read().split()]
        gaps = [round(b - a, 2) for a, b in zip(starts, starts[1:])]
        print("\nobserved intervals between automatic starts (s): %s" % gaps)
        self.assertEqual(len(starts), 5, starts)
        # Nominal waits 1, 2, 4, 8 s with up to 10 % jitter (the first is exact); a start comes
        # at its due time or later, so only the lower bounds are firm (0.5 s for launch delays).
        for gap, nominal in zip(gaps, (1, 2, 4, 8)):
            self.assertGreaterEqual(gap, nominal * 0.9 - 0.5, gaps)
        self.assertTrue(any(m["alert"] and "given up" in m["text"] for m in o.messages()),
                        o.stdout())
        self.assertIsNotNone(o.job("crashy")["nextResumeAt"])  # the give-up cooldown

    def test_status_shows_when_the_next_attempt_is_due(self):
        o = Opsd([], notify={"locale": "en"})
        self.addCleanup(o.close)
        start = write_script(os.path.join(o.work, "crash.py"), CRASH_START)
        status = write_script(os.path.join(o.work, "status.sh"), NEVER_RUNNING)
        o.write_config([long_job(o, "crashy", [start], [status], autoResume=True,
                                 autoResumeBackoffSeconds=600, maxAutoResumes=5)],
                       notify={"locale": "en"})
        o.start()
        o.wait_for(lambda: o.job("crashy")["state"] == "backoff", timeout=30, what="backoff")
        self.assertIsNotNone(o.job("crashy")["nextResumeAt"])
        table = o.ctl("status").stdout
        self.assertRegex(table, r"crashy\s.*backoff.*in \d+m", table)


class RestartOnStall(unittest.TestCase):
    def test_frozen_job_is_stopped_and_resumed_from_its_checkpoint(self):
        o = Opsd([], notify={"locale": "en"})
        self.addCleanup(o.close)
        start = write_script(os.path.join(o.work, "freeze.py"), FREEZE_START)
        status = write_script(os.path.join(o.work, "freeze_status.py"), FREEZE_STATUS)
        job = long_job(o, "frozen", [start], [status], autoResume=True, onStall="restart",
                       stallSeconds=3, stopTimeoutSeconds=5, autoResumeBackoffSeconds=1)
        job["enabled"] = False
        o.write_config([job], notify={"locale": "en"})
        o.start()
        self.assertEqual(o.ctl("start", "frozen").returncode, 0)
        starts = os.path.join(o.work, "freeze.starts")

        def restarted():
            if not os.path.exists(starts):
                return False
            with open(starts) as f:
                return len(f.read().split()) >= 2
        o.wait_for(restarted, timeout=60, what="a second start")
        with open(starts) as f:
            first, second = [int(x) for x in f.read().split()][:2]
        self.assertEqual(first, 0)
        self.assertGreaterEqual(second, 3)  # from the checkpoint, not from zero
        o.wait_for(lambda: (o.job("frozen")["progress"] or {}).get("done", 0) > second,
                   timeout=30, what="progress after the restart")
        texts = [m["text"] for m in o.messages()]
        self.assertTrue(any("no progress" in t and "restarting after the stall" in t
                            for t in texts), o.stdout())
        o.wait_for(lambda: any("restarted after the stall" in m["text"] for m in o.messages()),
                   timeout=30, what="the restart reported")
        self.assertEqual(o.job("frozen")["autoResumes"], 1)  # counted against maxAutoResumes

    def test_validate_config_rejects_restart_on_a_write_job(self):
        o = Opsd([])
        self.addCleanup(o.close)
        job = long_job(o, "w", ["true"], ["true"], autoResume=True, onStall="restart")
        job["risk"] = "write_local"
        o.write_config([job])
        r = o.ctl("validate-config")
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("jobs[0].policy.onStall", r.stdout + r.stderr)


class Mute(unittest.TestCase):
    def setUp(self):
        self.o = Opsd([], notify={"locale": "en"})
        self.addCleanup(self.o.close)
        status = write_script(os.path.join(self.o.work, "status.sh"), FILE_STATUS)
        for job_id in ("mutedjob", "loudjob"):
            self.set_status(job_id, {"running": False, "completed": False,
                                     "stopReason": "waiting for disk"})
        self.o.write_config([long_job(self.o, j, ["true"], [status, j], reportEverySeconds=60)
                             for j in ("mutedjob", "loudjob")], notify={"locale": "en"})
        self.o.start()

    def set_status(self, job_id, obj):
        path = os.path.join(self.o.work, job_id + ".status")
        with open(path + ".tmp", "w") as f:
            json.dump(obj, f)
        os.replace(path + ".tmp", path)

    def mentions(self, job_id, since=0):
        return [m for m in self.o.messages()[since:] if job_id in m["text"]]

    def test_mute_holds_a_reminder_and_a_completion_gets_through(self):
        o = self.o
        o.wait_for(lambda: self.mentions("mutedjob") and self.mentions("loudjob"),
                   what="both paused alerts")
        r = o.ctl("mute", "mutedjob", "--for", "2h", "--note", "disk swap")
        self.assertEqual(r.returncode, 0, r.stderr)
        muted = o.job("mutedjob")["muted"]
        self.assertEqual(muted["note"], "disk swap")
        self.assertIsNotNone(muted["until"])
        self.assertIsNone(o.job("loudjob")["muted"])
        self.assertRegex(o.ctl("status").stdout, r"mutedjob\s.*MUTED until \d\d:\d\d")
        with open(os.path.join(o.state_dir, "net", "state", "audit.jsonl")) as f:
            events = [json.loads(line) for line in f if line.strip()]
        self.assertTrue(any(e["event"] == "mute" and e["note"] == "disk swap" for e in events))
        # A reminder is due 15 minutes after an alert: make both alerts 20 minutes old.
        self.assertIsNotNone(o.stop())
        with open(o.state_file) as f:
            state = json.load(f)
        for job_id in ("mutedjob", "loudjob"):
            state["jobs"][job_id]["lastAnomalyReportAt"] -= 1200
        with open(o.state_file, "w") as f:
            json.dump(state, f)
        seen = len(o.messages())
        o.start()
        o.wait_for(lambda: self.mentions("loudjob", seen), timeout=30, what="loudjob's reminder")
        # Several more probes of the muted job: none of them reminds.
        at = time.time()
        o.wait_for(lambda: time.time() - at > 3 and o.job("mutedjob")["probe"]["ok"], what="probes")
        self.assertEqual(self.mentions("mutedjob", seen), [], o.stdout())
        self.assertIsNotNone(o.job("mutedjob")["muted"])  # persisted across the restart
        self.set_status("mutedjob", {"running": False, "completed": True})
        got = o.wait_for(lambda: self.mentions("mutedjob", seen), timeout=30, what="completion")
        self.assertIn("completed", got[0]["text"])
        self.assertIsNone(o.job("mutedjob")["muted"])  # something new ended the mute

    def test_unmute_and_unknown_jobs(self):
        o = self.o
        self.assertEqual(o.ctl("mute", "loudjob").returncode, 0)
        until = o.job("loudjob")["muted"]["until"]  # without --for: one hour
        left = calendar.timegm(time.strptime(until, "%Y-%m-%dT%H:%M:%SZ")) - time.time()
        self.assertTrue(3500 < left <= 3600, until)
        r = o.ctl("unmute", "loudjob")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIsNone(o.job("loudjob")["muted"])
        r = o.ctl("mute", "nope")
        self.assertEqual(r.returncode, 1)
        self.assertIn("unknown job 'nope'", r.stderr)
        r = o.ctl("mute", "loudjob", "--for", "soon")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--for", r.stderr)


class MuteOneShot(unittest.TestCase):
    """A check that alerts on every run: muted, the same alert is not sent again; a new one is."""

    def test_a_repeated_alert_is_held_and_a_new_one_gets_through(self):
        o = Opsd([], notify={"locale": "en"})
        self.addCleanup(o.close)
        text = os.path.join(o.work, "alert.txt")
        with open(text, "w") as f:
            f.write("ALERT disk 91% full\n")
        o.write_config([{"id": "disk", "kind": "one_shot_read", "risk": "read_only",
                         "cwd": o.work, "commands": {"run": ["cat", text]}}],
                       notify={"locale": "en", "groupWaitSeconds": 0})
        o.start()

        def run_and_wait(n):
            self.assertEqual(o.ctl("run", "disk").returncode, 0)
            o.wait_for(lambda: (o.job("disk").get("lastRun") or {}).get("number") == n,
                       what="run %d recorded" % n)

        def alerts(words):
            return [m for m in o.messages() if words in m["text"]]
        run_and_wait(1)
        o.wait_for(lambda: alerts("91% full"), what="the first alert")
        r = o.ctl("mute", "disk", "--for", "2h", "--note", "cleaning up")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(o.job("disk")["muted"]["note"], "cleaning up")
        run_and_wait(2)
        run_and_wait(3)
        time.sleep(1)  # a report would have been printed by now
        self.assertEqual(len(alerts("91% full")), 1, o.stdout())
        self.assertIsNotNone(o.job("disk")["muted"])
        with open(text, "w") as f:
            f.write("ALERT disk 97% full\n")
        run_and_wait(4)
        o.wait_for(lambda: alerts("97% full"), what="the new alert")
        self.assertIsNone(o.job("disk")["muted"])  # something new ended the mute


class MuteCompletion(unittest.TestCase):
    def test_bash_completes_mute_unmute_their_options_and_job_ids(self):
        if shutil.which("bash") is None:
            self.skipTest("bash not found")
        script = os.path.join(SOURCE_DIR, "completions", "opsctl.bash")
        o = Opsd([])
        self.addCleanup(o.close)
        o.write_config([long_job(o, "scan-photos", ["true"], ["true"])])

        def complete(*words):
            prog = ('source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); '
                    '_opsctl; printf "%s\\n" "${COMPREPLY[@]}"')
            r = subprocess.run(["bash", "-c", prog, "bash", script, "opsctl"] + list(words),
                               capture_output=True, text=True, timeout=10,
                               env=dict(os.environ, OPENCLAW_STATE_DIR=o.state_dir))
            self.assertEqual(r.returncode, 0, r.stderr)
            return sorted(x for x in r.stdout.split("\n") if x)
        self.assertEqual(complete("mu"), ["mute"])
        self.assertEqual(complete("unm"), ["unmute"])
        self.assertIn("--for", complete("mute", "--"))
        self.assertIn("--note", complete("mute", "--"))
        self.assertEqual(complete("mute", "scan"), ["scan-photos"])
        self.assertEqual(complete("unmute", "scan"), ["scan-photos"])


if __name__ == "__main__":
    unittest.main()
