"""opsd under a service manager (README.md, Running as a service): the sd_notify protocol and
the crash-loop guard. The units, the launchd plist and the install tree are in test_install.py."""
import json
import os
import signal
import sys
import time
import unittest

from opsd_harness import SCAN_SCRIPT, Opsd, pid_alive, scan_job, write_script
from service_support import NotifyListener


class SdNotifyProtocol(unittest.TestCase):
    def test_ready_watchdog_status_reload_and_stop_reach_the_service_manager(self):
        o = Opsd([], env={"WATCHDOG_USEC": "2000000"})
        listener = NotifyListener(o.dir)
        o.env["NOTIFY_SOCKET"] = listener.path
        try:
            scan = write_script(os.path.join(o.work, "scan.py"), SCAN_SCRIPT)
            # A job whose status never moves (stalls after 1 s) and records its probe's env.
            write_script(os.path.join(o.work, "stuck.py"), "#!%s\n" % sys.executable + """\
import json, os
json.dump(dict(os.environ), open("probe-env.json.tmp", "w"))
os.replace("probe-env.json.tmp", "probe-env.json")
print(json.dumps({"running": True, "completed": False, "progress": {"n": 1}}))
""")
            dump = [sys.executable, "-c",
                    "import json, os; json.dump(dict(os.environ), open('job-env.json.tmp', 'w'));"
                    "os.replace('job-env.json.tmp', 'job-env.json')"]
            long_job = {"kind": "long_running_read", "risk": "read_only", "enabled": True,
                        "cwd": o.work}
            o.write_config([
                dict(long_job, id="scan", commands={"start": [scan, "start", "scan"],
                                                    "status": [scan, "status", "scan"]},
                     policy={"pollSeconds": 1}),
                dict(long_job, id="stuck", commands={"start": ["true"], "status": ["./stuck.py"]},
                     policy={"pollSeconds": 1, "stallSeconds": 1, "reportEverySeconds": 3600}),
                dict(long_job, id="done", commands={
                    "start": ["true"], "status": ["echo", '{"running": false, "completed": true}']},
                     policy={"pollSeconds": 1}),
                {"id": "envdump", "kind": "one_shot_read", "risk": "read_only", "cwd": o.work,
                 "commands": {"run": dump}},
            ])
            o.start()
            o.wait_for(lambda: listener.with_key("READY"), what="READY=1")
            self.assertEqual(listener.with_key("READY")[0][1]["READY"], "1")

            # STATUS: a one-line summary of the jobs.
            self.assertEqual(o.ctl("start", "scan").returncode, 0)
            expected = "3 jobs: 1 completed, 1 running, 1 stalled; outbox 0"
            o.wait_for(lambda: expected in [f["STATUS"] for _, f in listener.with_key("STATUS")],
                       what="STATUS=" + expected)
            self.assertTrue(all("\n" not in f["STATUS"] for _, f in listener.with_key("STATUS")))

            # WATCHDOG=1 about every WATCHDOG_USEC/2 = 1 s, always within the 2 s timeout.
            o.wait_for(lambda: len(listener.with_key("WATCHDOG")) >= 5, what="5 x WATCHDOG=1")
            times = [t for t, f in listener.with_key("WATCHDOG") if f["WATCHDOG"] == "1"]
            gaps = [b - a for a, b in zip(times[1:], times[2:])]  # the first comes with READY
            self.assertTrue(all(g >= 0.8 for g in gaps), gaps)
            self.assertTrue(all(g < 2.0 for g in gaps), gaps)

            # SIGHUP: RELOADING=1 with a current MONOTONIC_USEC, then READY=1.
            mark = len(listener.snapshot())
            before = time.monotonic_ns() // 1000
            o.proc.send_signal(signal.SIGHUP)
            o.wait_for(lambda: listener.with_key("READY", since=mark), what="READY=1 after reload")
            after = time.monotonic_ns() // 1000
            reloading = listener.with_key("RELOADING", since=mark)
            self.assertEqual(len(reloading), 1)
            t_reload, f_reload = reloading[0]
            self.assertEqual(f_reload["RELOADING"], "1")
            self.assertTrue(before <= int(f_reload["MONOTONIC_USEC"]) <= after,
                            (before, f_reload["MONOTONIC_USEC"], after))
            self.assertLessEqual(t_reload, listener.with_key("READY", since=mark)[0][0])

            # Children (a job and a status probe) never see the service manager's variables.
            self.assertEqual(o.ctl("run", "envdump").returncode, 0)
            job_env_path = os.path.join(o.work, "job-env.json")
            o.wait_for(lambda: os.path.exists(job_env_path), what="job env dump")
            for path in (job_env_path, os.path.join(o.work, "probe-env.json")):
                with open(path) as f:
                    env = json.load(f)
                for key in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"):
                    self.assertNotIn(key, env, path)
                self.assertIn("OPS_JOB_ID", env)

            # SIGTERM: STOPPING=1 and a clean exit.
            self.assertEqual(o.stop(signal.SIGTERM), 0)
            o.wait_for(lambda: listener.with_key("STOPPING"), timeout=5, what="STOPPING=1")
        finally:
            listener.close()
            o.close()

    def test_without_notify_socket_a_watchdog_variable_alone_is_harmless(self):
        o = Opsd([], env={"WATCHDOG_USEC": "2000000"})
        try:
            o.start()
            self.assertEqual(o.status()["jobs"], [])
            self.assertEqual(o.stop(signal.SIGTERM), 0)
        finally:
            o.close()


class CrashLoopGuard(unittest.TestCase):
    def test_fifth_unclean_start_in_ten_minutes_stops_automatic_starts_until_a_clean_restart(self):
        o = Opsd([])
        try:
            o.write_config([scan_job(o, autoResume=True, autoResumeBackoffSeconds=1)])
            starts_file = os.path.join(o.work, "scan.starts")

            def starts():
                with open(starts_file) as f:
                    return len(f.read().split())

            def kill_scan():
                with open(os.path.join(o.work, "scan.pid")) as f:
                    pid = int(f.read())
                os.kill(pid, signal.SIGKILL)
                o.wait_for(lambda: not pid_alive(pid), what="scan killed")

            def crash_and_restart(also_kill_scan):
                o.stop(signal.SIGKILL)
                if also_kill_scan:
                    kill_scan()
                mark = len(o.stdout())
                o.start()
                return mark

            o.start()
            # autoResume may start the never-started job at its first poll, before we do.
            r = o.ctl("start", "scan")
            self.assertTrue(r.returncode == 0 or "already" in r.stderr, r.stderr)
            o.wait_for(lambda: o.job("scan")["running"], what="scan running")
            for _ in range(3):  # unclean starts 1..3
                crash_and_restart(False)
            # The 4th unclean start still resumes the crashed job by itself.
            crash_and_restart(True)
            o.wait_for(lambda: starts() == 2 and o.job("scan")["running"], timeout=30,
                       what="auto-resume after the 4th unclean start")
            self.assertNotIn("crash loop", o.stdout())

            # The 5th: an alert, and the crashed job stays down.
            mark = crash_and_restart(True)
            o.wait_for(lambda: "crash loop" in o.stdout()[mark:], what="crash-loop alert")
            alert = [m for m in o.messages() if "crash loop" in m["text"]][0]
            self.assertTrue(alert["alert"])
            self.assertIn("ACTION REQUIRED", alert["text"])
            self.assertIn("opsctl start", alert["text"])
            o.wait_for(lambda: "ACTION REQUIRED" in o.stdout()[mark:].replace(alert["text"], ""),
                       what="scan reported as paused")
            time.sleep(3)  # backoff 1 s + poll 1 s, twice over: no automatic start
            self.assertEqual(starts(), 2)
            self.assertFalse(o.job("scan")["running"])
            # By hand it still starts.
            self.assertEqual(o.ctl("start", "scan").returncode, 0)
            o.wait_for(lambda: starts() == 3, what="manual start")

            # A clean stop clears the count: the next start is normal.
            self.assertEqual(o.stop(signal.SIGTERM), 0)
            with open(os.path.join(o.state_dir, "net", "state", "opsd-run.json")) as f:
                record = json.load(f)
            self.assertEqual(record["running"], False)
            self.assertEqual(record["uncleanStarts"], [])
            mark = len(o.stdout())
            o.start()
            o.wait_for(lambda: o.job("scan")["state"] != "starting", what="startup settled")
            self.assertNotIn("crash loop", o.stdout()[mark:])
            self.assertNotIn("crash loop", o.stderr().split("opsd stopped")[-1])
        finally:
            o.close()


if __name__ == "__main__":
    unittest.main()
