"""Upgrade in place: `opsctl reexec` (and SIGUSR2) re-execute opsd in the same process; every
job keeps running with its pid and loses no output line, nothing is restarted or reported as
resumed; a new binary that cannot start is refused and the old opsd serves on
(docs/processes.md "Upgrading opsd")."""
import os
import shutil
import signal
import tempfile
import unittest

import opsd_harness
from opsd_harness import Opsd, pid_alive
from test_adoption import JOBS, assert_no_gap, log_numbers, start_tickers, ticker_job
from service_support import NotifyListener


class Reexec(unittest.TestCase):
    def test_five_reexecs_keep_every_job_and_line(self):
        o = Opsd([])
        try:
            o.write_config([ticker_job(o, j) for j in JOBS])
            o.start()
            pids = start_tickers(self, o)
            opsd_pid = o.proc.pid
            counted = ("autoResumes", "autoResumesTotal", "lastEvent")
            before = {j: [o.job(j)[k] for k in counted] for j in JOBS}
            messages_before = len(o.messages())
            for n in range(5):
                r = o.ctl("reexec")
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr + o.stderr()[-3000:])
                self.assertRegex(r.stdout, r"^opsd \S+ replaced opsd \S+ \(pid %d\)$" % opsd_pid)
                self.assertIsNone(o.proc.poll(), "opsd exited")
                st = o.status()
                self.assertEqual(st["daemon"]["pid"], opsd_pid)
                for j in st["jobs"]:
                    self.assertEqual(j["pid"], pids[j["id"]], j["id"])
                    self.assertEqual(j["state"], "running", j["id"])
                    self.assertEqual([j[k] for k in counted], before[j["id"]], j["id"])
                grown = {j: len(log_numbers(o, j)) for j in JOBS}
                o.wait_for(lambda: all(len(log_numbers(o, j)) > grown[j] + 2 for j in JOBS),
                           what="logs growing after reexec %d" % n)
            self.assertEqual(o.stderr().count(" replaced opsd "), 5)
            self.assertNotIn("did not shut down cleanly", o.stderr())
            for j in JOBS:
                self.assertTrue(pid_alive(pids[j]), j)
                assert_no_gap(self, o, j)
            # Nothing was reported: no crash, no resume, no start.
            self.assertEqual(o.messages()[messages_before:], [])
            # The jobs are still supervised: a killed one is noticed, and reaped (no zombie).
            os.kill(pids["t0"], signal.SIGKILL)
            o.wait_for(lambda: o.job("t0")["ownedPid"] is None, timeout=30, what="t0 exit noticed")
            with open("/proc/%d/task/%d/children" % (opsd_pid, opsd_pid)) as f:
                self.assertNotIn(str(pids["t0"]), f.read().split())
        finally:
            o.close()

    def test_sigusr2_reexecs_too(self):
        o = Opsd([])
        try:
            o.write_config([ticker_job(o, "t0")])
            o.start()
            pids = start_tickers_one(self, o)
            os.kill(o.proc.pid, signal.SIGUSR2)
            o.wait_for(lambda: " replaced opsd " in o.stderr(), timeout=30, what="reexec logged")
            o.wait_for(lambda: o.ctl("status").returncode == 0, what="status after SIGUSR2")
            self.assertEqual(o.job("t0")["pid"], pids)
            self.assertTrue(pid_alive(pids))
        finally:
            o.close()

    def test_systemd_hears_reloading_then_ready_and_the_watchdog_goes_on(self):
        o = Opsd([], env={"WATCHDOG_USEC": "2000000"})
        listener = NotifyListener(o.dir)
        o.env["NOTIFY_SOCKET"] = listener.path
        try:
            o.write_config([ticker_job(o, "t0")])
            o.start()
            o.wait_for(lambda: listener.with_key("READY"), what="READY=1")
            mark = len(listener.snapshot())
            r = o.ctl("reexec")
            self.assertEqual(r.returncode, 0, r.stderr)
            o.wait_for(lambda: listener.with_key("READY", since=mark), what="READY=1 after reexec")
            reloading = listener.with_key("RELOADING", since=mark)
            self.assertEqual(len(reloading), 1)
            self.assertEqual(reloading[0][1]["RELOADING"], "1")
            self.assertIn("MONOTONIC_USEC", reloading[0][1])
            self.assertLessEqual(reloading[0][0], listener.with_key("READY", since=mark)[0][0])
            # The new image still talks to the service manager: its watchdog pings go on.
            after = len(listener.snapshot())
            o.wait_for(lambda: len(listener.with_key("WATCHDOG", since=after)) >= 2,
                       what="WATCHDOG=1 from the new image")
        finally:
            listener.close()
            o.close()

    def one_shot(self, o, script):
        o.write_config([{"id": "slow", "kind": "one_shot_read", "risk": "read_only",
                         "cwd": o.work, "commands": {"run": ["sh", "-c", script]}}])
        o.start()

    def test_a_one_shot_ending_soon_is_waited_for_and_its_result_kept(self):
        o = Opsd([])
        try:
            started = os.path.join(o.work, "started")
            self.one_shot(o, "touch %s; sleep 2; echo finished-before-reexec" % started)
            self.assertEqual(o.ctl("run", "slow").returncode, 0)
            o.wait_for(lambda: os.path.exists(started), what="the one-shot running")
            r = o.ctl("reexec")
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            job = o.status()["jobs"][0]
            self.assertEqual(job["lastRun"]["exitCode"], 0, job)
            self.assertIn("finished-before-reexec", job["lastRun"]["outputTail"])
            self.assertIn(" replaced opsd ", o.stderr())
        finally:
            o.close()

    def test_refused_while_a_one_shot_runs_on(self):
        o = Opsd([])
        try:
            gate = os.path.join(o.work, "gate")
            started = os.path.join(o.work, "started")
            self.one_shot(o, "touch %s; while [ ! -e %s ]; do sleep 0.05; done" % (started, gate))
            self.assertEqual(o.ctl("run", "slow").returncode, 0)
            o.wait_for(lambda: os.path.exists(started), what="the one-shot running")
            r = o.ctl("reexec")  # waits up to 8 s for the one-shot, then refuses
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            self.assertIn("one-shot job slow is still running after 8 s", r.stderr)
            self.assertIn("never re-run", r.stderr)
            self.assertNotIn(" replaced opsd ", o.stderr())
            with open(gate, "w"):
                pass
            o.wait_for(lambda: o.ctl("reexec").returncode == 0, timeout=30,
                       what="reexec accepted once the one-shot ended")
            self.assertIn(" replaced opsd ", o.stderr())
        finally:
            o.close()

    def test_a_binary_that_cannot_start_is_refused(self):
        tmp = tempfile.mkdtemp(prefix="opsd-bin-")
        copy = os.path.join(tmp, "opsd")
        shutil.copy2(opsd_harness.OPSD, copy)
        saved = opsd_harness.OPSD
        opsd_harness.OPSD = copy
        o = Opsd([])
        try:
            o.write_config([ticker_job(o, "t0")])
            o.start()
            pid = o.proc.pid
            # A broken upgrade: the file is a script that fails.
            os.unlink(copy)
            with open(copy, "w") as f:
                f.write("#!/bin/sh\necho broken >&2\nexit 3\n")
            os.chmod(copy, 0o755)
            r = o.ctl("reexec")
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            self.assertIn("exited 3", r.stderr)
            self.assertIn("broken", r.stderr)
            self.assertIn("keeps running", r.stderr)
            # Deleted: the path is reported.
            os.unlink(copy)
            r = o.ctl("reexec")
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            self.assertIn(copy, r.stderr)
            self.assertIsNone(o.proc.poll())
            self.assertEqual(o.status()["daemon"]["pid"], pid)
            self.assertNotIn(" replaced opsd ", o.stderr())
        finally:
            opsd_harness.OPSD = saved
            o.close()
            shutil.rmtree(tmp, ignore_errors=True)


def start_tickers_one(test, o):
    r = o.ctl("start", "t0")
    test.assertEqual(r.returncode, 0, r.stderr)
    o.wait_for(lambda: o.job("t0")["state"] == "running" and o.job("t0")["pid"], what="t0 running")
    return o.job("t0")["pid"]


if __name__ == "__main__":
    unittest.main()
