"""Hostile inputs that must not be accepted as they are (issue 21, items 7, 8, 13).

- Job ids reach file paths only through a safe mapping: `../../../../escape` is logged inside
  STATE/net/logs, ids with control characters or over 64 bytes are errors naming the rule.
- Children never get TELEGRAM_BOT_TOKEN, and a token a job prints anyway is redacted from its
  log, its report, the audit log and status.
- A probe's background children die with the probe.
"""
import json
import os
import subprocess
import unittest

from reliability_support import BOT_TOKEN, OPSCTL, Opsd, pid_alive, write_script


def one_shot(o, job_id, run, **extra):
    job = {"id": job_id, "kind": "one_shot_read", "risk": "read_only", "enabled": True,
           "cwd": o.work, "commands": {"run": run}}
    job.update(extra)
    return job


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def validate(o):
    return subprocess.run([OPSCTL, "--state-dir", o.state_dir, "validate-config"],
                          capture_output=True, text=True, timeout=60)


class HostileJobIds(unittest.TestCase):
    def setUp(self):
        self.o = Opsd([])
        self.addCleanup(self.o.close)

    def test_an_id_with_dot_dot_slashes_is_logged_inside_the_logs_directory(self):
        o = self.o
        escape = "../../../../escape"
        o.write_config([one_shot(o, escape, ["sh", "-c", "echo escaped-output"])])
        r = validate(o)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("its log file is named", r.stdout + r.stderr)
        o.start()
        r = o.ctl("run", escape)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        logs = os.path.join(o.state_dir, "net", "logs")
        o.wait_for(lambda: any("escaped-output" in read(os.path.join(logs, n))
                               for n in os.listdir(logs)), what="the job's log inside STATE")
        for name in os.listdir(logs):
            self.assertNotIn("/", name)
            self.assertFalse(name.startswith("."), name)
        # Nothing was written next to or above the state dir.
        outside = os.path.normpath(os.path.join(logs, escape + ".log"))
        self.assertFalse(os.path.exists(outside), outside)
        r = o.ctl("logs", escape)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("escaped-output", r.stdout)

    def test_opsctl_logs_of_an_unknown_dot_dot_id_reads_nothing(self):
        o = self.o
        o.write_config([one_shot(o, "plain", ["true"])])
        secret = os.path.join(o.dir, "escape.log")
        with open(secret, "w") as f:
            f.write("outside-file-content\n")
        o.start()
        r = o.ctl("logs", "../../../escape")
        self.assertNotEqual(r.returncode, 0)
        self.assertNotIn("outside-file-content", r.stdout + r.stderr)

    def test_ids_with_a_newline_or_over_64_bytes_are_errors_naming_the_rule(self):
        o = self.o
        o.write_config([one_shot(o, "a\nb", ["true"]), one_shot(o, "x" * 10240, ["true"])])
        r = validate(o)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        out = r.stdout + r.stderr
        self.assertIn("jobs[0].id", out)
        self.assertIn("control character", out)
        self.assertIn("jobs[1].id", out)
        self.assertIn("at most 64 bytes", out)

    def test_a_slash_in_an_id_is_a_warning_with_the_mapped_name(self):
        o = self.o
        o.write_config([one_shot(o, "a/b", ["true"])])
        r = validate(o)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("a%2Fb.log", r.stdout + r.stderr)


class SecretsStayWithOpsd(unittest.TestCase):
    def test_children_lack_the_token_and_a_printed_token_is_redacted_everywhere(self):
        o = Opsd([], env={"TELEGRAM_BOT_TOKEN": BOT_TOKEN})
        self.addCleanup(o.close)
        with open(os.path.join(o.work, "leak.txt"), "w") as f:
            f.write(BOT_TOKEN + "\n")
        leak = write_script(os.path.join(o.work, "leak.sh"), "#!/bin/sh\n"
                            "echo \"env=[$TELEGRAM_BOT_TOKEN]\"\n"
                            "echo \"ALERT printed $(cat leak.txt) by the job\"\n")
        o.write_config([one_shot(o, "leak", [leak])])
        o.start()
        r = o.ctl("run", "leak")
        self.assertNotIn(BOT_TOKEN, r.stdout + r.stderr)
        msgs = o.wait_for(lambda: [m for m in o.messages() if "printed" in m["text"]],
                          what="the job's report")
        self.assertIn("<redacted>", msgs[0]["text"])
        self.assertIn("env=[]", read(os.path.join(o.state_dir, "net", "logs", "leak.log")))
        o.stop()
        seen = {"stdout": o.stdout(), "stderr": o.stderr()}
        for root, _, files in os.walk(o.state_dir):
            for n in files:
                p = os.path.join(root, n)
                if not os.path.islink(p) and os.path.isfile(p):
                    with open(p, "rb") as f:
                        seen[p] = f.read().decode("utf-8", "replace")
        for where, text in seen.items():
            self.assertNotIn(BOT_TOKEN, text, where)
        self.assertIn("<redacted>", seen[os.path.join(o.state_dir, "net", "logs", "leak.log")])


class ProbeChildren(unittest.TestCase):
    def test_a_background_child_of_a_status_command_dies_with_the_probe(self):
        o = Opsd([])
        self.addCleanup(o.close)
        pidfile = os.path.join(o.work, "bg.pid")
        status = ("sleep 300 >/dev/null 2>&1 & echo $! > %s; "
                  "echo '{\"running\": true, \"completed\": false}'" % pidfile)
        o.write_config([{"id": "bgprobe", "kind": "long_running_read", "risk": "read_only",
                         "enabled": True, "cwd": o.work,
                         "commands": {"start": ["true"], "status": ["sh", "-c", status]},
                         "policy": {"pollSeconds": 3600}}])
        o.start()
        o.wait_for(lambda: os.path.exists(pidfile) and read(pidfile).strip(),
                   what="the probe's background child")
        pid = int(read(pidfile).strip())
        o.wait_for(lambda: not pid_alive(pid), timeout=30, what="the background child killed")


if __name__ == "__main__":
    unittest.main()
