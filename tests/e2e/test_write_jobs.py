"""Write jobs end to end (docs/write-jobs.md): explicit approval, the verification chain, the audit log.
What a restart of opsd does to a write in flight is in test_write_restart.py.
"""
import json
import os
import subprocess
import tempfile
import time
import unittest

from opsd_harness import OPSCTL, SCAN_SCRIPT, write_script
from write_support import ISO, WriteJobCase, append_cmd, read_job, write_job


class RefusedWithoutApproval(WriteJobCase):
    def test_write_job_refused_without_approval_runs_nothing_and_is_audited(self):
        r = self.o.ctl("run", "w")
        self.assert_refused(r, "no approval")
        # A later request is served after anything the refusal could have started.
        self.o.status()
        self.assertEqual(self.lines("w"), [])
        self.assertEqual(self.lines("w.verify-cmd"), [])
        refusals = self.events("refuse")
        self.assertEqual(len(refusals), 1)
        self.assert_common_fields(refusals[0])
        self.assertIsNone(refusals[0]["exitCode"])
        self.assertEqual(refusals[0]["note"], "no approval")
        self.assertEqual(self.events("write_run"), [])
        # The refusal is also an ACTION REQUIRED notification.
        msg = self.o.wait_for(lambda: [m for m in self.o.messages()
                                       if m["alert"] and "opsctl approve w" in m["text"]],
                              what="refusal notification")
        self.assertIn("ACTION REQUIRED", msg[0]["text"])
        # opsctl audit shows the same log.
        r = self.o.ctl("audit", "-n", "5")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"refuse"', r.stdout)


class ApprovedRun(WriteJobCase):
    def test_approved_write_runs_once_is_verified_and_consumes_the_approval(self):
        r = self.o.ctl("approve", "w", "--ttl", "10m", "--note", "why")
        self.assertEqual(r.returncode, 0, r.stderr)
        live = self.approvals()
        self.assertEqual([a["jobId"] for a in live], ["w"])
        self.assertEqual(live[0]["note"], "why")

        r = self.o.ctl("run", "w")
        self.assertEqual(r.returncode, 0, r.stderr)
        chain = self.wait_event("chain")
        self.assertEqual(chain[0]["note"], "verified")
        self.assertEqual(self.lines("w"), ["ran"])
        self.assertEqual(self.lines("v"), ["ran"])  # the after-job verification
        self.assertEqual(self.lines("w.verify-cmd"), ["ran"])  # commands.verify
        self.assertEqual(self.approvals(), [])

        r = self.o.ctl("run", "w")
        self.assert_refused(r, "already used")
        self.o.status()
        self.assertEqual(self.lines("w"), ["ran"])

        approve = self.events("approve")
        self.assertEqual(len(approve), 1)
        self.assert_common_fields(approve[0])
        self.assertEqual(approve[0]["note"], "why")
        runs = self.events("write_run")
        self.assertEqual(len(runs), 1)
        self.assert_common_fields(runs[0])
        self.assertEqual(runs[0]["fingerprint"], approve[0]["fingerprint"])
        exits = self.events("write_exit")
        self.assertEqual(len(exits), 1)
        self.assert_common_fields(exits[0])
        self.assertEqual(exits[0]["exitCode"], 0)
        self.assertIsInstance(exits[0]["durationMs"], int)
        self.assertGreaterEqual(exits[0]["durationMs"], 0)
        self.assertIn("WRITE_DONE", exits[0]["outputTail"])
        verifies = {e["verification"]: e for e in self.events("verify")}
        self.assertEqual(set(verifies), {"v", "commands.verify"})
        for name, tail in (("v", "READ_OK"), ("commands.verify", "VERIFY_CMD_OK")):
            self.assert_common_fields(verifies[name])
            self.assertEqual(verifies[name]["exitCode"], 0)
            self.assertEqual(verifies[name]["note"], "verified")
            self.assertIn(tail, verifies[name]["outputTail"])
        self.assertEqual(len(self.events("refuse")), 1)

        msgs = self.o.wait_for(lambda: [m for m in self.o.messages()
                                        if "✅ verified (v, commands.verify)" in m["text"]],
                               what="verified report")
        self.assertFalse(msgs[0]["alert"])

    def test_approval_made_before_the_command_changed_is_void_after_reload(self):
        self.assertEqual(self.o.ctl("approve", "w", "--ttl", "10m").returncode, 0)
        jobs = self.with_cwd([write_job(run=append_cmd("w.marker", "CHANGED")), read_job()])
        self.o.write_config(jobs)
        r = self.o.ctl("reload")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.o.ctl("run", "w")
        self.assert_refused(r, "changed")
        self.o.status()
        self.assertEqual(self.lines("w"), [])
        refusal = self.events("refuse")[-1]
        self.assertIn("changed", refusal["note"])
        self.assertNotEqual(refusal["fingerprint"], self.events("approve")[0]["fingerprint"])

    def test_expired_approval_is_refused(self):
        self.assertEqual(self.o.ctl("approve", "w", "--ttl", "1s").returncode, 0)
        time.sleep(2)  # the approval's lifetime is what is under test
        r = self.o.ctl("run", "w")
        self.assert_refused(r, "expired")
        self.o.status()
        self.assertEqual(self.lines("w"), [])


class OnlyRunRunsWrites(WriteJobCase):
    def make_jobs(self):
        # r asks for w after it: the config loader drops that entry (after chains run only
        # read-only jobs); even so the daemon must never run w from r's chain.
        return [write_job(), read_job(),
                read_job("r", after=[{"jobId": "w", "when": "always"},
                                     {"jobId": "v", "when": "always"}])]

    def test_tick_queue_and_after_chains_never_run_a_write_job(self):
        # Even with a live approval waiting, nothing but `run` uses it.
        self.assertEqual(self.o.ctl("approve", "w", "--ttl", "10m").returncode, 0)
        r = self.o.ctl("enqueue", "w")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("not read-only", r.stderr)
        r = self.o.ctl("run", "r")
        self.assertEqual(r.returncode, 0, r.stderr)
        # r's chain enqueues v (read-only); once v has run, the chain is over.
        self.o.wait_for(lambda: self.lines("v") == ["ran"], what="r's after-chain ran v")
        self.o.wait_for(lambda: all(q["status"] != "pending" and q["status"] != "running"
                                    for q in self.o.status()["queue"]), what="queue drained")
        r = self.o.ctl("tick")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.lines("r"), ["ran"])
        self.assertEqual(self.lines("w"), [])
        self.assertEqual([q["jobId"] for q in self.o.status()["queue"]], ["v"])
        self.assertEqual(self.events("write_run"), [])
        self.assertEqual([a["jobId"] for a in self.approvals()], ["w"])


class ApprovalPolicies(WriteJobCase):
    def make_jobs(self):
        return [write_job("standing", risk="write_external", approval={"granted": True}),
                write_job("local", risk="write_local", approval={"required": False}),
                write_job("external", risk="write_external", approval={"required": False}),
                read_job()]

    def test_standing_approval_and_required_false_for_write_local_only(self):
        for job in ("standing", "local"):
            for attempt in (1, 2):  # not consumed: they run every time
                r = self.o.ctl("run", job)
                self.assertEqual(r.returncode, 0, job + ": " + r.stderr)
                self.wait_event("chain", job, count=attempt)
            self.assertEqual(self.lines(job), ["ran", "ran"])
        self.assertIn("standing", self.events("write_run", "standing")[0]["note"])
        self.assertIn("not required", self.events("write_run", "local")[0]["note"])

        r = self.o.ctl("run", "external")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("ACTION REQUIRED: approve with 'opsctl approve external'", r.stderr)
        self.o.status()
        self.assertEqual(self.lines("external"), [])
        self.assertEqual(len(self.events("refuse", "external")), 1)


class FailedWrite(WriteJobCase):
    def make_jobs(self):
        fail = ["sh", "-c", "echo ran >> w.marker; echo cannot write >&2; exit 3"]
        return [write_job(run=fail, after=[{"jobId": "v", "when": "success"},
                                           {"jobId": "check", "when": "always"}]),
                read_job(), read_job("check")]

    def test_failed_write_alerts_and_when_always_verification_still_runs(self):
        self.assertEqual(self.o.ctl("approve", "w").returncode, 0)
        self.assertEqual(self.o.ctl("run", "w").returncode, 0)
        chain = self.wait_event("chain")
        self.assertEqual(chain[0]["note"], "write_failed")
        self.assertEqual(chain[0]["exitCode"], 3)
        self.assertEqual(self.lines("check"), ["ran"])  # when: always
        self.assertEqual(self.lines("v"), [])            # when: success
        self.assertEqual(self.lines("w.verify-cmd"), ["ran"])
        exit_ = self.events("write_exit")[0]
        self.assertEqual(exit_["exitCode"], 3)
        self.assertIn("cannot write", exit_["outputTail"])
        alerts = self.o.wait_for(lambda: [m for m in self.o.messages()
                                          if m["alert"] and "❌ write failed (exit=3)" in m["text"]],
                                 what="write failed alert")
        self.assertIn("check", alerts[0]["text"])


class ValidateConfigWrites(unittest.TestCase):
    def validate(self, jobs):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "ops-jobs.json")
            with open(path, "w") as f:
                json.dump({"version": 1, "jobs": jobs}, f)
            return subprocess.run([OPSCTL, "validate-config", "--config-file", path],
                                  capture_output=True, text=True, timeout=60)

    def test_write_job_without_read_only_verification_is_rejected_with_its_path(self):
        risky_check = read_job("x")
        risky_check["risk"] = "write_local"
        for jobs in ([read_job("x"), write_job(verify_job="x", verify=False)],):
            r = self.validate(jobs)
            self.assertEqual(r.returncode, 0, r.stderr)
        for jobs in ([write_job(verify_job="x"), risky_check],
                     [read_job("x"), write_job(after=[{"jobId": "x", "when": "failure"}])]):
            r = self.validate(jobs)
            self.assertEqual(r.returncode, 2, r.stdout)
            path = "jobs[%d].after" % next(i for i, j in enumerate(jobs) if j["id"] == "w")
            self.assertIn(path, r.stderr)
            self.assertIn("verification", r.stderr)


class RiskyLongRunningStart(WriteJobCase):
    def make_jobs(self):
        script = write_script(os.path.join(self.o.work, "scan.py"), SCAN_SCRIPT)
        return [{"id": "sync", "kind": "long_running_read", "risk": "write_local",
                 "enabled": False, "commands": {"start": [script, "start", "sync"],
                                                "status": [script, "status", "sync"]},
                 "policy": {"pollSeconds": 1}}]

    def test_start_of_a_risky_long_job_needs_allow_risk_and_is_audited(self):
        r = self.o.ctl("start", "sync")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("--allow-risk", r.stderr)
        refused = self.events("start_refused", "sync")
        self.assertEqual(len(refused), 1)
        self.assertEqual(refused[0]["uid"], os.getuid())
        self.assertEqual(refused[0]["risk"], "write_local")
        self.assertFalse(os.path.exists(os.path.join(self.o.work, "sync.pid")))

        r = self.o.ctl("start", "sync", "--allow-risk")
        self.assertEqual(r.returncode, 0, r.stderr)
        started = self.events("start_with_risk", "sync")
        self.assertEqual(len(started), 1)
        self.assertEqual(started[0]["uid"], os.getuid())
        self.assertRegex(started[0]["at"], ISO)
        self.assertRegex(started[0]["fingerprint"], r"^[0-9a-f]{64}$")
        self.o.wait_for(lambda: self.o.job("sync")["running"], what="sync running")
        self.assertEqual(self.o.ctl("stop", "sync").returncode, 0)


if __name__ == "__main__":
    unittest.main()
