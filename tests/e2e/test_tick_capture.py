"""`opsctl tick --print-only` / `--dry-run` capture only the tick's own report: an alert
raised while the tick waits for its probes is delivered as usual."""
import os
import subprocess
import textwrap
import unittest

from opsd_harness import OPSCTL, Opsd, write_script

# A status command: the first probe answers at once; later ones only once the test creates the
# gate file (at most 60 s).
GATED_STATUS = textwrap.dedent('''\
    #!/usr/bin/env python3
    import json, os, sys, time
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "probes"), "a+") as f:
        f.write("x")
        f.seek(0)
        n = len(f.read())
    if n == 1:
        print(json.dumps({"running": True, "completed": False, "progress": {"done": 1},
                          "message": "first probe"}))
        sys.exit(0)
    deadline = time.time() + 60
    while not os.path.exists(os.path.join(here, "gate")) and time.time() < deadline:
        time.sleep(0.05)
    print(json.dumps({"running": False, "completed": True, "progress": {"done": 2},
                      "message": "slow probe answered"}))
''')


def probes(o):
    """How many times the status command ran."""
    try:
        with open(os.path.join(o.work, "probes")) as f:
            return len(f.read())
    except FileNotFoundError:
        return 0


class TickCapturesOnlyItsOwnSections(unittest.TestCase):
    def start_opsd(self):
        o = Opsd([])
        self.addCleanup(o.close)
        status = write_script(os.path.join(o.work, "status.py"), GATED_STATUS)
        o.write_config([
            {"id": "slow", "kind": "long_running_read", "risk": "read_only", "enabled": True,
             "cwd": o.work, "commands": {"start": ["true"], "status": [status]},
             "policy": {"pollSeconds": 3600, "statusTimeoutSeconds": 90}},
            {"id": "check", "kind": "one_shot_read", "risk": "read_only", "enabled": True,
             "cwd": o.work, "commands": {"run": ["sh", "-c", "echo 'ALERT: disk almost full'"]}},
        ])
        o.start()
        o.wait_for(lambda: o.job("slow")["probe"]["at"], what="the first probe")
        return o

    def check_mode(self, flag):
        o = self.start_opsd()
        tick = subprocess.Popen([OPSCTL, "--state-dir", o.state_dir, "tick", flag],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(tick.kill)
        # The tick's probe has started and waits for the gate.
        o.wait_for(lambda: probes(o) >= 2, timeout=30, what="the tick's probe")
        r = o.ctl("run", "check")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # The check's alert goes out while the tick still waits.
        o.wait_for(lambda: any("disk almost full" in m["text"] and m["alert"]
                               for m in o.messages()),
                   timeout=30, what="the check's alert delivered during the tick")
        self.assertIsNone(tick.poll())
        with open(os.path.join(o.work, "gate"), "w"):
            pass
        out, err = tick.communicate(timeout=60)
        self.assertEqual(tick.returncode, 0, out + err)
        self.assertNotIn("disk almost full", out)  # the check's alert is not the tick's
        return o, out

    def test_print_only_tick_lets_an_alert_raised_meanwhile_through(self):
        o, out = self.check_mode("--print-only")
        # The probe the tick waited for is the tick's: printed by it, not sent.
        self.assertIn("slow probe answered", out)
        self.assertFalse(any("slow probe answered" in m["text"] for m in o.messages()))

    def test_dry_run_tick_lets_an_alert_raised_meanwhile_through(self):
        self.check_mode("--dry-run")


if __name__ == "__main__":
    unittest.main()
