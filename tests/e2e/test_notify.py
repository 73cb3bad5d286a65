"""Delivery of messages through the real opsd (docs/notifications.md): the Bot API (fake_bot_api.py on
loopback, plain and TLS) and the durable outbox. The openclaw CLI and openclaw.json variants are
in test_notify_openclaw.py. Every test also proves that the bot token never leaks into logs,
status or selftest output (notify_support.NotifyTestCase).
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
from opsd_harness import write_script
from notify_support import (ALERT_TEXT, CHAT, RUNNING_STATUS, TOKEN, NotifyTestCase, alert_job,
                            openclaw_json, texts)

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


if __name__ == "__main__":
    unittest.main()
