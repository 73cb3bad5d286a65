"""Upgrading from ops-monitor.py and rolling back: the state file as the original wrote and reads
it (shared compat README), and the original's command-line words.
"""
import json
import os
import subprocess
import time
import unittest

from opsd_harness import OPSCTL, Opsd, write_script
from notify_support import NotifyTestCase, openclaw_json, texts

# Prints the JSON in status.json beside it (the test writes it).
STATUS_FROM_FILE = """#!/bin/sh
cat "$(dirname "$0")/$1.status"
"""
RUNNING_N3 = {"running": True, "completed": False, "progress": {"n": 3}}
COMPLETED = {"running": False, "completed": True}


def long_job(o, job_id, **policy):
    script = os.path.join(o.work, "status.sh")
    write_script(script, STATUS_FROM_FILE)
    pol = {"pollSeconds": 1}
    pol.update(policy)
    return {"id": job_id, "kind": "long_running_read", "risk": "read_only", "enabled": True,
            "cwd": o.work, "commands": {"start": ["true"], "status": [script, job_id]},
            "policy": pol}


def set_status(o, job_id, status):
    with open(os.path.join(o.work, job_id + ".status"), "w") as f:
        json.dump(status, f)


def canonical(obj):
    """The original's canonical JSON (json.dumps with sorted keys, UTF-8 kept)."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False)


def original_sample(now):
    """The original's sample state file with its times moved to just before `now`."""
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "data", "ops-monitor.state.sample.json")
    with open(path) as f:
        state = json.load(f)
    for job in state["jobs"].values():
        for key in list(job):
            if key.endswith("At"):
                job[key] = now - 60.0
    return state


class Upgrade(NotifyTestCase):
    """opsd started on the original's state file sends nothing the original had sent."""

    def test_nothing_the_original_reported_is_sent_again_and_the_stall_clock_goes_on(self):
        api = self.start_api()
        o = self.make_opsd(openclaw_json(api.url), start=False)
        now = time.time()
        state = original_sample(now)
        # Written field by field: a stall the original alerted already, and one it had not yet
        # seen (progress unchanged for 3 h: a fresh start would wait stallSeconds).
        stuck_status = {"running": True, "completed": False, "progress": {"n": 7},
                        "message": "slow"}
        state["jobs"]["stuck"] = {
            "lastSeen": {"running": True, "completed": False, "progressKey": '{"n": 7}',
                         "stopReason": None},
            "lastProgressKey": '{"n": 7}', "lastProgressAt": now - 3 * 3600,
            "lastReportAt": now - 60.0, "lastAnomalyReportAt": now - 60.0,
            "lastAnomalyKey": canonical({"completed": False, "level": None, "message": "slow",
                                         "progressKey": '{"n": 7}', "running": True,
                                         "stopReason": None})}
        state["jobs"]["late"] = {
            "lastSeen": {"running": True, "completed": False, "progressKey": '{"n": 5}',
                         "stopReason": None},
            "lastProgressKey": '{"n": 5}', "lastProgressAt": now - 3 * 3600,
            "lastReportAt": now - 60.0}
        os.makedirs(os.path.dirname(o.state_file), exist_ok=True)
        with open(o.state_file, "w") as f:
            json.dump(state, f, indent=2, sort_keys=True)
        jobs = [long_job(o, "done"), long_job(o, "prog"), long_job(o, "stuck"),
                long_job(o, "late")]
        set_status(o, "done", COMPLETED)
        set_status(o, "prog", RUNNING_N3)
        set_status(o, "stuck", stuck_status)
        set_status(o, "late", {"running": True, "completed": False, "progress": {"n": 5}})
        for r in ("r1", "r2", "r3"):
            jobs.append({"id": r, "kind": "one_shot_read", "risk": "read_only", "enabled": True,
                         "cwd": o.work, "commands": {"run": ["true"]}})
        # Reports as the original sent them (cards are new: each running job would get one).
        o.write_config(jobs, notify={"progress": "messages"})
        o.start(print_only=False)

        # The one stall the original had not alerted is alerted at once: its clock continued.
        first = api.wait_requests(1, timeout=30)
        self.assertEqual(len(first), 1, texts(first))
        self.assertIn("late", texts(first)[0])
        for other in ("(done,", "(prog,", "(stuck,"):
            self.assertNotIn(other, texts(first)[0])
        o.wait_for(lambda: o.job("stuck")["state"] == "stalled", what="stuck seen stalled")
        o.wait_for(lambda: all(o.job(j)["probe"]["at"] for j in ("done", "prog", "stuck")),
                   what="every job probed")
        # Nothing else was sent: a canary alert is the very next message.
        canary = {"id": "canary", "kind": "one_shot_read", "risk": "read_only", "enabled": True,
                  "cwd": o.work, "commands": {"run": ["sh", "-c", "echo 'ALERT canary'"]}}
        o.write_config(jobs + [canary], notify={"progress": "messages"})
        self.assertEqual(o.ctl("reload").returncode, 0)
        self.assertEqual(o.ctl("run", "canary").returncode, 0)
        got = api.wait_requests(2, timeout=30)
        self.assertIn("canary", texts(got)[1], texts(got))
        self.assertEqual(len(got), 2, texts(got))


class Rollback(unittest.TestCase):
    """opsd's state file read the way the original reads it."""

    def setUp(self):
        self.o = Opsd([])
        self.addCleanup(self.o.close)

    def test_the_originals_fields_agree_with_opsds_after_a_stall_an_auto_resume_and_a_queue(self):
        o = self.o
        flag = os.path.join(o.work, "resumed.flag")
        resume_status = os.path.join(o.work, "resumed.sh")
        write_script(resume_status, """#!/bin/sh
if [ -e "%s" ]; then echo '{"running": true, "completed": false, "progress": {"n": 1}}'
else echo '{"running": false, "completed": false, "stopReason": "crashed"}'; fi
""" % flag)
        jobs = [long_job(o, "stuck", stallSeconds=2),
                {"id": "resumed", "kind": "long_running_read", "risk": "read_only",
                 "enabled": True, "cwd": o.work,
                 "commands": {"start": ["touch", flag], "status": [resume_status]},
                 "policy": {"pollSeconds": 1, "autoResume": True,
                            "autoResumeBackoffSeconds": 900}},
                {"id": "check", "kind": "one_shot_read", "risk": "read_only", "enabled": True,
                 "cwd": o.work, "commands": {"run": ["true"]}}]
        set_status(o, "stuck", {"running": True, "completed": False, "progress": {"n": 1},
                                "level": "warn", "message": "slow"})
        o.write_config(jobs)
        o.start()
        self.assertEqual(o.ctl("enqueue", "check", "--not-before", "1h").returncode, 0)
        o.wait_for(lambda: o.job("stuck")["state"] == "stalled", what="stuck stalled")
        o.wait_for(lambda: o.job("resumed")["state"] == "running", what="resumed running")
        status = o.status()
        o.stop()
        with open(o.state_file) as f:
            state = json.load(f)
        now = time.time()

        self.assertEqual(state["version"], 1)
        self.assertIsInstance(state["updatedAt"], str)
        self.assertEqual(state["opsdUpdatedAt"], state["updatedAt"])  # opsd wrote it last
        stuck = state["jobs"]["stuck"]
        self.assertEqual(stuck["lastSeen"], {"running": True, "completed": False,
                                             "progressKey": '{"n": 1}', "stopReason": None})
        self.assertEqual(stuck["lastProgressKey"], '{"n": 1}')
        for key in ("lastProgressAt", "lastReportAt", "lastAnomalyReportAt"):
            self.assertIsInstance(stuck[key], float, key)
            self.assertLess(abs(stuck[key] - now), 600, key)  # seconds, not milliseconds
        self.assertEqual(stuck["lastAnomalyKey"],
                         canonical({"completed": False, "level": "warn", "message": "slow",
                                    "progressKey": '{"n": 1}', "running": True,
                                    "stopReason": None}))
        # The same times as opsd's own view (status --json gives ISO 8601 to the second).
        mine = next(j for j in status["jobs"] if j["id"] == "stuck")
        self.assertAlmostEqual(stuck["lastProgressAt"], iso_seconds(mine["lastProgressAt"]),
                               delta=1.0)

        resumed = state["jobs"]["resumed"]
        self.assertIsInstance(resumed["lastAutoResumeAt"], float)
        self.assertLess(abs(resumed["lastAutoResumeAt"] - now), 600)
        self.assertAlmostEqual(resumed["lastAutoResumeAt"],
                               max(resumed["autoResumeTimes"]) / 1000.0, delta=0.002)
        self.assertTrue(resumed["lastSeen"]["running"])

        item = state["queue"][0]
        self.assertEqual((item["jobId"], item["status"], item["reason"], item["attempt"]),
                         ("check", "pending", "opsctl", 0))
        self.assertIsInstance(item["notBefore"], float)
        self.assertLess(abs(item["notBefore"] - (now + 3600)), 600)
        self.assertIsInstance(item["createdAt"], float)

        # The original's own decisions on this file, at once after the rollback: no repeated
        # alert for the stall, no repeated report for the resumed job, nothing due in the queue.
        self.assertFalse(original_alerts(stuck, {"completed": False, "level": "warn",
                                                 "message": "slow", "progressKey": '{"n": 1}',
                                                 "running": True, "stopReason": None}, 1800, now))
        self.assertFalse(original_reports_routine(resumed, True, False, '{"n": 1}', 1800, now))
        self.assertFalse(original_resumes(resumed, 900, now))
        self.assertFalse(item["notBefore"] <= now)


def iso_seconds(text):
    from datetime import datetime
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def original_alerts(job, anomaly, report_every, now):
    """The original's anomaly rule: a new or changed key at once, else every max(900, every)."""
    if canonical(anomaly) != job.get("lastAnomalyKey"):
        return True
    return now - job.get("lastAnomalyReportAt", 0) >= max(900, report_every)


def original_reports_routine(job, running, completed, key, report_every, now):
    """The original's routine rule (onlyOnChange true, reportWhileRunning true)."""
    seen = job.get("lastSeen", {})
    if seen.get("running") != running or seen.get("completed") != completed:
        return True
    if completed and not job.get("reportedCompleted"):
        return True
    if running:
        return now - job.get("lastReportAt", 0) >= report_every or key != seen.get("progressKey")
    return False


def original_resumes(job, backoff, now):
    return now - job.get("lastAutoResumeAt", 0) >= backoff


class CommandWords(unittest.TestCase):
    """The original's command-line words: accepted, with the same meaning or a note."""

    def setUp(self):
        self.o = Opsd([])
        self.addCleanup(self.o.close)
        self.o.write_config([{"id": "r1", "kind": "one_shot_read", "risk": "read_only",
                              "enabled": True, "cwd": self.o.work,
                              "commands": {"run": ["sh", "-c", "echo 'ALERT from r1'"]}}])
        self.o.start()

    def bare_ctl(self, *args):
        env = {k: v for k, v in self.o.env.items() if not k.startswith("OPENCLAW_")}
        env["HOME"] = self.o.dir  # no ~/.openclaw of the machine
        return subprocess.run([OPSCTL] + list(args), capture_output=True, text=True, env=env,
                              timeout=60)

    def test_state_file_in_the_state_dir_selects_that_state_dir(self):
        for args in (("status", "--state-file", self.o.state_file),
                     ("--state-file", self.o.state_file, "status")):
            r = self.bare_ctl(*args, "--json")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual([j["id"] for j in json.loads(r.stdout)["jobs"]], ["r1"])
            self.assertEqual(r.stderr, "")

    def test_state_file_elsewhere_is_accepted_with_a_note(self):
        other = os.path.join(self.o.dir, "elsewhere.json")
        r = self.o.ctl("status", "--state-file", other)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("--state-file %s is not used" % other, r.stderr)
        self.assertIn("r1", r.stdout)

    def test_tick_target_is_accepted_with_a_note(self):
        r = self.o.ctl("tick", "--target", "123456", "--print-only")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("tick --target 123456 is not used", r.stderr)

    def test_run_timeout_seconds_runs_the_job_as_the_original_did(self):
        # The original's word is the run's own time limit (e2e.test_exits checks the limit).
        r = self.o.ctl("run", "r1", "--timeout-seconds", "5")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("not used", r.stderr)
        self.o.wait_for(lambda: "ALERT from r1" in self.o.stdout(), what="r1 ran")

    def test_timeout_seconds_must_be_a_number(self):
        r = self.o.ctl("run", "r1", "--timeout-seconds", "soon")
        self.assertEqual(r.returncode, 2)


if __name__ == "__main__":
    unittest.main()
