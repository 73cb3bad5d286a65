"""Prometheus metrics of a real opsd: /metrics over TCP and a Unix socket, the textfile, the
real promtool on a live scrape, and bad metrics config."""
import os
import time
import unittest

from metrics_support import (check_job, free_port, http_get, manual_job, promtool_check_metrics,
                             sample, set_progress, write_config)
from opsd_harness import Opsd


class MetricsEndpoint(unittest.TestCase):
    def test_scrape_shows_a_stalled_job_and_passes_promtool(self):
        o = Opsd([])
        try:
            addr = "127.0.0.1:%d" % free_port()
            write_config(o, [manual_job(o), check_job(o, exit_code=3)], metrics={"listen": addr})
            o.start()
            status, headers, body = http_get(addr, "/healthz")
            self.assertEqual(status, 200)
            self.assertEqual(body, "ok\n")
            o.wait_for(lambda: o.job("slow")["state"] == "stalled", what="stalled")
            o.ctl("run", "check")  # exits 3: opsd records the run's exit code

            def scraped():
                s, h, text = http_get(addr)
                return text if sample(text, 'opsd_job_last_exit_code{job_id="check"}') == 3 else None
            text = o.wait_for(scraped, what="the one-shot's exit code in /metrics")
            self.assertEqual(headers.get("Content-Type") or "", "text/plain; charset=utf-8")
            s, h, _ = http_get(addr)
            self.assertIn("version=0.0.4", h["Content-Type"])
            self.assertEqual(sample(text, 'opsd_job_state{job_id="slow",state="stalled"}'), 1)
            self.assertEqual(sample(text, 'opsd_job_state{job_id="slow",state="running"}'), 0)
            self.assertEqual(sample(text, 'opsd_job_alerting{job_id="slow"}'), 1)
            self.assertEqual(sample(text, 'opsd_job_progress_ratio{job_id="slow"}'), 0.01)
            self.assertIsNotNone(sample(text, 'opsd_job_stalled_since_timestamp_seconds{job_id="slow"}'))
            self.assertEqual(sample(text, 'opsd_job_last_run_success{job_id="check"}'), 0)
            self.assertGreaterEqual(sample(text, 'opsd_messages_total{kind="alert"}'), 1)
            self.assertGreater(sample(text, "process_resident_memory_bytes"), 0)
            self.assertGreater(sample(text, "process_open_fds"), 0)
            self.assertAlmostEqual(sample(text, "process_start_time_seconds"), time.time(), delta=600)
            self.assertIn('opsd_build_info{version="', text)
            self.assertNotIn('{job="', text)
            lint = promtool_check_metrics(text)
            self.assertEqual(lint.returncode, 0, lint.stdout + lint.stderr)
            self.assertEqual(http_get(addr, "/nope")[0], 404)
            # Progress moves again: the stateset follows.
            set_progress(o, 50)
            o.wait_for(lambda: sample(http_get(addr)[2],
                                      'opsd_job_state{job_id="slow",state="running"}') == 1,
                       what="running again in /metrics")
            self.assertEqual(sample(http_get(addr)[2], 'opsd_job_alerting{job_id="slow"}'), 0)
        finally:
            o.close()

    def test_unix_socket_listen(self):
        o = Opsd([])
        try:
            path = os.path.join(o.dir, "metrics.sock")
            write_config(o, [check_job(o)], metrics={"listen": path})
            o.start()
            status, _, text = http_get(path)
            self.assertEqual(status, 200)
            self.assertIn('opsd_job_info{job_id="check"', text)
            self.assertEqual(os.stat(path).st_mode & 0o777, 0o660)
            o.stop()
            self.assertFalse(os.path.exists(path))
        finally:
            o.close()

    def test_port_in_use_is_logged_and_opsd_runs_on(self):
        import socket
        taken = socket.socket()
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        o = Opsd([])
        try:
            addr = "127.0.0.1:%d" % taken.getsockname()[1]
            write_config(o, [check_job(o)], metrics={"listen": addr})
            o.start()
            self.assertIn("metrics.listen " + addr, o.stderr())
            self.assertEqual(o.ctl("run", "check").returncode, 0)
        finally:
            o.close()
            taken.close()


class MetricsTextfile(unittest.TestCase):
    def test_textfile_is_written_and_follows_changes(self):
        o = Opsd([])
        try:
            path = os.path.join(o.dir, "textfile", "opsd.prom")
            os.makedirs(os.path.dirname(path))
            write_config(o, [check_job(o)], metrics={"textfile": path})
            o.start()
            o.wait_for(lambda: os.path.exists(path), what="the textfile")
            with open(path) as f:
                self.assertIn("opsd_build_info", f.read())
            self.assertEqual(o.ctl("run", "check").returncode, 0)

            def updated():
                with open(path) as f:
                    text = f.read()
                return text if sample(text, 'opsd_job_last_run_success{job_id="check"}') == 1 else None
            text = o.wait_for(updated, what="the run in the textfile")
            self.assertEqual(os.stat(path).st_mode & 0o777, 0o644)
            self.assertEqual([n for n in os.listdir(os.path.dirname(path))], ["opsd.prom"])
            lint = promtool_check_metrics(text)
            self.assertEqual(lint.returncode, 0, lint.stdout + lint.stderr)
        finally:
            o.close()


class BadMetricsConfig(unittest.TestCase):
    def test_errors_name_their_json_path_and_a_reload_keeps_the_old_config(self):
        o = Opsd([])
        try:
            write_config(o, [check_job(o)], metrics={"listen": "nonsense"},
                         notify={"heartbeat": {"url": "http://example.com/x", "everySeconds": 0}})
            r = o.ctl("validate-config")
            self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
            out = r.stdout + r.stderr
            self.assertIn("metrics.listen", out)
            self.assertIn("notify.heartbeat.url", out)
            self.assertIn("notify.heartbeat.everySeconds", out)
            write_config(o, [check_job(o)])
            o.start()
            write_config(o, [check_job(o)], metrics={"textfile": "relative.prom"})
            r = o.ctl("reload")
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("metrics.textfile", r.stdout + r.stderr)
            self.assertEqual(o.ctl("run", "check").returncode, 0)
        finally:
            o.close()


if __name__ == "__main__":
    unittest.main()
