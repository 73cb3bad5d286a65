"""A config that fails to load never makes opsd silent, and edits of ops-jobs.json apply by
themselves (docs/config.md): opsd started on a broken config alerts and serves status, runs the
last good config when there is one, applies a fixed file without any command, alerts once per
distinct set of errors of a broken edit while its jobs keep running, and with --no-watch-config
waits for `opsctl reload`."""
import json
import os
import time
import unittest

from fake_bot_api import FakeBotApi
from opsd_harness import Opsd, scan_job

CHAT = "515151"
TOKEN = "7312456789:AAH-e2eConfigWatchT0ken"
BROKEN_VERSION = {"version": 2, "jobs": []}
ALERT = "ops-jobs config invalid"


def scan(o):
    """The long job, started by hand (`opsctl start scan`), the same in every config."""
    return scan_job(o, enabled=False)


def check_job(o, job_id="check"):
    return {"id": job_id, "kind": "one_shot_read", "risk": "read_only", "enabled": True,
            "cwd": o.work, "commands": {"run": ["true"]}}


def config_of(jobs, **extra):
    cfg = {"version": 1, "defaults": {"quietHours": {"start": "00:00", "end": "00:00"}},
           "jobs": jobs}
    cfg.update(extra)
    return cfg


def write_in_place(o, cfg):
    with open(o.config_path, "w") as f:
        f.write(cfg if isinstance(cfg, str) else json.dumps(cfg, indent=2))


def write_by_rename(o, cfg):
    tmp = o.config_path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(cfg, f, indent=2)
    os.replace(tmp, o.config_path)


def path_without_openclaw():
    """PATH without a real `openclaw`, so that messages go to the fake Bot API."""
    return ":".join(d for d in os.environ.get("PATH", "").split(":")
                    if d and not os.access(os.path.join(d, "openclaw"), os.X_OK))


def job_ids(o):
    return [j["id"] for j in o.status()["jobs"]]


def config_alerts(o):
    return [m for m in o.messages() if m["alert"] and ALERT in m["text"]]


class ConfigTestCase(unittest.TestCase):
    def make_opsd(self, jobs=(), extra_args=()):
        o = Opsd(list(jobs), extra_args=extra_args)
        self.addCleanup(o.close)
        return o

    def start_scan(self, o):
        o.start()
        self.assertEqual(o.ctl("start", "scan").returncode, 0)
        return o.wait_for(lambda: o.job("scan")["running"] and o.job("scan")["pid"],
                          timeout=30, what="scan running")


class BrokenAtStart(ConfigTestCase):
    def test_it_alerts_through_telegram_serves_status_and_applies_the_fixed_file(self):
        api = FakeBotApi().start()
        self.addCleanup(api.stop)
        o = self.make_opsd()
        openclaw = os.path.join(o.dir, "openclaw.json")
        with open(openclaw, "w") as f:
            json.dump({"channels": {"telegram": {"botToken": TOKEN, "allowFrom": ["tg:" + CHAT],
                                                 "apiRoot": api.url}}}, f)
        o.env["OPENCLAW_CONFIG_PATH"] = openclaw
        o.env.pop("TELEGRAM_BOT_TOKEN", None)
        o.env["PATH"] = path_without_openclaw()
        write_in_place(o, BROKEN_VERSION)
        o.start(print_only=False)  # no exit: it runs and serves the socket
        # No good config ever loaded: the target comes from openclaw.json, as without notify.
        reqs = api.wait_requests(1, timeout=30)
        self.assertEqual(str(reqs[0]["body"]["chat_id"]), CHAT)
        text = reqs[0]["body"]["text"]
        self.assertIn(ALERT, text)
        self.assertIn(o.config_path, text)
        self.assertIn("version: must be 1", text)
        st = o.status()
        self.assertEqual(st["jobs"], [])
        self.assertFalse(st["config"]["ok"])
        self.assertEqual(st["config"]["running"], "none")
        self.assertEqual(st["config"]["path"], o.config_path)
        self.assertTrue(any("version" in e for e in st["config"]["errors"]), st["config"])
        table = o.ctl("status").stdout
        self.assertIn("config: %s is invalid; running no jobs" % o.config_path, table)
        self.assertIn("error: version: must be 1", table)
        # The fix applies by itself.
        write_in_place(o, config_of([check_job(o)]))
        o.wait_for(lambda: job_ids(o) == ["check"], timeout=30, what="the fixed config applied")
        st = o.status()
        self.assertEqual(st["config"], {"path": o.config_path, "ok": True, "errors": [],
                                        "running": "file", "lastGood": st["config"]["lastGood"]})
        self.assertNotIn("config:", o.ctl("status").stdout)
        self.assertEqual(len(api.requests()), 1)  # one alert, nothing else

    def test_a_missing_file_is_a_config_error_too(self):
        o = self.make_opsd()
        os.remove(o.config_path)
        o.start()
        o.wait_for(lambda: config_alerts(o), what="the config alert")
        st = o.status()
        self.assertFalse(st["config"]["ok"])
        self.assertIn("cannot read config file", st["config"]["errors"][0])
        write_by_rename(o, config_of([check_job(o)]))
        o.wait_for(lambda: job_ids(o) == ["check"], timeout=30, what="the new file applied")

    def test_the_last_good_config_runs_instead(self):
        o = self.make_opsd()
        write_in_place(o, config_of([scan(o), check_job(o)]))
        o.start()
        self.assertEqual(o.stop(), 0)
        write_in_place(o, '{"version": 1, "jobs": [{"id": "scan", "kind": "no_such_kind"}]}')
        o.start()
        msg = o.wait_for(lambda: config_alerts(o), what="the config alert")[0]["text"]
        self.assertIn("jobs[0].kind", msg)
        self.assertIn("last-good-config.json", msg)
        st = o.status()
        self.assertEqual(st["config"]["running"], "last-good")
        self.assertEqual(job_ids(o), ["scan", "check"])
        self.assertIn("running the last good config", o.ctl("status").stdout)
        # validate-config is unchanged: the file is still invalid.
        self.assertEqual(o.ctl("validate-config").returncode, 2)


class EditsApply(ConfigTestCase):
    def test_in_place_and_rename_edits_apply_and_unchanged_jobs_are_not_touched(self):
        o = self.make_opsd()
        write_in_place(o, config_of([scan(o)]))
        pid = self.start_scan(o)
        write_in_place(o, config_of([scan(o), check_job(o)]))
        o.wait_for(lambda: job_ids(o) == ["scan", "check"], timeout=30, what="in-place edit")
        write_by_rename(o, config_of([scan(o), check_job(o, "check2")]))
        o.wait_for(lambda: job_ids(o) == ["scan", "check2"], timeout=30, what="renamed edit")
        self.assertEqual(o.job("scan")["pid"], pid)
        self.assertTrue(o.job("scan")["running"])
        # `opsctl reload` names what changed since the last reload, edits that applied included.
        r = o.ctl("reload")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("added check2", r.stdout)

    def test_a_broken_edit_alerts_once_per_distinct_errors_and_the_jobs_keep_running(self):
        o = self.make_opsd()
        write_in_place(o, config_of([scan(o)]))
        pid = self.start_scan(o)
        changed = "changed and does not load"
        write_in_place(o, BROKEN_VERSION)
        o.wait_for(lambda: len(config_alerts(o)) == 1, timeout=30, what="the first alert")
        self.assertIn("version", config_alerts(o)[0]["text"])
        self.assertEqual(o.status()["config"]["running"], "last-good")
        # Other bytes, the same errors: read (logged), no new alert.
        write_in_place(o, json.dumps(BROKEN_VERSION))
        o.wait_for(lambda: o.stderr().count(changed) >= 2, timeout=30, what="the second read")
        self.assertEqual(len(config_alerts(o)), 1)
        # Other errors: a new alert.
        write_in_place(o, "{ not json")
        o.wait_for(lambda: len(config_alerts(o)) == 2, timeout=30, what="the second alert")
        self.assertIn("not valid JSON", config_alerts(o)[1]["text"])
        # Fixed, then broken as the first time: it alerts again.
        write_in_place(o, config_of([scan(o), check_job(o)]))
        o.wait_for(lambda: o.status()["config"]["ok"], timeout=30, what="the fix")
        write_in_place(o, BROKEN_VERSION)
        o.wait_for(lambda: len(config_alerts(o)) == 3, timeout=30, what="the third alert")
        self.assertEqual(job_ids(o), ["scan", "check"])
        self.assertEqual(o.job("scan")["pid"], pid)
        self.assertTrue(o.job("scan")["running"])


class NoWatch(ConfigTestCase):
    def test_an_edit_waits_for_reload(self):
        o = self.make_opsd([], extra_args=["--no-watch-config"])
        write_in_place(o, config_of([scan(o)]))
        pid = self.start_scan(o)
        write_in_place(o, config_of([scan(o), check_job(o)]))
        # Longer than the debounce and the stat poll of a watching opsd.
        time.sleep(7)
        self.assertEqual(job_ids(o), ["scan"])
        r = o.ctl("reload")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("added check", r.stdout)
        self.assertEqual(job_ids(o), ["scan", "check"])
        self.assertEqual(o.job("scan")["pid"], pid)
        # A broken file then alerts on the reload, and its action says to reload.
        write_in_place(o, BROKEN_VERSION)
        self.assertEqual(o.ctl("reload").returncode, 2)
        msg = o.wait_for(lambda: config_alerts(o), what="the reload's alert")[0]["text"]
        self.assertIn("opsctl reload", msg)
        self.assertNotIn("watching", o.stderr())


if __name__ == "__main__":
    unittest.main()
