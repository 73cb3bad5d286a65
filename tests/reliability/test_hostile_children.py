"""Hostile children are contained and reported while other jobs keep being served
(docs/status-contract.md, docs/engine.md).

One daemon (delivering to a fake Bot API) runs every hostile fixture at once, next to a
well-behaved `good` job and a `canary` one-shot; each test provokes one fixture and then
checks that the canary still runs and `good` is still probed.
"""
import json
import os
import signal
import time
import unittest

from reliability_support import (BOT_TOKEN, SOAK, FakeBotApi, Opsd, env_without_openclaw, pid_alive,
                                 write_openclaw_json, write_script)

GOOD_STATUS = """#!/bin/sh
echo '{"running": true, "completed": false, "progress": {"n": 1}}'
"""
# A job that runs until its pid file's process is gone; status reports from the pid file.
PID_STATUS = """#!/bin/sh
if [ -f "$1.pid" ] && kill -0 "$(cat "$1.pid")" 2>/dev/null; then
  echo "{\\"running\\": true, \\"completed\\": false, \\"pid\\": $(cat "$1.pid")}"
else
  echo '{"running": false, "completed": false}'
fi
"""
SPEW_MB = 100
TEN_MB = 10 << 20
HOSTILE_OUTPUTS = {
    "big.out": b"x" * TEN_MB,
    "badutf8.out": b'{"running": true, "completed": false, "message": "caf\xe9 \xff\xfe bad", '
                   b'"progress": {"k\xff": "v\xc0"}}\n',
    "wrongtypes.out": b'{"running": true, "completed": false, "pid": "12", "progress": [1, 2], '
                      b'"level": 7, "message": {}}\n',
    "deep.out": b"[" * 200000 + b"\n",
    "loud.out": b"y" * TEN_MB + b"\nALERT disk \xff\xfe full\n",
}


def long_job(o, job_id, start, status=None, **policy):
    pol = {"pollSeconds": 1, "stopTimeoutSeconds": 1, "statusTimeoutSeconds": 2,
           "reportEverySeconds": 3600}
    pol.update(policy)
    return {"id": job_id, "kind": "long_running_read", "risk": "read_only", "enabled": True,
            "cwd": o.work, "commands": {"start": start, "status": status or ["./pid_status.sh", job_id]},
            "policy": pol}


def one_shot(o, job_id, run):
    return {"id": job_id, "kind": "one_shot_read", "risk": "read_only", "enabled": True,
            "cwd": o.work, "commands": {"run": run}}


def probe_only(o, job_id, status_cmd, **policy):
    """A job whose status command is the hostile part; start does nothing."""
    return long_job(o, job_id, ["true"], ["sh", "-c", status_cmd], **policy)


class HostileChildren(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.api = FakeBotApi()
        o = cls.o = Opsd([], env=env_without_openclaw())
        write_openclaw_json(o, cls.api)
        write_script(os.path.join(o.work, "good_status.sh"), GOOD_STATUS)
        write_script(os.path.join(o.work, "pid_status.sh"), PID_STATUS)
        for name, data in HOSTILE_OUTPUTS.items():
            with open(os.path.join(o.work, name), "wb") as f:
                f.write(data)
        sh = lambda s: ["sh", "-c", s]  # noqa: E731
        o.write_config([
            long_job(o, "good", ["true"], ["./good_status.sh"]),
            one_shot(o, "canary", ["echo", "CANARY_OK"]),
            # Ignores SIGTERM: needs the SIGKILL escalation.
            long_job(o, "deaf", sh("trap '' TERM; echo $$ > deaf.pid; while :; do sleep 1; done")),
            # Its stop command hangs past stopTimeoutSeconds.
            dict(long_job(o, "slowstop", sh("echo $$ > slowstop.pid; exec sleep 300")),
                 commands={"start": sh("echo $$ > slowstop.pid; exec sleep 300"),
                           "status": ["./pid_status.sh", "slowstop"], "stop": ["sleep", "300"]}),
            # Leaves a grandchild holding stdout open, then exits: the queue must go on.
            one_shot(o, "forker", sh("sleep 300 & echo $! > forker-gc.pid; echo forked")),
            # A long job that starts a grandchild in its group, then dies.
            long_job(o, "orphaner", sh("sleep 300 & echo $! > orphaner.pid; echo $! > orphaner-gc.pid; exit 3")),
            # 100 MB of output.
            long_job(o, "spew", sh("echo $$ > spew.pid; yes 'spew spew spew spew spew spew spew spew spew' "
                                   "| head -c %d; touch spew.done; exec sleep 300" % (SPEW_MB << 20))),
            # Probes: hangs; 10 MB; invalid UTF-8; wrong types; deep nesting.
            probe_only(o, "hangs", "sleep 300", statusTimeoutSeconds=1),
            probe_only(o, "bigprobe", "cat big.out"),
            probe_only(o, "badutf8", "cat badutf8.out"),
            probe_only(o, "wrongtypes", "cat wrongtypes.out"),
            probe_only(o, "deep", "cat deep.out"),
            # One-shot printing 10 MB then ALERT with invalid UTF-8: reported, text valid.
            one_shot(o, "loud", ["cat", "loud.out"]),
            # Crash loop: exits 1 at once, auto-resume capped.
            long_job(o, "crashloop", sh("echo crash >> crashloop.starts; exit 1"),
                     ["./pid_status.sh", "crashloop"], autoResume=True, autoResumeBackoffSeconds=1,
                     maxAutoResumes=3),
        ])
        o.start(print_only=False)

    @classmethod
    def tearDownClass(cls):
        cls.o.close()
        cls.api.close()

    # --- helpers -------------------------------------------------------------------------
    def assert_others_served(self):
        o = self.o
        t0 = time.time()
        r = o.ctl("status", "--json", timeout=20)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertLess(time.time() - t0, 5, "status slow while a hostile child runs")
        json.loads(r.stdout)
        o.wait_for(lambda: o.job("good")["probe"]["ok"] and o.job("good")["running"],
                   what="good job probed")
        before = o.ctl("logs", "canary", "-n", "1000").stdout.count("CANARY_OK")
        self.assertEqual(o.ctl("run", "canary").returncode, 0)
        o.wait_for(lambda: o.ctl("logs", "canary", "-n", "1000").stdout.count("CANARY_OK") > before,
                   timeout=20, what="canary ran")
        self.assertIsNone(o.proc.poll(), "opsd died")

    def read_pid(self, name):
        path = os.path.join(self.o.work, name)
        self.o.wait_for(lambda: os.path.exists(path) and open(path).read().strip(), what=name)
        with open(path) as f:
            return int(f.read())

    def probe_error(self, job_id):
        o = self.o
        o.wait_for(lambda: o.job(job_id)["probe"]["ok"] is False, timeout=20,
                   what=job_id + " probe failure")
        return o.job(job_id)["probe"]["error"]

    # --- long jobs -----------------------------------------------------------------------
    def test_child_ignoring_sigterm_is_killed_after_the_stop_timeout(self):
        o = self.o
        self.assertEqual(o.ctl("start", "deaf").returncode, 0)
        pid = self.read_pid("deaf.pid")
        o.wait_for(lambda: o.job("deaf")["running"], what="deaf running")
        self.assertEqual(o.ctl("stop", "deaf").returncode, 0)
        o.wait_for(lambda: not pid_alive(pid), timeout=15, what="deaf killed")
        o.wait_for(lambda: o.job("deaf")["state"] == "stopped", what="deaf stopped")
        self.assert_others_served()

    def test_stop_command_that_hangs_is_cut_off_and_the_job_killed(self):
        o = self.o
        self.assertEqual(o.ctl("start", "slowstop").returncode, 0)
        pid = self.read_pid("slowstop.pid")
        o.wait_for(lambda: o.job("slowstop")["running"], what="slowstop running")
        self.assertEqual(o.ctl("stop", "slowstop").returncode, 0)
        o.wait_for(lambda: not pid_alive(pid), timeout=20, what="slowstop killed")
        o.wait_for(lambda: o.job("slowstop")["state"] == "stopped", what="slowstop stopped")
        self.assert_others_served()

    def test_long_job_leaving_a_grandchild_is_stopped_with_it(self):
        o = self.o
        self.assertEqual(o.ctl("start", "orphaner").returncode, 0)
        gc = self.read_pid("orphaner-gc.pid")
        # The leader exited 3 but its grandchild (the status pid) runs on: the job is running.
        o.wait_for(lambda: o.job("orphaner")["running"], what="orphaner adopted by status")
        self.assertEqual(o.ctl("stop", "orphaner").returncode, 0)
        o.wait_for(lambda: not pid_alive(gc), timeout=15, what="grandchild killed")
        o.wait_for(lambda: o.job("orphaner")["state"] == "stopped", what="orphaner stopped")
        self.assert_others_served()

    def test_100_mb_of_output_keeps_the_log_capped_at_three_files_of_10_mib(self):
        o = self.o
        self.assertEqual(o.ctl("start", "spew").returncode, 0)
        logs = os.path.join(o.state_dir, "net", "logs")

        def rotated_files():
            return sorted(f for f in os.listdir(logs) if f.startswith("spew.log"))

        o.wait_for(lambda: os.path.exists(os.path.join(o.work, "spew.done")), timeout=120,
                   what="100 MB written")
        o.wait_for(lambda: len(rotated_files()) == 3, timeout=30, what="log rotated")
        time.sleep(1)  # let opsd drain the pipe
        files = rotated_files()
        self.assertLessEqual(len(files), 3, files)
        for f in files:
            self.assertLessEqual(os.path.getsize(os.path.join(logs, f)), 10 << 20, f)
        self.assertEqual(o.ctl("stop", "spew").returncode, 0)
        o.wait_for(lambda: o.job("spew")["state"] == "stopped", timeout=20, what="spew stopped")
        self.assert_others_served()

    def test_crash_loop_is_capped_and_given_up_with_an_alert(self):
        o = self.o
        starts_file = os.path.join(o.work, "crashloop.starts")

        def starts():
            try:
                with open(starts_file) as f:
                    return len(f.read().split())
            except OSError:
                return 0
        # Enabled with autoResume, opsd resumes it by itself from the first poll on; a person's
        # start after given_up begins a new round. Either way a round is 1 + maxAutoResumes.
        if o.job("crashloop")["state"] == "given_up":
            before = starts()
            self.assertEqual(o.ctl("start", "crashloop").returncode, 0)
            o.wait_for(lambda: starts() > before, what="crashloop started again")
        else:
            before = 0
        o.wait_for(lambda: o.job("crashloop")["state"] == "given_up", timeout=60,
                   what="crashloop given up")
        n = starts() - before
        self.assertGreaterEqual(n, 1)
        self.assertLessEqual(n, 1 + 3, "more starts than maxAutoResumes allows")
        o.wait_for(lambda: any("crashloop" in t and "ACTION REQUIRED" in t for t in self.api.texts()),
                   what="given-up alert delivered")
        time.sleep(2)  # several polls later: still given up, no more starts
        self.assertEqual(starts() - before, n)
        self.assertEqual(o.job("crashloop")["state"], "given_up")
        self.assert_others_served()

    # --- probes --------------------------------------------------------------------------
    def test_probe_that_hangs_times_out_as_a_probe_failure(self):
        self.assertIn("time", self.probe_error("hangs").lower())
        self.assert_others_served()

    def test_probe_printing_10_mb_is_a_probe_failure(self):
        err = self.probe_error("bigprobe")
        self.assertRegex(err.lower(), "mib|large|too much|exceed|cap|over")
        self.assert_others_served()

    def test_probe_with_invalid_utf8_never_breaks_status_json(self):
        o = self.o
        o.wait_for(lambda: o.job("badutf8")["probe"]["at"] is not None, what="badutf8 probed")
        r = o.ctl("status", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        json.loads(r.stdout)  # valid JSON (text mode would already have failed on bad UTF-8)
        r = o.ctl("status")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(o.state_file, "rb") as f:
            json.loads(f.read().decode("utf-8"))
        self.assert_others_served()

    def test_probe_with_wrong_types_is_a_probe_failure(self):
        self.assertTrue(self.probe_error("wrongtypes"))
        self.assert_others_served()

    def test_probe_with_200000_nested_brackets_is_a_probe_failure(self):
        self.assertTrue(self.probe_error("deep"))
        self.assert_others_served()

    # --- one-shots -----------------------------------------------------------------------
    def test_one_shot_leaving_a_grandchild_does_not_block_the_queue(self):
        o = self.o
        self.assertEqual(o.ctl("enqueue", "forker").returncode, 0)
        self.assertEqual(o.ctl("enqueue", "canary").returncode, 0)

        def canary_done():
            q = o.status()["queue"]
            return any(i["jobId"] == "canary" and i["status"] == "done" for i in q)
        o.wait_for(canary_done, timeout=30, what="canary after forker in the queue")
        self.assert_others_served()

    def test_one_shot_printing_10_mb_and_invalid_utf8_alert_is_delivered_as_valid_text(self):
        o = self.o
        self.assertEqual(o.ctl("run", "loud").returncode, 0)
        # Not killed at 1 MiB (the probe cap): it runs to the end, and its last line makes it
        # an alert. The report shows the end of the output, that ALERT line, with the invalid
        # bytes replaced (Telegram refuses text that is not UTF-8).
        o.wait_for(lambda: any("loud" in m["text"] and "done (exit=0)" in m["text"] and
                               "ALERT disk \ufffd\ufffd full" in m["text"] and
                               not m["silent"] for m in self.api.messages()),
                   timeout=30, what="loud alert delivered")
        self.assertEqual(self.api.rejected, [], "Bot API refused a message")
        for t in self.api.texts():
            self.assertLessEqual(len(t), 4096)
        self.assert_others_served()

    def test_no_output_ever_contains_the_bot_token(self):
        o = self.o
        self.assert_others_served()
        outputs = [o.stderr(), o.stdout(), o.ctl("status", "--json").stdout, o.ctl("status").stdout]
        for out in outputs:
            self.assertNotIn(BOT_TOKEN, out)
            self.assertNotIn(BOT_TOKEN.split(":")[1], out)


if __name__ == "__main__":
    unittest.main()
