"""Live progress cards (docs/notifications.md, notify.progress "card") through the real opsd
against the loopback Bot API (fake_bot_api.py): one silent card per job, edited as it moves,
its final state when the job ends, alerts as separate messages with sound, a card that can
no longer be edited replaced by a new one, and the card's message id kept across a restart.
"""
import json
import os
import signal
import time
import unittest

import fake_bot_api
from opsd_harness import write_script
from notify_support import CHAT, NotifyTestCase, openclaw_json

# Prints the JSON in status.json beside it: the test moves the job by rewriting that file.
STATUS = """#!/usr/bin/env python3
import os, sys
here = os.path.dirname(os.path.abspath(__file__))
sys.stdout.write(open(os.path.join(here, sys.argv[1] + ".json")).read())
"""


class Job:
    """A long_running_read job whose status the test writes (adopted: opsd never starts it)."""

    def __init__(self, work, job_id="scan", **policy):
        self.id = job_id
        self.path = os.path.join(work, job_id + ".json")
        script = write_script(os.path.join(work, "status.py"), STATUS)
        pol = {"pollSeconds": 1, "stallSeconds": 600, "autoResume": False}
        pol.update(policy)
        self.config = {"id": job_id, "name": "Scan " + job_id, "kind": "long_running_read",
                       "risk": "read_only", "enabled": True, "cwd": work,
                       "commands": {"start": ["sleep", "3600"],
                                    "status": [script, job_id]},
                       "policy": pol}
        self.set(done=0)

    def set(self, done, total=100, running=True, completed=False):
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump({"running": running, "completed": completed, "message": "busy",
                       "progress": {"done": done, "total": total}}, f)
        os.replace(tmp, self.path)


def cards(api):
    return [r for r in api.requests("sendMessage") if r["body"]["text"].startswith("📋")]


class CardTestCase(NotifyTestCase):
    def start_cards(self, jobs_of, notify=None, more_jobs=lambda o: []):
        """opsd against a new fake Bot API with the Job list `jobs_of(o)` and the raw job
        configs `more_jobs(o)`; notify.target is CHAT, cardEditSeconds 3, groupWaitSeconds 1
        unless `notify` says otherwise."""
        api = self.start_api()
        o = self.make_opsd(openclaw_json(api.url), jobs=[], start=False)
        jobs = jobs_of(o)
        n = {"target": CHAT, "cardEditSeconds": 3, "groupWaitSeconds": 1}
        n.update(notify or {})
        o.write_config([j.config for j in jobs] + more_jobs(o), notify=n)
        o.start(print_only=False)
        return api, o, jobs

    def move_for(self, job, seconds, start=1):
        done = start
        deadline = time.time() + seconds
        while time.time() < deadline:
            job.set(done=done)
            done += 1
            time.sleep(0.5)
        return done


class LiveCard(CardTestCase):
    def test_a_moving_job_is_one_card_edited_then_its_final_state_and_a_stall_rings_apart(self):
        api, o, (job,) = self.start_cards(lambda o: [Job(o.work, stallSeconds=4)])
        o.wait_for(lambda: cards(api), what="the card")
        card = cards(api)[0]
        self.assertIs(card["body"]["disable_notification"], True)
        self.assertEqual(card["body"]["link_preview_options"], {"is_disabled": True})
        self.assertIn("Scan scan", card["body"]["text"])
        done = self.move_for(job, 30)
        edits = api.requests("editMessageText")
        self.assertGreaterEqual(len(edits), 4, "a card edited while the job moved")
        # One poll a second for 30 s: a message per poll would be about 30 sendMessage.
        self.assertEqual(len(api.requests("sendMessage")), 1)
        self.assertTrue(all(e["body"]["message_id"] == 1 for e in edits))
        # Every change reaches the card: the last value shows once the edit interval passed.
        o.wait_for(lambda: "done=%d" % (done - 1) in
                   api.requests("editMessageText")[-1]["body"]["text"],
                   timeout=20, what="the last progress on the card")
        # Progress stops: after stallSeconds a stall alert, a new message with sound.
        alerts = lambda: [r for r in api.requests("sendMessage")  # noqa: E731
                          if "ACTION REQUIRED" in r["body"]["text"]
                          and not r["body"]["text"].startswith("📋")]
        o.wait_for(alerts, timeout=30, what="the stall alert")
        alert = alerts()[0]
        self.assertIs(alert["body"]["disable_notification"], False)
        # It completes: the card's last edit is its final state.
        job.set(done=100, running=False, completed=True)
        o.wait_for(lambda: "completed in" in api.requests("editMessageText")[-1]["body"]["text"],
                   timeout=30, what="the final edit")
        self.assertEqual(len(cards(api)), 1)
        self.wait_outbox_empty(o)

    def test_an_edit_that_is_not_modified_counts_as_delivered(self):
        api, o, (job,) = self.start_cards(lambda o: [Job(o.work)])
        o.wait_for(lambda: cards(api), what="the card")
        api.script_edits(fake_bot_api.not_modified())
        job.set(done=5)
        o.wait_for(lambda: len(api.requests("editMessageText")) >= 1, what="an edit")
        job.set(done=6)
        o.wait_for(lambda: len(api.requests("editMessageText")) >= 2, what="the next edit")
        self.assertEqual(api.requests("editMessageText")[1]["body"]["message_id"], 1)
        self.wait_outbox_empty(o)
        self.assertEqual(o.status()["outbox"]["lastError"], None)

    def test_a_card_that_cannot_be_edited_is_replaced_and_the_new_one_edited(self):
        api, o, (job,) = self.start_cards(lambda o: [Job(o.work)])
        o.wait_for(lambda: cards(api), what="the card")
        api.delete_message(1)
        job.set(done=5)
        o.wait_for(lambda: len(cards(api)) == 2, timeout=30, what="a new card")
        new_id = 2
        job.set(done=6)
        o.wait_for(lambda: [e for e in api.requests("editMessageText")
                            if e["body"]["message_id"] == new_id and e["status"] == 200],
                   timeout=30, what="an edit of the new card")
        self.assertEqual(len(cards(api)), 2)
        job.set(done=7)
        time.sleep(0.1)
        o.wait_for(lambda: "done=7" in api.requests("editMessageText")[-1]["body"]["text"],
                   timeout=30, what="the newest text on the new card")
        self.assertEqual(api.requests("editMessageText")[-1]["body"]["message_id"], new_id)

    def test_the_card_survives_a_restart_and_an_edit_pending_across_kill_9(self):
        api, o, (job,) = self.start_cards(lambda o: [Job(o.work)], {"cardEditSeconds": 30})
        o.wait_for(lambda: cards(api), what="the card")
        job.set(done=5)
        # The edit waits out cardEditSeconds in the persisted outbox.
        o.wait_for(lambda: o.status()["outbox"]["pending"] == 1, what="a pending edit")
        with open(o.state_file) as f:
            saved = json.load(f)
        self.assertEqual(saved["outboxCards"]["scan"]["messageId"], "1")
        self.assertEqual(saved["outbox"][0]["messageId"], "1")
        o.stop(signal.SIGKILL)
        o.start(print_only=False)
        o.wait_for(lambda: api.requests("editMessageText"), timeout=60, what="the edit")
        self.assertEqual(api.requests("editMessageText")[0]["body"]["message_id"], 1)
        self.assertIn("done=5", api.requests("editMessageText")[0]["body"]["text"])
        self.assertEqual(len(cards(api)), 1, "no new card after the restart")


class MessagesMode(CardTestCase):
    def test_progress_messages_sends_a_message_per_report_and_no_card(self):
        api, o, (job,) = self.start_cards(
            lambda o: [Job(o.work, reportWhileRunning=True, onlyOnChange=True)],
            {"progress": "messages", "groupWaitSeconds": 0})
        o.wait_for(lambda: api.requests("sendMessage"), what="the first report")
        job.set(done=5)
        o.wait_for(lambda: len(api.requests("sendMessage")) >= 2, what="a report of the change")
        self.assertEqual(cards(api), [])
        self.assertEqual(api.requests("editMessageText"), [])
        self.assertIn("Ops", api.requests("sendMessage")[1]["body"]["text"].splitlines()[0])


if __name__ == "__main__":
    unittest.main()
