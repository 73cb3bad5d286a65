"""Grouping and routing of messages through the real opsd (docs/notifications.md): sections
raised within notify.groupWaitSeconds go out as one message; notify.threadId and
notify.alerts.{target,threadId} reach the Bot API request bodies; routine messages through the
openclaw CLI carry --silent and cards are sent with --json and edited with `message edit`, or
through the Bot API when opsd has the bot token.
"""
import os
import signal
import unittest

from opsd_harness import write_script
from test_cards import CardTestCase, Job, cards
from notify_support import (ALERT_TEXT, CHAT, TOKEN, alert_job, cli_calls, openclaw_json,
                            path_without_openclaw)

# An `openclaw` stand-in: appends its argv as one JSON line to argv.jsonl beside it; a send
# prints what `openclaw message send --json` prints, with messageId 55.
FAKE_OPENCLAW_JSON = """#!/usr/bin/env python3
import json, os, sys
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "argv.jsonl"), "a") as f:
    f.write(json.dumps(sys.argv[1:]) + "\\n")
if sys.argv[1:3] == ["message", "send"] and "--json" in sys.argv:
    print(json.dumps({"ok": True, "result": {"messageId": "55", "chatId": "424242"}}))
"""

ALERTS_CHAT = "-100777"


class Grouping(CardTestCase):
    def eight_jobs_after_a_restart(self, notify):
        api, o, jobs = self.start_cards(
            lambda o: [Job(o.work, "job%d" % i) for i in range(8)], notify)
        o.wait_for(lambda: all(j["state"] == "running" for j in o.status()["jobs"]),
                   what="eight running jobs")
        self.wait_outbox_empty(o)
        o.stop(signal.SIGTERM)
        before = len(api.requests("sendMessage"))
        for j in jobs:  # they ended while opsd was down: each one's alert is due at once
            j.set(done=3, running=False)
        o.start(print_only=False)
        o.wait_for(lambda: all(j["state"] == "failed" for j in o.status()["jobs"]),
                   timeout=30, what="eight failed jobs")
        self.wait_outbox_empty(o)
        after = [r for r in api.requests("sendMessage")[before:]
                 if not r["body"]["text"].startswith("📋")]
        return api, after

    def test_eight_jobs_after_a_restart_produce_one_message(self):
        api, after = self.eight_jobs_after_a_restart({"groupWaitSeconds": 5})
        self.assertEqual(len(after), 1, [r["body"]["text"] for r in after])
        text = after[0]["body"]["text"]
        self.assertEqual(text.count("Ops"), 1, "one header")
        for i in range(8):
            self.assertIn("(job%d, long_running_read)" % i, text)
        self.assertIs(after[0]["body"]["disable_notification"], False)  # alerts ring
        self.assertEqual(len(cards(api)), 8, "one card per job, made before the restart")

    def test_with_progress_messages_too(self):
        _, after = self.eight_jobs_after_a_restart({"groupWaitSeconds": 5,
                                                   "progress": "messages"})
        self.assertEqual(len(after), 1, [r["body"]["text"] for r in after])


class Routing(CardTestCase):
    def test_thread_id_and_alert_routing_reach_the_request_bodies(self):
        api, o, _ = self.start_cards(
            lambda o: [Job(o.work)],
            {"threadId": 7, "alerts": {"target": ALERTS_CHAT, "threadId": 9},
             "groupWaitSeconds": 0},
            more_jobs=lambda o: [alert_job(o)])
        o.wait_for(lambda: cards(api), what="the card")
        card = cards(api)[0]["body"]
        self.assertEqual((card["chat_id"], card["message_thread_id"]), (CHAT, 7))
        self.run_alert(o)
        alerts = lambda: [r for r in api.requests("sendMessage")  # noqa: E731
                          if ALERT_TEXT in r["body"]["text"]]
        o.wait_for(alerts, what="the alert")
        body = alerts()[0]["body"]
        self.assertEqual((body["chat_id"], body["message_thread_id"]), (ALERTS_CHAT, 9))
        self.assertIs(body["disable_notification"], False)

    def test_alerts_without_their_own_target_stay_in_the_topic(self):
        api, o, _ = self.start_cards(lambda o: [], {"threadId": 7, "groupWaitSeconds": 0},
                                     more_jobs=lambda o: [alert_job(o)])
        self.run_alert(o)
        body = api.wait_requests(1)[0]["body"]
        self.assertEqual((body["chat_id"], body["message_thread_id"]), (CHAT, 7))
        self.assertNotIn("disable_web_page_preview", body)


class CliRouting(CardTestCase):
    def start_cli_cards(self, token):
        api = self.start_api()
        o = self.make_opsd(openclaw_json(api.url, token=token), jobs=[], start=False)
        bindir = os.path.join(o.dir, "bin")
        os.makedirs(bindir)
        write_script(os.path.join(bindir, "openclaw"), FAKE_OPENCLAW_JSON)
        o.env["PATH"] = bindir + ":" + path_without_openclaw()
        job = Job(o.work)
        o.write_config([job.config, alert_job(o)],
                       notify={"target": CHAT, "threadId": 7, "cardEditSeconds": 3,
                               "groupWaitSeconds": 0})
        o.start(print_only=False)
        o.wait_for(lambda: cli_calls(bindir), what="the card")
        send = cli_calls(bindir)[0]
        self.assertEqual(send[:2], ["message", "send"])
        for flag in ("--silent", "--json"):
            self.assertIn(flag, send)
        self.assertEqual(send[send.index("--thread-id") + 1], "7")
        return api, o, bindir, job

    def test_cli_cards_are_silent_sent_with_json_and_edited_alerts_ring(self):
        # No bot token: the CLI is the only way, for edits too.
        api, o, bindir, job = self.start_cli_cards(token=None)
        job.set(done=9)
        o.wait_for(lambda: [a for a in cli_calls(bindir) if a[1] == "edit"],
                   timeout=30, what="the card edited through the CLI")
        edit = [a for a in cli_calls(bindir) if a[1] == "edit"][0]
        self.assertEqual(edit[edit.index("--message-id") + 1], "55")
        self.assertEqual(edit[edit.index("--target") + 1], CHAT)
        self.assertIn("done=9", edit[edit.index("--message") + 1])
        self.run_alert(o)
        o.wait_for(lambda: [a for a in cli_calls(bindir)
                            if ALERT_TEXT in a[a.index("--message") + 1]], what="the alert")
        alert = [a for a in cli_calls(bindir) if ALERT_TEXT in a[a.index("--message") + 1]][0]
        self.assertNotIn("--silent", alert)
        self.assertEqual(api.requests(), [])

    def test_with_a_bot_token_cli_cards_are_edited_through_the_bot_api(self):
        # Each CLI call starts Node: edits, every cardEditSeconds, take the HTTPS way.
        api, o, bindir, job = self.start_cli_cards(token=TOKEN)
        edited = {"ok": True, "result": {"message_id": 55, "date": 1, "text": "card"}}
        api.script_edits(*[(200, edited)] * 20)
        job.set(done=9)
        edits = o.wait_for(lambda: [r for r in api.requests("editMessageText")
                                    if "done=9" in r["body"]["text"]],
                           timeout=30, what="the card edited through the Bot API")
        self.assertEqual(edits[0]["body"]["message_id"], 55)
        self.assertEqual(str(edits[0]["body"]["chat_id"]), CHAT)
        self.assertEqual([a for a in cli_calls(bindir) if a[1] == "edit"], [])
        self.assertEqual(api.requests("sendMessage"), [])  # the card itself went through the CLI
        self.run_alert(o)
        o.wait_for(lambda: [a for a in cli_calls(bindir)
                            if ALERT_TEXT in a[a.index("--message") + 1]], what="the alert")

if __name__ == "__main__":
    unittest.main()
