"""Jobs outlive opsd: after a kill -9 of opsd every job runs on, its output still reaches its
log, and the next opsd adopts it; a recorded pid that now names another process is left alone
(docs/processes.md)."""
import json
import os
import re
import signal
import subprocess
import time
import unittest

from opsd_harness import Opsd, pid_alive, write_script

# Numbered lines every 50 ms; `status` reports the pid from the pid file.
TICKER = """#!/bin/sh
here=$(dirname "$0")
if [ "$1" = start ]; then
  echo $$ > "$here/$2.pid"
  i=0
  while true; do echo "line $i"; i=$((i+1)); sleep 0.05; done
fi
pid=$(cat "$here/$2.pid" 2>/dev/null)
# A zombie is no longer running (kill -0 would still succeed on it).
if [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] && [ "$(cut -d' ' -f3 "/proc/$pid/stat")" != Z ]; then
  echo '{"running": true, "completed": false, "pid": '"$pid"', "progress": {"n": 1}}'
else
  echo '{"running": false, "completed": false}'
fi
"""

JOBS = ["t%d" % i for i in range(5)]


def ticker_job(o, job_id):
    script = os.path.join(o.work, "ticker.sh")
    if not os.path.exists(script):
        write_script(script, TICKER)
    return {"id": job_id, "kind": "long_running_read", "risk": "read_only", "enabled": False,
            "cwd": o.work, "commands": {"start": [script, "start", job_id],
                                        "status": [script, "status", job_id]},
            "policy": {"pollSeconds": 1}}


def log_numbers(o, job_id):
    path = os.path.join(o.state_dir, "net", "logs", job_id + ".log")
    with open(path) as f:
        return [int(m.group(1)) for m in re.finditer(r"^line (\d+)$", f.read(), re.M)]


def start_tickers(test, o):
    for j in JOBS:
        r = o.ctl("start", j)
        test.assertEqual(r.returncode, 0, r.stderr)
    o.wait_for(lambda: all(len(log_numbers(o, j)) >= 5 for j in JOBS
                           if os.path.exists(os.path.join(o.state_dir, "net", "logs", j + ".log"))
                           ) and all(o.job(j)["state"] == "running" for j in JOBS),
               what="tickers logging")
    return {j: o.job(j)["pid"] for j in JOBS}


def assert_no_gap(test, o, job_id):
    nums = log_numbers(o, job_id)
    test.assertEqual(nums, list(range(len(nums))), "lines missing in %s.log" % job_id)


class JobsOutliveOpsd(unittest.TestCase):
    def test_jobs_survive_kill_9_and_are_adopted(self):
        o = Opsd([])
        try:
            o.write_config([ticker_job(o, j) for j in JOBS])
            o.start()
            pids = start_tickers(self, o)
            o.stop(signal.SIGKILL)
            killed_at = {j: len(log_numbers(o, j)) for j in JOBS}
            # While no opsd runs, every job goes on logging.
            o.wait_for(lambda: all(len(log_numbers(o, j)) > killed_at[j] + 3 for j in JOBS),
                       what="logs growing without opsd")
            for j in JOBS:
                self.assertTrue(pid_alive(pids[j]), j)
            o.start()
            o.wait_for(lambda: all(o.job(j)["adopted"] for j in JOBS), what="adopted")
            st = o.status()
            for j in st["jobs"]:
                self.assertEqual(j["pid"], pids[j["id"]])
                self.assertEqual(j["ownedPid"], pids[j["id"]])
                self.assertEqual(j["state"], "running")
            table = o.ctl("status").stdout
            self.assertIn("(adopted)", table)
            grown = {j: len(log_numbers(o, j)) for j in JOBS}
            o.wait_for(lambda: all(len(log_numbers(o, j)) > grown[j] + 3 for j in JOBS),
                       what="logs growing after the restart")
            for j in JOBS:
                assert_no_gap(self, o, j)
            # Killing an adopted job is noticed (pidfd), and its exit code is unknown.
            os.kill(pids["t0"], signal.SIGKILL)
            o.wait_for(lambda: o.job("t0")["ownedPid"] is None and o.job("t0")["state"] != "running",
                       timeout=30, what="the adopted job's exit noticed")
            self.assertIn("adopted child exited (exit code unknown)", o.stderr())
            o.wait_for(lambda: any("退出码未知" in m["text"] and m["alert"] for m in o.messages()),
                       what="a crash alert saying the exit code is unknown: " + json.dumps(o.job("t0")))
            for j in JOBS[1:]:
                self.assertTrue(pid_alive(pids[j]), j)
            # `opsctl stop` of an adopted job stops its process group.
            r = o.ctl("stop", "t1")
            self.assertEqual(r.returncode, 0, r.stderr)
            o.wait_for(lambda: not pid_alive(pids["t1"]), timeout=30, what="t1 stopped")
            o.wait_for(lambda: o.job("t1")["state"] == "stopped", timeout=30, what="t1 state")
        finally:
            o.close()

    def test_a_recorded_pid_now_naming_another_process_is_not_adopted_or_signalled(self):
        o = Opsd([])
        stranger = subprocess.Popen(["sleep", "300"], start_new_session=True)
        try:
            o.write_config([ticker_job(o, "scan")])
            with open("/proc/%d/stat" % stranger.pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            pgid, start = int(fields[2]), int(fields[19])
            self.assertEqual(pgid, stranger.pid)
            os.makedirs(os.path.dirname(o.state_file), exist_ok=True)
            job = {"state": "running", "running": True, "pid": stranger.pid,
                   "ownedPid": stranger.pid,
                   # Same pid and group, another start time: what a recycled pid looks like.
                   "owned": {"pgid": pgid, "startTicks": start + 1}}
            with open(o.state_file, "w") as f:
                json.dump({"version": 1, "jobs": {"scan": job}}, f)
            o.start()
            o.wait_for(lambda: o.job("scan")["probe"]["at"] is not None, what="first probe")
            j = o.job("scan")
            self.assertFalse(j["adopted"])
            self.assertIsNone(j["ownedPid"])
            self.assertIn("is not the job's process any more: not adopted", o.stderr())
            o.ctl("stop", "scan")
            self.assertEqual(o.stop(), 0)  # a clean stop stops what opsd owns: not the stranger
            self.assertIsNone(stranger.poll())
            self.assertTrue(pid_alive(stranger.pid))
        finally:
            stranger.kill()
            stranger.wait()
            o.close()


if __name__ == "__main__":
    unittest.main()
