"""A long job's crash is an alert that says what happened; one-shot runs are recorded and can be
waited for (issue 14). The real opsd (--print-only) and opsctl."""
import json
import os
import signal
import sys
import textwrap
import time
import unittest

from opsd_harness import Opsd, scan_job, write_script

# A long job that prints a few lines and exits with EXIT_CODE; status: running while its pid
# file names a live process, never completed.
CRASHER = textwrap.dedent('''\
    #!/usr/bin/env python3
    import json, os, sys, time
    here = os.path.dirname(os.path.abspath(__file__))
    pidf = os.path.join(here, "crasher.pid")
    if sys.argv[1] == "start":
        with open(pidf, "w") as f:
            f.write(str(os.getpid()))
        for i in range(20):
            print("working on batch", i, flush=True)
        print("last words: disk read error on sdb", flush=True)
        time.sleep(float(os.environ.get("CRASH_AFTER", "0.5")))
        sys.exit(int(os.environ.get("EXIT_CODE", "3")))
    pid = None
    try:
        with open(pidf) as f:
            pid = int(f.read())
        os.kill(pid, 0)
        with open("/proc/%d/stat" % pid) as f:
            running = f.read().split(")")[-1].split()[0] != "Z"
    except Exception:
        running = False
    print(json.dumps({"running": running, "completed": False, "progress": {"n": 1}}))
''')


def read_text(path):
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return ""


def quiet_now():
    """Quiet hours from an hour ago to an hour from now (local time)."""
    t = time.localtime()
    minute = t.tm_hour * 60 + t.tm_min
    hm = lambda m: "%02d:%02d" % ((m % 1440) // 60, m % 60)
    return {"quietHours": {"start": hm(minute - 60), "end": hm(minute + 60)}}


def one_shot(job_id, argv, **policy):
    job = {"id": job_id, "kind": "one_shot_read", "risk": "read_only", "enabled": True,
           "commands": {"run": argv}}
    if policy:
        job["policy"] = policy
    return job


class LongJobCrash(unittest.TestCase):
    def tearDown(self):
        self.o.close()

    def alerts(self, *needles):
        return [m for m in self.o.messages()
                if m["alert"] and all(n in m["text"] for n in needles)]

    def test_exit_3_is_an_alert_naming_the_code_run_time_and_last_log_line_in_quiet_hours(self):
        self.o = Opsd([], defaults=quiet_now(), notify={"locale": "en"})
        script = write_script(os.path.join(self.o.work, "crasher.py"), CRASHER)
        self.o.write_config([{"id": "crasher", "kind": "long_running_read", "risk": "read_only",
                              "enabled": True, "cwd": self.o.work,
                              "commands": {"start": [script, "start"],
                                           "status": [script, "status"]},
                              "policy": {"pollSeconds": 1}}],
                            defaults=quiet_now(), notify={"locale": "en"})
        self.o.start()
        self.assertEqual(self.o.ctl("start", "crasher").returncode, 0)
        msgs = self.o.wait_for(lambda: self.alerts("exit code 3"), 30, "crash alert")
        text = msgs[0]["text"]
        self.assertIn("crashed", text)
        self.assertRegex(text, r"after \d+\.\ds")
        self.assertIn("last words: disk read error on sdb", text)
        self.assertIn("needs opsctl start crasher", text)
        job = self.o.job("crasher")
        self.assertEqual(job["lastExit"]["code"], 3)
        self.assertIsNone(job["lastExit"]["signal"])
        self.assertTrue(job["lastExit"]["crashed"])
        self.assertGreater(job["lastExit"]["runtimeMs"], 0)
        table = self.o.ctl("status").stdout
        self.assertIn("LAST RUN", table)
        self.assertIn("exit 3", table)

    def test_sigkill_is_an_alert_naming_the_signal_and_the_resume(self):
        self.o = Opsd([], defaults=quiet_now(), notify={"locale": "en"})
        self.o.write_config([scan_job(self.o, autoResume=True, autoResumeBackoffSeconds=1)],
                            defaults=quiet_now(), notify={"locale": "en"})
        self.o.start()
        self.assertEqual(self.o.ctl("start", "scan").returncode, 0)
        pid = self.o.wait_for(lambda: self.o.job("scan")["ownedPid"], 30, "owned pid")
        log = os.path.join(self.o.state_dir, "net", "logs", "scan.log")
        self.o.wait_for(lambda: "checkpoint" in read_text(log), 30, "log line")
        os.kill(pid, signal.SIGKILL)
        msgs = self.o.wait_for(lambda: self.alerts("killed by SIGKILL"), 30, "SIGKILL alert")
        text = msgs[0]["text"]
        self.assertRegex(text, r"after \d")
        self.assertIn("scan starting from checkpoint", text)
        self.assertRegex(text, r"resum(ed now|ing in \d+ s) \(attempt \d of 5 within 1h\)")
        self.assertEqual(self.o.job("scan")["lastExit"]["signal"], "SIGKILL")


class OneShotResults(unittest.TestCase):
    def setUp(self):
        self.o = Opsd([], notify={"locale": "en"})
        w = self.o.work
        write_script(os.path.join(w, "flood.py"), textwrap.dedent('''\
            #!/usr/bin/env python3
            import sys
            out = sys.stdout
            out.write("ALERT: disk almost full\\n")
            for i in range(100000):
                out.write("line %d of a long and boring report\\n" % i)
            out.write("all done\\n")
        '''))
        self.o.write_config([
            one_shot("pass", ["sh", "-c", "echo all good"]),
            one_shot("fail4", ["sh", "-c", "echo checking; echo broken >&2; exit 4"]),
            one_shot("flood", [sys.executable, os.path.join(w, "flood.py")]),
            one_shot("slow", ["sleep", "10"], runTimeoutSeconds=2),
            one_shot("sleeper", ["sleep", "10"]),
            {"id": "w", "kind": "one_shot_write", "risk": "write_local", "enabled": True,
             "commands": {"run": ["true"]}, "after": [{"jobId": "pass", "when": "success"}]},
        ], notify={"locale": "en"})
        self.o.start()

    def tearDown(self):
        self.o.close()

    def test_run_wait_exit_codes_and_last_run_survives_a_restart(self):
        ok = self.o.ctl("run", "pass", "--wait")
        self.assertEqual(ok.returncode, 0, ok.stdout + ok.stderr)
        self.assertIn("passed (exit 0", ok.stdout)
        self.assertIn("all good", ok.stdout)
        bad = self.o.ctl("run", "fail4", "--wait")
        self.assertEqual(bad.returncode, 1, bad.stdout + bad.stderr)
        self.assertIn("FAILED (exit 4", bad.stdout)
        self.assertIn("broken", bad.stdout)
        refused = self.o.ctl("run", "w", "--wait")
        self.assertEqual(refused.returncode, 1)
        self.assertIn("ACTION REQUIRED", refused.stderr)
        # Without --wait: as before, 0 once the run is started.
        self.assertEqual(self.o.ctl("run", "fail4").returncode, 0)
        self.o.wait_for(lambda: len(self.o.status("fail4")["jobs"][0]["runs"]) == 2, 30, "2 runs")
        self.o.stop()
        self.o.start()
        job = self.o.job("fail4")
        self.assertEqual(job["lastRun"]["exitCode"], 4)
        self.assertFalse(job["lastRun"]["ok"])
        self.assertIn("broken", job["lastRun"]["outputTail"])
        self.assertEqual([r["exitCode"] for r in self.o.status("fail4")["jobs"][0]["runs"]], [4, 4])
        self.assertEqual(self.o.job("pass")["lastRun"]["exitCode"], 0)
        table = self.o.ctl("status").stdout
        self.assertRegex(table, r"exit 4 \d+s ago")
        self.assertRegex(table, r"ok \d+s ago \d\.\ds")
        history = self.o.ctl("status", "fail4").stdout
        self.assertIn("runs of fail4:", history)
        with open(self.o.state_file) as f:
            saved = json.load(f)["jobs"]["fail4"]
        self.assertEqual(saved["lastRun"]["exitCode"], 4)  # the original tool's field
        self.assertIsInstance(saved["lastRunAt"], float)

    def test_alert_on_the_first_of_100000_lines_is_reported_in_bounded_memory(self):
        pid = self.o.proc.pid
        def rss_kib():
            with open("/proc/%d/status" % pid) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1])
        r = self.o.ctl("run", "flood", "--wait")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("ALERT: disk almost full", r.stdout)
        self.assertIn("all done", r.stdout)
        msg = self.o.wait_for(lambda: [m for m in self.o.messages() if m["alert"] and
                                       "ALERT: disk almost full" in m["text"]], 30, "alert")
        self.assertIn("all done", msg[0]["text"])
        peak = rss_kib()
        print("\nopsd peak RSS after a check printed 100,000 lines: %d KiB" % peak,
              file=sys.stderr)
        self.assertLess(peak, 200 * 1024)  # generous: the output is ~3.7 MB, kept is ~10 KB
        self.assertEqual(self.o.job("flood")["lastRun"]["marker"], "ALERT: disk almost full")

    def test_run_timeout_seconds_kills_the_check_and_reports_a_timeout(self):
        r = self.o.ctl("run", "slow", "--wait")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("timed out", r.stdout)
        run = self.o.job("slow")["lastRun"]
        self.assertTrue(run["timedOut"])
        self.assertLess(run["durationMs"], 10000)  # killed, did not sleep to the end
        msg = self.o.wait_for(lambda: [m for m in self.o.messages() if m["alert"] and
                                       "timed out after 2s" in m["text"]], 30, "timeout alert")
        self.assertIn("slow", msg[0]["text"])

    def test_the_originals_timeout_seconds_is_the_runs_own_limit(self):
        r = self.o.ctl("run", "sleeper", "--wait", "--timeout-seconds", "1")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertTrue(self.o.job("sleeper")["lastRun"]["timedOut"])
        self.o.wait_for(lambda: [m for m in self.o.messages() if m["alert"] and
                                 "timed out after 1s" in m["text"]], 30, "timeout alert")

    def test_wait_gives_up_after_its_own_timeout(self):
        r = self.o.ctl("run", "sleeper", "--wait", "--timeout", "1s")
        self.assertEqual(r.returncode, 1)
        self.assertIn("has not ended", r.stderr)


class WriteRunWait(unittest.TestCase):
    def tearDown(self):
        self.o.close()

    def test_run_wait_on_an_approved_write_waits_for_its_verification(self):
        self.o = Opsd([one_shot("v", ["sh", "-c", "echo verified ok"]),
                       {"id": "w", "kind": "one_shot_write", "risk": "write_local",
                        "enabled": True, "commands": {"run": ["sh", "-c", "echo wrote"]},
                        "after": [{"jobId": "v", "when": "success"}]}])
        self.o.start()
        self.assertEqual(self.o.ctl("approve", "w").returncode, 0)
        r = self.o.ctl("run", "w", "--wait")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("verification: verified", r.stdout)
        self.assertEqual(self.o.job("w")["lastRun"]["chain"], "verified")


if __name__ == "__main__":
    unittest.main()
