"""The wall clock stepped 2 h back or forward while opsd runs (issue 21, item 5).

opsd runs under libfaketime (Debian's `faketime` package) with its offset read afresh from a
file (FAKETIME_TIMESTAMP_FILE, FAKETIME_NO_CACHE=1) and the monotonic clock left real
(FAKETIME_DONT_FAKE_MONOTONIC=1): writing "-7200" to the file steps opsd's wall clock back
2 h at once. Ages and deadlines must keep their length: after a backward step an alert is
delivered promptly and a stall is still detected; after a forward step there is no false
stall, a 1 h approval is still valid and the auto-resume backoff is not skipped.

Job commands run with LD_PRELOAD removed (`env -u LD_PRELOAD`), so only opsd's clock moves;
opsctl and the test run on the real clock.
"""
import glob
import json
import os
import unittest

from reliability_support import FakeBotApi, Opsd, env_without_openclaw, write_openclaw_json

# Debian installs it under the multiarch directory (/usr/lib/<triplet>/faketime/).
LIBFAKETIME = next(iter(sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1"))), "")
UNFAKED = ["env", "-u", "LD_PRELOAD", "-u", "FAKETIME_TIMESTAMP_FILE"]
HOURS_2 = 7200


class FakedOpsd(Opsd):
    """opsd under libfaketime; opsctl (ctl) on the real clock."""

    def __init__(self, jobs, env=None):
        super().__init__(jobs, env=env)
        self.rc_file = os.path.join(self.dir, "faketime.rc")
        self.set_offset(0)
        self.ctl_env = dict(self.env)
        self.env.update({"LD_PRELOAD": LIBFAKETIME, "FAKETIME_TIMESTAMP_FILE": self.rc_file,
                         "FAKETIME_NO_CACHE": "1", "FAKETIME_DONT_FAKE_MONOTONIC": "1"})
        # An ASan build with the runtime as a shared library would refuse a preload before it.
        asan = self.env.get("ASAN_OPTIONS", "")
        self.env["ASAN_OPTIONS"] = (asan + ":" if asan else "") + "verify_asan_link_order=0"

    def set_offset(self, seconds):
        tmp = self.rc_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%+d\n" % seconds)
        os.replace(tmp, self.rc_file)

    def ctl(self, *args, timeout=60):
        saved, self.env = self.env, self.ctl_env
        try:
            return super().ctl(*args, timeout=timeout)
        finally:
            self.env = saved


def status_file_job(o, job_id, status, **policy):
    """A long job whose status is the JSON text in work/<id>.json; each probe adds a line to
    work/<id>.probes and each start one to work/<id>.starts."""
    path = os.path.join(o.work, job_id)
    write_status(o, job_id, status)
    pol = {"pollSeconds": 1}
    pol.update(policy)
    return {"id": job_id, "kind": "long_running_read", "risk": "read_only", "enabled": True,
            "cwd": o.work,
            "commands": {"start": UNFAKED + ["sh", "-c", "echo >> '%s.starts'" % path],
                         "status": UNFAKED + ["sh", "-c",
                                              "echo >> '%s.probes'; cat '%s.json'" % (path, path)]},
            "policy": pol}


def write_status(o, job_id, status):
    path = os.path.join(o.work, job_id + ".json")
    with open(path + ".tmp", "w") as f:
        json.dump(status, f)
    os.replace(path + ".tmp", path)


def lines(o, name):
    try:
        with open(os.path.join(o.work, name)) as f:
            return len(f.readlines())
    except FileNotFoundError:
        return 0


def running(n):
    return {"running": True, "completed": False, "progress": {"n": n}, "level": "ok",
            "message": "at %d" % n}


def wait_probes(o, job_id, more):
    """Waits until `job_id` has been probed `more` more times than now."""
    target = lines(o, job_id + ".probes") + more
    o.wait_for(lambda: lines(o, job_id + ".probes") >= target, timeout=30,
               what="%d more probes of %s" % (more, job_id))


@unittest.skipUnless(LIBFAKETIME, "needs libfaketime (Debian package faketime)")
class BackwardStep(unittest.TestCase):
    def setUp(self):
        self.api = FakeBotApi()
        self.addCleanup(self.api.close)
        self.o = FakedOpsd([], env=env_without_openclaw())
        self.addCleanup(self.o.close)
        write_openclaw_json(self.o, self.api)

    def test_an_alert_after_a_step_back_is_delivered_promptly_and_a_stall_is_still_seen(self):
        o = self.o
        o.write_config([
            status_file_job(o, "stuck", running(1), stallSeconds=15),
            {"id": "check", "kind": "one_shot_read", "risk": "read_only", "enabled": True,
             "cwd": o.work, "commands": {"run": UNFAKED + ["sh", "-c", "echo 'ALERT marker-m1'"]}}])
        o.start(print_only=False)
        o.wait_for(lambda: o.job("stuck")["state"] == "running", what="stuck running")
        # A message went out just now: the chat's pacing remembers it (1 s per chat).
        o.wait_for(lambda: len(self.api.texts()) >= 1, what="the first report delivered")
        # Progress moves one last time; the stall clock starts when the probe sees it.
        write_status(o, "stuck", running(2))
        o.wait_for(lambda: o.job("stuck")["progress"] == {"n": 2}, what="progress 2 seen")
        o.set_offset(-HOURS_2)
        wait_probes(o, "stuck", 2)
        self.assertEqual(o.job("stuck")["state"], "running")
        r = o.ctl("run", "check")
        self.assertEqual(r.returncode, 0, r.stderr)
        o.wait_for(lambda: any("marker-m1" in t for t in self.api.texts()), timeout=20,
                   what="the ALERT of the check delivered")
        # Progress has not moved for stallSeconds (15 s) of real time: stalled, and told.
        o.wait_for(lambda: o.job("stuck")["state"] == "stalled", timeout=40, what="stalled")
        o.wait_for(lambda: any("stuck" in t and "stalled" in t for t in self.api.texts()),
                   timeout=20, what="the stall alert delivered")
        self.assertIn("wall clock stepped by -2h0m", o.stderr())


@unittest.skipUnless(LIBFAKETIME, "needs libfaketime (Debian package faketime)")
class StepWhileDown(unittest.TestCase):
    def setUp(self):
        self.o = FakedOpsd([])
        self.addCleanup(self.o.close)

    def test_a_clock_set_back_while_opsd_was_down_still_lets_a_stall_be_seen(self):
        o = self.o
        o.write_config([status_file_job(o, "stuck", running(1), stallSeconds=15)])
        o.start()
        o.wait_for(lambda: o.job("stuck")["state"] == "running", what="stuck running")
        self.assertEqual(o.stop(), 0)
        o.set_offset(-HOURS_2)  # the saved state is now 2 h in the future
        o.start()
        o.wait_for(lambda: o.job("stuck")["state"] == "stalled", timeout=40, what="stalled")
        self.assertIn("while opsd was down", o.stderr())


@unittest.skipUnless(LIBFAKETIME, "needs libfaketime (Debian package faketime)")
class ForwardStep(unittest.TestCase):
    def setUp(self):
        self.o = FakedOpsd([])
        self.addCleanup(self.o.close)

    def test_no_false_stall_and_a_1h_approval_is_still_valid_after_a_step_forward(self):
        o = self.o
        o.write_config([
            status_file_job(o, "slow", running(1), stallSeconds=600),
            {"id": "verify", "kind": "one_shot_read", "risk": "read_only", "enabled": True,
             "cwd": o.work, "commands": {"run": ["true"]}},
            {"id": "fix", "kind": "one_shot_write", "risk": "write_local", "enabled": True,
             "cwd": o.work, "commands": {"run": ["true"]},
             "after": [{"jobId": "verify", "when": "success"}]}])
        o.start()
        o.wait_for(lambda: o.job("slow")["state"] == "running", what="slow running")
        r = o.ctl("approve", "fix", "--ttl", "1h")
        self.assertEqual(r.returncode, 0, r.stderr)
        o.set_offset(HOURS_2)
        wait_probes(o, "slow", 3)
        self.assertEqual(o.job("slow")["state"], "running")
        self.assertFalse([m for m in o.messages() if "stalled" in m["text"]], o.messages())
        r = o.ctl("run", "fix")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("wall clock stepped by +2h0m", o.stderr())

    def test_the_auto_resume_backoff_is_not_skipped_by_a_step_forward(self):
        o = self.o
        crashed = {"running": False, "completed": False, "stopReason": "crashed"}
        o.write_config([status_file_job(o, "flaky", crashed, autoResume=True,
                                        autoResumeBackoffSeconds=3600)])
        o.start()
        # Resumed once at once; the start did not take: it waits for the backoff (1 h).
        o.wait_for(lambda: o.job("flaky")["state"] == "backoff", what="flaky in backoff")
        self.assertEqual(lines(o, "flaky.starts"), 1)
        o.set_offset(HOURS_2)
        wait_probes(o, "flaky", 3)
        self.assertEqual(o.job("flaky")["state"], "backoff")
        self.assertEqual(lines(o, "flaky.starts"), 1)


if __name__ == "__main__":
    unittest.main()
