"""Schedules: checks and scans run on time without cron (issue 16).

Timing is asserted only loosely (a range of runs), and every wait polls for a condition.
"""
import json
import os
import subprocess
import tempfile
import time
import unittest
from datetime import datetime

from opsd_harness import OPSCTL, Opsd, scan_job, write_script


def ms(iso):
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)


def check_job(o, schedule, job_id="health"):
    script = write_script(os.path.join(o.work, "check.sh"),
                          "#!/bin/sh\necho run >> %s/%s.runs\necho ok\n" % (o.work, job_id))
    return {"id": job_id, "kind": "one_shot_read", "risk": "read_only", "enabled": True,
            "cwd": o.work, "commands": {"run": [script]}, "schedule": schedule}


def scheduled_items(o, job_id="health", sources=("schedule", "schedule:catch-up")):
    return [q for q in o.status()["queue"] if q["jobId"] == job_id and q["source"] in sources]


class EveryTwoSeconds(unittest.TestCase):
    def setUp(self):
        self.o = Opsd([])

    def tearDown(self):
        self.o.close()

    def test_a_check_every_2s_runs_about_five_times_in_ten_seconds_each_recorded(self):
        self.o.write_config([check_job(self.o, {"every": "2s"})])
        self.o.start()
        first = self.o.wait_for(lambda: scheduled_items(self.o), what="a first scheduled run")
        t0 = ms(first[0]["enqueuedAt"])
        # Wait (by opsd's own clock) until the schedule has gone 10 s past its first run.
        self.o.wait_for(lambda: any(ms(q["enqueuedAt"]) >= t0 + 10000
                                    for q in scheduled_items(self.o)),
                        timeout=60, what="runs 10 s after the first")
        window = [q for q in scheduled_items(self.o) if ms(q["enqueuedAt"]) < t0 + 10000]
        self.assertGreaterEqual(len(window), 3, window)
        self.assertLessEqual(len(window), 7, window)
        # Each is a recorded run: done, exit 0, and the command really ran.
        ids = {q["id"] for q in window}
        self.o.wait_for(lambda: all(q["status"] == "done" and q["exitCode"] == 0
                                    for q in scheduled_items(self.o) if q["id"] in ids),
                        what="the runs to finish")
        with open(os.path.join(self.o.work, "health.runs")) as f:
            self.assertGreaterEqual(len(f.read().splitlines()), len(window))
        job = self.o.job("health")
        self.assertEqual(job["schedule"], "every 2s")
        self.assertIsNotNone(job["nextRunAt"])
        self.assertIsNotNone(job["lastRunAt"])

    def restart_after_downtime(self, catch_up):
        self.o.write_config([check_job(self.o, {"every": "2s", "catchUp": catch_up})])
        self.o.start()
        # Finished before the stop: a run still queued or running then is run again after the
        # start, and it stands in for the catch-up (one scheduled item pending at most).
        self.o.wait_for(lambda: [q for q in scheduled_items(self.o) if q["status"] == "done"],
                        what="a first scheduled run done")
        self.assertEqual(self.o.stop(), 0)
        with open(self.o.state_file) as f:
            queue = json.load(f)["queue"]
        before = {q["id"] for q in queue}
        self.unfinished = [q["id"] for q in queue if q["status"] in ("pending", "running")]
        time.sleep(5)  # the downtime itself: two or three slots are missed
        self.o.start()
        started = ms(self.o.status()["daemon"]["startedAt"])
        # The schedule goes on: a regular run after the restart.
        self.o.wait_for(lambda: [q for q in scheduled_items(self.o, sources=("schedule",))
                                 if q["id"] not in before], what="a run after the restart")
        new = [q for q in scheduled_items(self.o) if q["id"] not in before]
        return started, new

    def test_catch_up_once_runs_once_after_downtime_not_once_per_missed_slot(self):
        started, new = self.restart_after_downtime("once")
        catch_up = [q for q in new if q["source"] == "schedule:catch-up"]
        if self.unfinished:  # a slot came due just before the stop: that run is the catch-up
            self.assertEqual(catch_up, [], new)
            self.o.wait_for(lambda: all(q["status"] == "done" for q in self.o.status()["queue"]
                                        if q["id"] in self.unfinished),
                            what="the run unfinished at the stop, run again")
            return
        self.assertEqual(len(catch_up), 1, new)
        # Nothing else ran before the first slot after the start (no burst of missed slots).
        first_regular = min(ms(q["enqueuedAt"]) for q in new if q["source"] == "schedule")
        early = [q for q in new if ms(q["enqueuedAt"]) < first_regular]
        self.assertEqual(early, catch_up)
        self.assertGreaterEqual(ms(catch_up[0]["enqueuedAt"]), started - 1000)

    def test_catch_up_skip_waits_for_the_next_slot(self):
        _, new = self.restart_after_downtime("skip")
        self.assertEqual([q for q in new if q["source"] == "schedule:catch-up"], [])

    def test_the_next_due_time_survives_a_restart(self):
        self.o.write_config([check_job(self.o, {"every": "1h"})])
        self.o.start()
        nxt = self.o.job("health")["nextRunAt"]
        self.assertIsNotNone(nxt)
        self.assertEqual(self.o.stop(), 0)
        with open(self.o.state_file) as f:
            self.assertEqual(json.load(f)["jobs"]["health"]["schedule"]["nextRunAt"], ms(nxt))
        self.o.start()
        self.assertEqual(self.o.job("health")["nextRunAt"], nxt)
        table = self.o.ctl("status")
        self.assertEqual(table.returncode, 0, table.stderr)
        header = table.stdout.splitlines()[0].split()
        self.assertIn("NEXT", header)
        self.assertIn("in ", table.stdout)
        one = self.o.ctl("status", "health")
        self.assertIn("schedule: every 1h; last run: never; next run: " + nxt, one.stdout)


class ScheduledScan(unittest.TestCase):
    def setUp(self):
        self.o = Opsd([])

    def tearDown(self):
        self.o.close()

    def test_a_scheduled_scan_is_started_when_due_and_not_again_while_running(self):
        job = scan_job(self.o)
        job["schedule"] = {"every": "2s"}
        self.o.write_config([job])
        self.o.start()
        starts = os.path.join(self.o.work, "scan.starts")
        self.o.wait_for(lambda: self.o.job("scan")["state"] == "running", timeout=30,
                        what="the scan started by its schedule")
        first = self.o.job("scan")["lastRunAt"]
        self.assertIsNotNone(first)
        # Two more due times pass while it runs: each is skipped, and noted.
        self.o.wait_for(lambda: ms(self.o.job("scan")["nextRunAt"]) >= ms(first) + 6000,
                        timeout=30, what="due times passing while the scan runs")
        self.o.wait_for(lambda: "scheduled start skipped" in
                        (self.o.job("scan")["lastEvent"] or {}).get("reason", ""),
                        what="the skipped start noted")
        with open(starts) as f:
            self.assertEqual(len(f.read().splitlines()), 1)
        self.assertEqual(self.o.job("scan")["lastRunAt"], first)
        self.assertEqual(self.o.job("scan")["state"], "running")


class ValidateSchedules(unittest.TestCase):
    BAD = [
        ({"cron": "0 24 * * *"}, "schedule.cron: field 2 (hour): 24 is out of range 0-23"),
        ({"cron": "0 3 * * * *"}, "schedule.cron: expected 5 fields"),
        ({"cron": "0 3 * smarch *"}, "schedule.cron: field 4 (month): unknown name \"smarch\""),
        ({"cron": "*/0 * * * *"}, "schedule.cron: field 1 (minute): step 0 is out of range"),
        ({"cron": "0 0 31 2 *"}, "schedule.cron: \"0 0 31 2 *\" never matches a date"),
        ({"every": "15x"}, "schedule.every: \"15x\": unknown unit 'x'"),
        ({"every": "0s"}, "schedule.every: \"0s\": must be at least 1s"),
        ({"every": "5m", "cron": "* * * * *"}, "schedule: has both \"every\" and \"cron\""),
        ({}, "schedule: needs \"every\""),
        ({"cron": "0 3 * * *", "timezone": "Mars/Olympus"},
         "schedule.timezone: unknown time zone \"Mars/Olympus\""),
        ({"every": "1h", "catchUp": "always"}, "schedule.catchUp: must be \"once\" or \"skip\""),
        ({"every": "1h", "jitterSeconds": -3}, "schedule.jitterSeconds: must be a whole number"),
    ]

    def test_bad_schedules_are_errors_naming_path_and_field(self):
        jobs = [{"id": "c%d" % i, "kind": "one_shot_read", "risk": "read_only", "enabled": True,
                 "commands": {"run": ["true"]}, "schedule": s} for i, (s, _) in enumerate(self.BAD)]
        jobs.append({"id": "fix", "kind": "one_shot_write", "risk": "write_local",
                     "commands": {"run": ["true"]}, "schedule": {"every": "1h"},
                     "after": [{"jobId": "c0", "when": "success"}]})
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump({"version": 1, "jobs": jobs}, f)
        try:
            r = subprocess.run([OPSCTL, "validate-config", "--config-file", f.name],
                               capture_output=True, text=True, timeout=60)
        finally:
            os.unlink(f.name)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        for i, (_, text) in enumerate(self.BAD):
            self.assertIn("error: jobs[%d].%s" % (i, text), r.stderr)
        self.assertIn("error: jobs[%d].schedule: one_shot_write jobs cannot have a schedule"
                      % len(self.BAD), r.stderr)

    def test_a_good_schedule_validates(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump({"version": 1, "jobs": [
                {"id": "nightly", "kind": "one_shot_read", "risk": "read_only", "enabled": True,
                 "commands": {"run": ["true"]},
                 "schedule": {"cron": "30 2 * * mon-fri", "timezone": "Europe/Berlin",
                              "jitterSeconds": 60, "catchUp": "skip"}}]}, f)
        try:
            r = subprocess.run([OPSCTL, "validate-config", "--config-file", f.name],
                               capture_output=True, text=True, timeout=60)
        finally:
            os.unlink(f.name)
        self.assertEqual(r.returncode, 0, r.stderr)


if __name__ == "__main__":
    unittest.main()
