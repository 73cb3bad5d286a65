"""The dead-man's switch: opsd pings a loopback healthchecks-style server at its interval,
switches to <url>/fail while an alert is unresolved, and never leaks the URL's secret."""
import unittest

from metrics_support import PingServer, manual_job, set_progress, write_config
from opsd_harness import Opsd

SECRET = "/ping/3f1c-secret-uuid"


class Heartbeat(unittest.TestCase):
    def test_pings_at_the_interval_and_fail_while_a_stall_is_unresolved(self):
        server = PingServer()
        o = Opsd([])
        try:
            job = manual_job(o, stall_seconds=3600)
            write_config(o, [job], notify={"heartbeat": {"url": server.url(SECRET), "everySeconds": 2}})
            o.start()
            o.wait_for(lambda: len(server.times(SECRET)) >= 3, timeout=30, what="three pings")
            times = server.times(SECRET)
            gaps = [b - a for a, b in zip(times, times[1:])]
            self.assertTrue(all(g >= 1.5 for g in gaps), gaps)  # never faster than everySeconds
            self.assertNotIn(SECRET + "/fail", server.paths())
            st = o.status()["daemon"]["heartbeat"]
            self.assertTrue(st.startswith("ok at "), st)
            self.assertNotIn("secret", st)

            # A stall alert: the check now gets /fail ...
            job["policy"]["stallSeconds"] = 2
            write_config(o, [job], notify={"heartbeat": {"url": server.url(SECRET), "everySeconds": 2}})
            self.assertEqual(o.ctl("reload").returncode, 0)
            o.wait_for(lambda: o.job("slow")["state"] == "stalled", what="stalled")
            o.wait_for(lambda: SECRET + "/fail" in server.paths(), timeout=30, what="a /fail ping")
            # ... until the job recovers.
            set_progress(o, 60)
            o.wait_for(lambda: o.job("slow")["state"] == "running", what="recovered")
            n = len(server.paths())
            o.wait_for(lambda: len(server.paths()) > n and server.paths()[-1] == SECRET,
                       timeout=30, what="the plain ping again")
            self.assertNotIn("3f1c-secret-uuid", o.stderr())
            self.assertNotIn("3f1c-secret-uuid", o.ctl("status").stdout)
        finally:
            o.close()
            server.close()

    def test_a_failing_ping_is_logged_and_shown_but_never_sent_as_a_message(self):
        server = PingServer(status=503)
        o = Opsd([])
        try:
            write_config(o, [manual_job(o, stall_seconds=3600)],
                         notify={"heartbeat": {"url": server.url(SECRET), "everySeconds": 1}})
            o.start()
            o.wait_for(lambda: len(server.paths()) >= 2, timeout=30, what="two pings")
            o.wait_for(lambda: o.status()["daemon"]["heartbeat"].startswith("failing:"),
                       what="a failing heartbeat in status")
            st = o.status()["daemon"]["heartbeat"]
            self.assertIn("HTTP 503", st)
            self.assertIn("heartbeat: failing:", o.ctl("status").stdout)
            self.assertIn("heartbeat: ping to http://127.0.0.1:%d/<redacted>" % server.port, o.stderr())
            self.assertNotIn("3f1c-secret-uuid", o.stderr() + st)
            self.assertEqual(o.status()["outbox"]["pending"], 0)
            self.assertFalse([m for m in o.messages() if "heartbeat" in m["text"]], o.stdout())
        finally:
            o.close()
            server.close()


if __name__ == "__main__":
    unittest.main()
