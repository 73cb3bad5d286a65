"""Delivery of messages through the real opsd (docs/notifications.md): the Bot API (fake_bot_api.py on
loopback, plain and TLS), the openclaw CLI, openclaw.json variants and the durable outbox.
Every test also proves that the bot token never leaks into logs, status or selftest output.
"""
import json
import os
import shutil
import signal
import subprocess
import time
import unittest

import fake_bot_api
from fake_bot_api import FakeBotApi
from opsd_harness import Opsd, write_script

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


class BotApiDelivery(NotifyTestCase):
    def test_alert_is_posted_as_sendmessage_json_and_leaves_the_outbox(self):
        api = self.start_api()
        o = self.make_opsd(openclaw_json(api.url))
        self.run_alert(o)
        req = api.wait_requests(1)[0]
        self.assertEqual(req["method"], "POST")
        self.assertEqual(req["path"], "/bot%s/sendMessage" % TOKEN)
        self.assertEqual(req["headers"].get("Content-Type"), "application/json")
        body = req["body"]
        self.assertEqual(set(body), {"chat_id", "text", "link_preview_options",
                                     "disable_notification"})
        self.assertEqual(body["chat_id"], CHAT)  # tg: prefix removed
        self.assertIn(ALERT_TEXT, body["text"])
        self.assertIn("Ops", body["text"].splitlines()[0])
        self.assertEqual(body["link_preview_options"], {"is_disabled": True})
        self.assertIs(body["disable_notification"], False)  # alerts ring
        self.wait_outbox_empty(o)
        s = o.status()
        self.assertEqual(s["outbox"], {"pending": 0, "lastError": None})
        self.assertEqual(len(api.requests()), 1)

    def test_routine_report_is_sent_silently(self):
        api = self.start_api()
        o = self.make_opsd(openclaw_json(api.url), start=False)
        status = write_script(os.path.join(o.work, "status.sh"), RUNNING_STATUS)
        o.write_config([{"id": "scan", "kind": "long_running_read", "risk": "read_only",
                         "enabled": True, "cwd": o.work,
                         "commands": {"start": ["true"], "status": [status]},
                         "policy": {"pollSeconds": 3600, "reportEverySeconds": 3600}}])
        o.start(print_only=False)
        # Adopting the running job makes its first progress report: routine, so silent.
        o.wait_for(lambda: [q for q in api.requests() if "scan" in q["body"]["text"]],
                   what="the routine report")
        routine = [q for q in api.requests() if "scan" in q["body"]["text"]]
        self.assertIn("done=3", routine[0]["body"]["text"])
        self.assertIs(routine[0]["body"]["disable_notification"], True)
        self.wait_outbox_empty(o)
        # An alert from the same daemon is not silent.
        with open(o.config_path) as f:
            cfg = json.load(f)
        cfg["jobs"].append(alert_job(o))
        with open(o.config_path, "w") as f:
            json.dump(cfg, f)
        self.assertEqual(o.ctl("reload").returncode, 0)
        self.run_alert(o)
        o.wait_for(lambda: [q for q in api.requests() if ALERT_TEXT in q["body"]["text"]],
                   what="the alert")
        alert = [q for q in api.requests() if ALERT_TEXT in q["body"]["text"]][0]
        self.assertIs(alert["body"]["disable_notification"], False)

    def test_silent_routine_false_sends_routine_reports_with_sound(self):
        api = self.start_api()
        o = self.make_opsd(openclaw_json(api.url), start=False)
        status = write_script(os.path.join(o.work, "status.sh"), RUNNING_STATUS)
        o.write_config([{"id": "scan", "kind": "long_running_read", "risk": "read_only",
                         "enabled": True, "cwd": o.work,
                         "commands": {"start": ["true"], "status": [status]}}],
                       notify={"silentRoutine": False})
        o.start(print_only=False)
        o.wait_for(lambda: [q for q in api.requests() if "scan" in q["body"]["text"]],
                   what="the routine report")
        routine = [q for q in api.requests() if "scan" in q["body"]["text"]]
        self.assertIs(routine[0]["body"]["disable_notification"], False)

    def test_429_waits_retry_after_then_delivers_exactly_once(self):
        api = self.start_api()
        api.script(fake_bot_api.too_many_requests(1))
        o = self.make_opsd(openclaw_json(api.url))
        self.run_alert(o)
        first, second = api.wait_requests(2)[:2]
        self.assertEqual(first["status"], 429)
        self.assertEqual(second["status"], 200)
        self.assertGreaterEqual(second["at"] - first["at"], 1.0)
        self.assertEqual(first["body"], second["body"])
        self.wait_outbox_empty(o)
        self.assertEqual(len(api.delivered()), 1)
        self.assertEqual(len(api.requests()), 2)
        self.assertIsNone(o.status()["outbox"]["lastError"])
        self.assertIn("429", o.stderr())

    def test_500_three_times_then_delivered_once_with_growing_backoff(self):
        api = self.start_api()
        api.script(*[fake_bot_api.server_error()] * 3)
        o = self.make_opsd(openclaw_json(api.url))
        self.run_alert(o)
        reqs = api.wait_requests(4, timeout=30)
        self.assertEqual([r["status"] for r in reqs], [500, 500, 500, 200])
        gaps = [b["at"] - a["at"] for a, b in zip(reqs, reqs[1:])]
        # 1 s, 2 s, 4 s, each shortened by at most 25 % jitter. The gaps are measured where the
        # requests arrive, so a request that took longer to reach the server (a first connection
        # on a loaded machine) shortens the next gap: 0.25 s of that is allowed for.
        for gap, base in zip(gaps, (1.0, 2.0, 4.0)):
            self.assertGreaterEqual(gap, base * 0.75 - 0.25, gaps)
        self.wait_outbox_empty(o)
        self.assertEqual(len(api.delivered()), 1)
        self.assertEqual(len(api.requests()), 4)

    def test_403_drops_the_message_names_the_problem_and_the_daemon_goes_on(self):
        api = self.start_api()
        api.script(fake_bot_api.forbidden())
        o = self.make_opsd(openclaw_json(api.url))
        self.run_alert(o)
        api.wait_requests(1)
        o.wait_for(lambda: o.status()["outbox"]["lastError"], what="outbox.lastError")
        s = o.status()
        self.assertEqual(s["outbox"]["pending"], 0)
        err = s["outbox"]["lastError"]
        self.assertIn(CHAT, err)
        self.assertIn("403", err)
        self.assertIn("blocked", err)
        self.assertIn("dropped", o.stderr())
        self.assertIn("403", o.ctl("status").stdout)  # the human table shows it too
        time.sleep(1.5)  # no retry of a permanent failure
        self.assertEqual(len(api.requests()), 1)
        # Still running and still delivering.
        self.assertIsNone(o.proc.poll())
        self.run_alert(o)
        api.wait_requests(2)
        self.wait_outbox_empty(o)
        self.assertEqual(api.requests()[1]["status"], 200)

    def test_text_over_4096_characters_is_split_in_order_and_paced(self):
        api = self.start_api()
        o = self.make_opsd(openclaw_json(api.url))
        # A reload of a config with many errors raises one alert listing all of them.
        bad = [{"id": "bad%03d" % i, "kind": "no_such_kind", "commands": {}} for i in range(120)]
        with open(o.config_path, "w") as f:
            json.dump({"version": 1, "jobs": bad}, f)
        r = o.ctl("reload")
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        o.wait_for(lambda: o.status()["outbox"]["pending"] == 0 and len(api.requests()) >= 2,
                   timeout=30, what="all pieces delivered")
        reqs = api.requests()
        pieces = texts(reqs)
        for p in pieces:
            self.assertLessEqual(len(p.encode("utf-16-le")) // 2, 4096)
        whole = "".join(pieces)
        self.assertGreater(len(whole), 4096)
        self.assertIn("Ops", pieces[0].splitlines()[0])
        positions = [whole.find("jobs[%d].kind" % i) for i in range(120)]
        self.assertNotIn(-1, positions)
        self.assertEqual(positions, sorted(positions))  # in order, nothing lost
        self.assertTrue(all(q["body"]["disable_notification"] is False for q in reqs))
        gaps = [b["at"] - a["at"] for a, b in zip(reqs, reqs[1:])]
        # One message per second per chat, measured where the requests arrive: a slower first
        # request (its connection is new) shortens the gap after it, so 0.5 s is allowed for that.
        self.assertTrue(all(g >= 0.5 for g in gaps), gaps)


class DurableOutbox(NotifyTestCase):
    def test_message_queued_while_the_api_is_down_survives_sigkill_and_arrives_once(self):
        api = FakeBotApi().start()
        self.addCleanup(api.stop)
        api.stop()  # the port stays known; nothing listens on it
        o = self.make_opsd(openclaw_json(api.url))
        self.run_alert(o)
        o.wait_for(lambda: "not delivered" in o.stderr(), what="a failed attempt")
        o.wait_for(lambda: o.status()["outbox"]["lastError"], what="lastError")
        self.assertIn("connect", o.status()["outbox"]["lastError"])
        self.assertEqual(o.status()["outbox"]["pending"], 1)
        o.stop(signal.SIGKILL)
        with open(o.state_file) as f:
            outbox = json.load(f)["outbox"]
        self.assertEqual(len(outbox), 1)
        self.assertIn(ALERT_TEXT, outbox[0]["text"])
        api.start()
        o.start(print_only=False)
        api.wait_requests(1, timeout=30)
        self.wait_outbox_empty(o)
        self.assertEqual(len(api.requests()), 1)
        self.assertIn(ALERT_TEXT, api.requests()[0]["body"]["text"])
        self.assertIsNone(o.status()["outbox"]["lastError"])

    def test_message_is_persisted_before_the_first_attempt(self):
        # The Bot API never answers: opsd is killed while its first attempt is in flight.
        api = self.start_api()
        api.script(fake_bot_api.HANG)
        o = self.make_opsd(openclaw_json(api.url))
        self.run_alert(o)
        api.wait_requests(1)
        o.stop(signal.SIGKILL)
        with open(o.state_file) as f:
            outbox = json.load(f)["outbox"]
        self.assertEqual(len(outbox), 1)
        self.assertIn(ALERT_TEXT, outbox[0]["text"])
        o.start(print_only=False)
        self.wait_outbox_empty(o)
        self.assertEqual(len(api.delivered()), 1)
        self.assertIn(ALERT_TEXT, api.delivered()[0]["body"]["text"])
        self.assertEqual(len(api.requests()), 2)  # the unanswered one and the delivery


class Https(NotifyTestCase):
    def make_cert(self):
        d = os.path.join(self.tmp, "tls")
        os.makedirs(d)
        cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                        "-days", "1", "-keyout", key, "-out", cert],
                       check=True, capture_output=True)
        return cert, key

    def setUp(self):
        if shutil.which("openssl") is None:
            self.skipTest("openssl CLI not installed")
        import tempfile
        self.tmp = tempfile.mkdtemp(prefix="opsd-tls-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.cert, key = self.make_cert()
        self.api = self.start_api(certfile=self.cert, keyfile=key)
        self.assertTrue(self.api.url.startswith("https://127.0.0.1:"))

    def test_self_signed_certificate_trusted_with_ca_file_delivers(self):
        o = self.make_opsd(openclaw_json(self.api.url), extra_args=["--ca-file", self.cert])
        self.run_alert(o)
        req = self.api.wait_requests(1)[0]
        self.assertEqual(req["path"], "/bot%s/sendMessage" % TOKEN)
        self.assertIn(ALERT_TEXT, req["body"]["text"])
        self.wait_outbox_empty(o)

    def test_self_signed_certificate_without_ca_file_is_refused_and_reported(self):
        o = self.make_opsd(openclaw_json(self.api.url))
        self.run_alert(o)
        o.wait_for(lambda: o.status()["outbox"]["lastError"], what="lastError")
        err = o.status()["outbox"]["lastError"]
        self.assertIn("TLS handshake failed", err)
        self.assertIn("certificate", err)
        self.assertIn("TLS handshake failed", o.stderr())
        self.assertEqual(o.status()["outbox"]["pending"], 1)
        self.assertEqual(self.api.requests(), [])  # nothing was sent in clear or otherwise


class OpenclawCli(NotifyTestCase):
    def make_cli(self, o, exit_code):
        bindir = os.path.join(o.dir, "bin")
        os.makedirs(bindir)
        write_script(os.path.join(bindir, "openclaw"), FAKE_OPENCLAW)
        with open(os.path.join(bindir, "exit_code"), "w") as f:
            f.write(str(exit_code))
        return bindir

    def argv_calls(self, bindir):
        try:
            with open(os.path.join(bindir, "argv.jsonl")) as f:
                return [json.loads(line) for line in f]
        except OSError:
            return []

    def start_with_cli(self, exit_code):
        api = self.start_api()
        o = self.make_opsd(openclaw_json(api.url), start=False)
        bindir = self.make_cli(o, exit_code)
        o.env["PATH"] = bindir + ":" + path_without_openclaw()
        o.start(print_only=False)
        return api, o, bindir

    def test_cli_is_used_when_present_and_the_bot_api_gets_nothing(self):
        api, o, bindir = self.start_with_cli(0)
        self.run_alert(o)
        o.wait_for(lambda: self.argv_calls(bindir), what="openclaw called")
        self.wait_outbox_empty(o)
        calls = self.argv_calls(bindir)
        self.assertEqual(len(calls), 1)
        argv = calls[0]
        self.assertEqual(argv[:6], ["message", "send", "--channel", "telegram", "--target", CHAT])
        self.assertEqual(argv[6], "--message")
        self.assertIn(ALERT_TEXT, argv[7])
        self.assertEqual(len(argv), 8)
        self.assertNotIn(TOKEN, json.dumps(argv))
        self.assertEqual(api.requests(), [])

    def test_failing_cli_falls_back_to_the_bot_api(self):
        api, o, bindir = self.start_with_cli(1)
        self.run_alert(o)
        req = api.wait_requests(1)[0]
        self.assertIn(ALERT_TEXT, req["body"]["text"])
        self.wait_outbox_empty(o)
        self.assertEqual(len(self.argv_calls(bindir)), 1)
        self.assertEqual(len(api.requests()), 1)


class OpenclawJsonVariants(NotifyTestCase):
    def deliver_with(self, config_text, expect_chat=CHAT, selftest_says=None):
        o = self.make_opsd(config_text)
        st = o.ctl("selftest")
        if selftest_says:
            self.assertIn(selftest_says, st.stdout, st.stdout)
        self.run_alert(o)
        req = self.api.wait_requests(1)[0]
        self.assertEqual(req["path"], "/bot%s/sendMessage" % TOKEN)
        self.assertEqual(req["body"]["chat_id"], expect_chat)
        self.wait_outbox_empty(o)
        return o

    def setUp(self):
        self.api = self.start_api()

    def test_strict_json(self):
        self.deliver_with(openclaw_json(self.api.url),
                          selftest_says="token found (from channels.telegram.botToken)")

    def test_json5_with_comments_trailing_commas_unquoted_keys_and_single_quotes(self):
        text = """// openclaw.json as people write it
{
  /* the bot */
  channels: {
    telegram: {
      botToken: '%s',
      allowFrom: ['telegram:%s',],   // first entry is the chat
      apiRoot: "%s",
    },
  },
}
""" % (TOKEN, CHAT, self.api.url)
        self.deliver_with(text, selftest_says="telegram target %s" % CHAT)

    def test_token_file(self):
        token_file = os.path.join(self.api_dir(), "bot.token")
        with open(token_file, "w") as f:
            f.write(TOKEN + "\n")
        self.deliver_with(openclaw_json(self.api.url, token=None, tokenFile=token_file),
                          selftest_says="token found (from tokenFile")

    def test_default_account_token(self):
        cfg = {"channels": {"telegram": {
            "apiRoot": self.api.url, "allowFrom": [int(CHAT)], "defaultAccount": "ops",
            "accounts": {"default": {"botToken": "1:wrong"}, "ops": {"botToken": TOKEN}}}}}
        self.deliver_with(json.dumps(cfg), selftest_says="accounts.ops.botToken")

    def test_target_from_the_main_agent_heartbeat(self):
        cfg = {"agents": {"list": [{"id": "other", "heartbeat": {"target": "telegram", "to": "1"}},
                                   {"id": "main", "heartbeat": {"target": "telegram",
                                                                "to": "tg:777"}}]},
               "channels": {"telegram": {"botToken": TOKEN, "apiRoot": self.api.url,
                                         "allowFrom": [CHAT]}}}
        self.deliver_with(json.dumps(cfg), expect_chat="777")

    def test_target_flag_overrides_openclaw_json(self):
        o = self.make_opsd(openclaw_json(self.api.url), extra_args=["--target", "tg:-100555"])
        self.run_alert(o)
        self.assertEqual(self.api.wait_requests(1)[0]["body"]["chat_id"], "-100555")
        self.wait_outbox_empty(o)

    def test_notify_target_in_the_job_config_overrides_openclaw_json(self):
        o = self.make_opsd(openclaw_json(self.api.url), start=False)
        o.write_config([alert_job(o)], notify={"target": "31337"})
        o.start(print_only=False)
        self.run_alert(o)
        self.assertEqual(self.api.wait_requests(1)[0]["body"]["chat_id"], "31337")

    def test_token_from_the_environment(self):
        o = self.make_opsd(openclaw_json(self.api.url, token=None), start=False)
        o.env["TELEGRAM_BOT_TOKEN"] = TOKEN
        o.start(print_only=False)
        self.run_alert(o)
        self.assertEqual(self.api.wait_requests(1)[0]["path"], "/bot%s/sendMessage" % TOKEN)
        self.wait_outbox_empty(o)

    def test_missing_token_is_a_clear_error_in_selftest_status_and_log(self):
        o = self.make_opsd(openclaw_json(self.api.url, token=None))
        st = o.ctl("selftest")
        self.assertIn("no Telegram bot token", st.stdout, st.stdout)
        self.run_alert(o)
        o.wait_for(lambda: o.status()["outbox"]["lastError"], what="lastError")
        err = o.status()["outbox"]["lastError"]
        self.assertIn("no Telegram bot token", err)
        self.assertIn("no Telegram bot token", o.stderr())
        self.assertEqual(o.status()["outbox"]["pending"], 1)
        self.assertEqual(self.api.requests(), [])

    def test_broken_file_is_reported_with_line_and_column(self):
        text = '{\n  channels: {\n    telegram: { botToken: "%s" allowFrom: [1] }\n  }\n}\n' % TOKEN
        o = self.make_opsd(text)
        st = o.ctl("selftest")
        self.assertRegex(st.stdout, r"openclaw\.json:3:\d+: ")
        self.run_alert(o)
        o.wait_for(lambda: o.status()["outbox"]["lastError"], what="lastError")
        err = o.status()["outbox"]["lastError"]
        self.assertRegex(err, r"openclaw\.json:3:\d+: ")
        self.assertEqual(self.api.requests(), [])

    def api_dir(self):
        import tempfile
        d = tempfile.mkdtemp(prefix="opsd-token-")
        self.addCleanup(shutil.rmtree, d, True)
        return d


if __name__ == "__main__":
    unittest.main()
