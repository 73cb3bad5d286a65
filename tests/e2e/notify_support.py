"""Shared by test_notify.py and test_notify_openclaw.py: the token, the fake `openclaw`,
openclaw.json builders and NotifyTestCase, which starts opsd against an openclaw.json the test
writes and proves after each test that the bot token never leaked."""
import json
import os
import unittest

from fake_bot_api import FakeBotApi
from opsd_harness import Opsd

TOKEN = "7312456789:AAH-e2eSecretT0ken_notify"
CHAT = "424242"
ALERT_TEXT = "ALERT disk almost full"

# A status command that says the job is running: opsd adopts it and `tick` reports it.
RUNNING_STATUS = """#!/bin/sh
echo '{"running": true, "completed": false, "progress": {"done": 3, "total": 9}, "message": "busy"}'
"""

# An `openclaw` stand-in: appends its argv as one JSON line to argv.jsonl beside it and exits
# with the code in exit_code beside it (0 when absent).
FAKE_OPENCLAW = """#!/usr/bin/env python3
import json, os, sys
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "argv.jsonl"), "a") as f:
    f.write(json.dumps(sys.argv[1:]) + "\\n")
try:
    code = int(open(os.path.join(here, "exit_code")).read())
except OSError:
    code = 0
if code:
    sys.stderr.write("openclaw: gateway unreachable\\n")
sys.exit(code)
"""


def path_without_openclaw():
    """PATH minus directories that hold a real `openclaw`, so tests decide which one runs."""
    dirs = [d for d in os.environ.get("PATH", "").split(":")
            if d and not os.access(os.path.join(d, "openclaw"), os.X_OK)]
    return ":".join(dirs)


def cli_calls(bindir):
    """The argv lists a stand-in `openclaw` in `bindir` recorded in argv.jsonl, oldest first."""
    try:
        with open(os.path.join(bindir, "argv.jsonl")) as f:
            return [json.loads(line) for line in f]
    except OSError:
        return []


def openclaw_json(api_url, token=TOKEN, **telegram):
    tg = {"botToken": token, "allowFrom": ["tg:" + CHAT], "apiRoot": api_url}
    tg.update(telegram)
    if token is None:
        del tg["botToken"]
    return json.dumps({"channels": {"telegram": tg}}, indent=2)


def alert_job(o, job_id="check", text=ALERT_TEXT):
    return {"id": job_id, "kind": "one_shot_read", "risk": "read_only", "enabled": True,
            "cwd": o.work, "commands": {"run": ["sh", "-c", "echo '%s'" % text]}}


def texts(requests):
    return [r["body"]["text"] for r in requests]


class NotifyTestCase(unittest.TestCase):
    """Starts opsd (not print-only) against an openclaw.json the test writes. After each test
    the token must be absent from opsd's output, status, selftest and every file under net/."""

    def make_opsd(self, config_text, jobs=None, extra_args=(), extra_path=None, start=True):
        o = Opsd([], extra_args=extra_args)
        self.addCleanup(o.close)
        self.addCleanup(self.assert_token_absent, o)  # runs before close
        self.openclaw_path = os.path.join(o.dir, "openclaw.json")
        if config_text is not None:
            with open(self.openclaw_path, "w") as f:
                f.write(config_text)
        o.env.pop("TELEGRAM_BOT_TOKEN", None)
        o.env["OPENCLAW_CONFIG_PATH"] = self.openclaw_path
        o.env["PATH"] = ((extra_path + ":") if extra_path else "") + path_without_openclaw()
        o.write_config(jobs if jobs is not None else [alert_job(o)])
        if start:
            o.start(print_only=False)
        return o

    def start_api(self, **kw):
        api = FakeBotApi(**kw).start()
        self.addCleanup(api.stop)
        return api

    def assert_token_absent(self, o):
        seen = {"opsd stderr": o.stderr(), "opsd stdout": o.stdout()}
        if o.proc is not None and o.proc.poll() is None:
            seen["status --json"] = o.ctl("status", "--json").stdout
            seen["status"] = o.ctl("status").stdout
        r = o.ctl("selftest")
        seen["selftest"] = r.stdout + r.stderr
        for root, _, files in os.walk(os.path.join(o.state_dir, "net")):  # state, logs, audit
            for name in files:
                path = os.path.join(root, name)
                if os.path.isfile(path):
                    with open(path, "rb") as f:
                        seen[os.path.relpath(path, o.state_dir)] = f.read().decode("utf-8", "replace")
        for name, text in seen.items():
            self.assertNotIn(TOKEN, text, "the bot token leaked into " + name)
            self.assertNotIn(TOKEN.split(":")[1], text, "the bot token leaked into " + name)

    def wait_outbox_empty(self, o, timeout=30):
        o.wait_for(lambda: o.status()["outbox"]["pending"] == 0, timeout=timeout,
                   what="outbox empty")

    def run_alert(self, o, job_id="check"):
        r = o.ctl("run", job_id)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
