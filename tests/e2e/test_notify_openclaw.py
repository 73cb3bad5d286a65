"""Delivery through the openclaw CLI (a stand-in `openclaw` on PATH) and the openclaw.json variants
opsd reads its token and target from (docs/notifications.md). Every test also proves that the bot
token never leaks (notify_support.NotifyTestCase).
"""
import json
import os
import shutil
import unittest

from opsd_harness import write_script
from notify_support import (ALERT_TEXT, CHAT, FAKE_OPENCLAW, TOKEN, NotifyTestCase, alert_job,
                            cli_calls, openclaw_json, path_without_openclaw)

class OpenclawCli(NotifyTestCase):
    def make_cli(self, o, exit_code):
        bindir = os.path.join(o.dir, "bin")
        os.makedirs(bindir)
        write_script(os.path.join(bindir, "openclaw"), FAKE_OPENCLAW)
        with open(os.path.join(bindir, "exit_code"), "w") as f:
            f.write(str(exit_code))
        return bindir

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
        o.wait_for(lambda: cli_calls(bindir), what="openclaw called")
        self.wait_outbox_empty(o)
        calls = cli_calls(bindir)
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
        self.assertEqual(len(cli_calls(bindir)), 1)
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
