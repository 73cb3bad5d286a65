"""State writes are coalesced, yet what a client was told is on disk (docs/persistence.md).

opsd writes a burst of probe results once, shortly after it started; a change acknowledged to
opsctl is written before the reply; a clean shutdown writes whatever is still pending.
"""
import json
import os
import signal
import unittest

from opsd_harness import Opsd

JOBS = 20
RUNNING = '{"running": true, "completed": false, "progress": {"n": 1}}'


class CoalescedWrites(unittest.TestCase):
    def setUp(self):
        self.o = Opsd([])
        status = os.path.join(self.o.work, "status.json")
        with open(status, "w") as f:
            f.write(RUNNING)
        self.o.write_config([{
            "id": "job-%d" % i, "kind": "long_running_read", "risk": "read_only",
            "enabled": True, "cwd": self.o.work,
            "commands": {"start": ["true"], "stop": ["true"], "status": ["cat", status]},
            "policy": {"pollSeconds": 3600}} for i in range(JOBS)])

    def tearDown(self):
        self.o.close()

    def saved(self):
        with open(self.o.state_file) as f:
            return json.load(f)

    def saved_states(self):
        return {job_id: j["state"] for job_id, j in self.saved()["jobs"].items()}

    def all_running_in_memory(self):
        return all(j["state"] == "running" for j in self.o.status()["jobs"])

    def test_probe_results_reach_the_disk_without_any_request(self):
        self.o.start()
        self.o.wait_for(lambda: list(self.saved_states().values()) == ["running"] * JOBS,
                        what="every job saved as running")

    def test_an_acknowledged_stop_is_on_disk_when_opsctl_returns(self):
        self.o.start()
        self.o.wait_for(self.all_running_in_memory, what="jobs adopted")
        r = self.o.ctl("stop", "job-3")
        self.assertEqual(r.returncode, 0, r.stderr)
        # Read at once: the reply was sent after the write.
        self.assertTrue(self.saved()["jobs"]["job-3"]["userStopped"])

    def test_an_acknowledged_stop_survives_sigkill_right_after_the_reply(self):
        self.o.start()
        self.o.wait_for(self.all_running_in_memory, what="jobs adopted")
        self.assertEqual(self.o.ctl("stop", "job-5").returncode, 0)
        self.o.stop(signal.SIGKILL)
        self.o.start()
        self.assertTrue(self.o.job("job-5")["userStopped"])

    def test_sigterm_writes_the_changes_still_waiting_for_their_write(self):
        self.o.start()
        self.o.wait_for(self.all_running_in_memory, what="jobs adopted")
        self.assertEqual(self.o.stop(signal.SIGTERM), 0)
        self.assertEqual(list(self.saved_states().values()), ["running"] * JOBS)


if __name__ == "__main__":
    unittest.main()
