"""Write jobs across a restart of opsd (docs/write-jobs.md): SIGTERM or SIGKILL while the write runs
or while its verifications pend. A write is never run twice; its chain is verified once.
"""
import json
import os
import signal
import unittest

from write_support import WriteJobCase, read_job, write_job


class RestartDuringVerification(WriteJobCase):
    """opsd stops (SIGTERM) or dies (SIGKILL) while the write's verifications are pending."""

    def make_jobs(self):
        slow_verify = ["sh", "-c", "echo ran >> w.verify-cmd.marker; sleep 3; echo VERIFY_CMD_OK"]
        w = write_job(after=[{"jobId": "v", "when": "success", "delaySeconds": 3}])
        w["commands"]["verify"] = slow_verify
        return [w, read_job()]

    def saved_chains(self):
        with open(self.o.state_file) as f:
            return json.load(f).get("writeChains")

    def restart_while_verification_pends(self, sig):
        self.assertEqual(self.o.ctl("approve", "w").returncode, 0)
        self.assertEqual(self.o.ctl("run", "w").returncode, 0)
        self.wait_event("write_exit", exitCode=0)
        # The ended write is on disk (persistence is coalesced: wait before a SIGKILL).
        self.o.wait_for(lambda: (self.saved_chains() or [{}])[0].get("writeExit") == 0,
                        what="chain with the write's exit in the state file")
        self.o.stop(sig)
        self.assertEqual(self.events("chain"), [])
        [chain] = self.saved_chains()
        self.assertEqual(chain["jobId"], "w")
        self.assertEqual(chain["uid"], os.getuid())
        pending = {v["name"]: v for v in chain["verifications"] if v["exitCode"] is None}
        self.assertIn("commands.verify", pending)

        self.o.start()
        chain = self.wait_event("chain")
        self.assertEqual(chain[0]["note"], "verified")
        self.assertEqual(chain[0]["uid"], os.getuid())
        verified = self.o.wait_for(
            lambda: [m for m in self.o.messages() if "✅ verified" in m["text"]],
            what="verified report")
        self.assertEqual(len(verified), 1, verified)
        self.assertIn("✅ verified (v, commands.verify)", verified[0]["text"])
        self.assertFalse(verified[0]["alert"])
        self.assertFalse([m for m in self.o.messages() if "outcome unknown" in m["text"]])
        self.assertEqual(self.lines("w"), ["ran"])  # the write ran once, before the restart
        self.assertEqual(self.lines("v"), ["ran"])
        verifies = [e for e in self.events("verify") if e["note"] == "verified"]
        self.assertEqual(sorted(e["verification"] for e in verifies), ["commands.verify", "v"])
        self.assertEqual(len(self.events("write_run")), 1)
        self.o.wait_for(lambda: self.saved_chains() == [], what="settled chain leaves the state")

    def test_sigterm_while_verification_pends_then_chain_is_verified_once(self):
        self.restart_while_verification_pends(signal.SIGTERM)

    def test_sigkill_while_verification_pends_then_chain_is_verified_once(self):
        self.restart_while_verification_pends(signal.SIGKILL)


class RestartWhileWriteRuns(WriteJobCase):
    def make_jobs(self):
        # The write records its pid (the harness kills it at the end) and keeps running.
        slow = ["sh", "-c", "echo $$ > w.pid; echo ran >> w.marker; exec sleep 30"]
        return [write_job(run=slow), read_job()]

    def test_write_killed_with_opsd_is_alerted_unknown_verified_and_never_rerun(self):
        self.assertEqual(self.o.ctl("approve", "w").returncode, 0)
        self.assertEqual(self.o.ctl("run", "w").returncode, 0)
        self.o.wait_for(lambda: self.lines("w") == ["ran"], what="the write started")
        self.o.stop(signal.SIGKILL)
        self.o.start()
        alert = self.o.wait_for(lambda: [m for m in self.o.messages()
                                         if m["alert"] and "write outcome unknown" in m["text"]],
                                what="unknown-outcome alert")
        self.assertIn("ACTION REQUIRED", alert[0]["text"])
        self.assertIn("opsd restarted while the write ran", alert[0]["text"])
        chain = self.wait_event("chain")
        self.assertEqual(chain[0]["note"], "write_outcome_unknown")
        self.assertEqual(chain[0]["exitCode"], -1)
        exits = self.events("write_exit")
        self.assertEqual([e["exitCode"] for e in exits], [-1])
        self.assertIn("outcome is unknown", exits[0]["note"])
        # Its verifications ran after the restart; the write itself did not run again.
        self.assertEqual(self.lines("v"), ["ran"])
        self.assertEqual(self.lines("w.verify-cmd"), ["ran"])
        self.assertEqual(self.lines("w"), ["ran"])
        self.assertEqual(len(self.events("write_run")), 1)
        r = self.o.ctl("run", "w")
        self.assert_refused(r, "already used")

    def test_reexec_is_refused_at_once_while_a_write_runs(self):
        self.assertEqual(self.o.ctl("approve", "w").returncode, 0)
        self.assertEqual(self.o.ctl("run", "w").returncode, 0)
        self.o.wait_for(lambda: self.lines("w") == ["ran"], what="the write started")
        r = self.o.ctl("reexec")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        # At once: not "still running after 8 s", the answer after waiting for a one-shot.
        self.assertIn("write job w is running (a write job is never re-run)", r.stderr)
        self.assertNotIn(" replaced opsd ", self.o.stderr())
        self.assertEqual(self.lines("w"), ["ran"])
        self.assertEqual(len(self.events("write_run")), 1)


if __name__ == "__main__":
    unittest.main()
