"""Shared by the write-job e2e tests (test_write_jobs.py, test_write_restart.py): job builders and
WriteJobCase, one daemon per test with observation helpers (marker files, the audit log).

Every write command appends a line to a marker file in the test's work dir, so "nothing ran"
and "ran exactly once" are facts on disk, not log lines.
"""
import json
import os
import unittest

from opsd_harness import Opsd

ISO = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$"


def append_cmd(marker, echo):
    """argv that appends a line to `marker` (relative to the job's cwd) and prints `echo`."""
    return ["sh", "-c", "echo ran >> %s; echo %s" % (marker, echo)]


def write_job(job_id="w", risk="write_local", verify_job="v", approval=None, run=None,
              verify=True, after=None):
    job = {"id": job_id, "kind": "one_shot_write", "risk": risk, "enabled": True,
           "commands": {"run": run or append_cmd(job_id + ".marker", "WRITE_DONE")},
           "after": after or [{"jobId": verify_job, "when": "success"}]}
    if verify:
        job["commands"]["verify"] = append_cmd(job_id + ".verify-cmd.marker", "VERIFY_CMD_OK")
    if approval is not None:
        job["approval"] = approval
    return job


def read_job(job_id="v", after=None, run=None):
    job = {"id": job_id, "kind": "one_shot_read", "risk": "read_only", "enabled": True,
           "commands": {"run": run or append_cmd(job_id + ".marker", "READ_OK")}}
    if after:
        job["after"] = after
    return job


class WriteJobCase(unittest.TestCase):
    """One daemon per test, jobs' cwd = the work dir."""

    jobs = None  # list of job dicts, or a function of the Opsd

    def setUp(self):
        self.o = Opsd([])
        self.o.write_config(self.with_cwd(self.make_jobs()))
        self.o.start()

    def tearDown(self):
        self.o.close()

    def make_jobs(self):
        return [write_job(), read_job()]

    def with_cwd(self, jobs):
        for j in jobs:
            j.setdefault("cwd", self.o.work)
        return jobs

    # --- observation helpers ---------------------------------------------------------
    def marker(self, name):
        return os.path.join(self.o.work, name + ".marker")

    def lines(self, name):
        try:
            with open(self.marker(name)) as f:
                return f.read().splitlines()
        except FileNotFoundError:
            return []

    def audit(self):
        path = os.path.join(self.o.state_dir, "net", "state", "audit.jsonl")
        try:
            with open(path) as f:
                return [json.loads(l) for l in f if l.strip()]
        except FileNotFoundError:
            return []

    def events(self, event, job="w"):
        return [e for e in self.audit() if e.get("event") == event and e.get("job") == job]

    def wait_event(self, event, job="w", count=1, **match):
        def found():
            hits = [e for e in self.events(event, job)
                    if all(e.get(k) == v for k, v in match.items())]
            return hits if len(hits) >= count else None
        return self.o.wait_for(found, what="audit %s %s %r" % (event, job, match))

    def approvals(self):
        return self.o.status()["approvals"]

    def assert_refused(self, r, why=None):
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("ACTION REQUIRED: approve with 'opsctl approve w'", r.stderr)
        if why:
            self.assertIn(why, r.stderr)

    def assert_common_fields(self, e):
        self.assertRegex(e["at"], ISO)
        self.assertEqual(e["uid"], os.getuid())
        self.assertEqual(e["job"], "w")
        self.assertRegex(e["fingerprint"], r"^[0-9a-f]{64}$")
