"""A real Prometheus on loopback scrapes two real opsd; the stall alert of the shipped rules
(with `for:` shortened to 5 s) fires for the one with a stalled job, and only for it.
ctest label `prometheus` (ctest -L prometheus runs it alone)."""
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.request

from metrics_support import KIT_DIR, free_port, http_get, manual_job, sample, write_config
from opsd_harness import Opsd

SCRAPE_SECONDS = 1
FOR_SECONDS = 5


def prometheus_config(targets, rules):
    return """global:
  scrape_interval: %ds
  evaluation_interval: %ds
rule_files: [%s]
scrape_configs:
  - job_name: opsd
    static_configs:
      - targets: [%s]
""" % (SCRAPE_SECONDS, SCRAPE_SECONDS, json.dumps(rules), ", ".join(json.dumps(t) for t in targets))


class LivePrometheus(unittest.TestCase):
    def test_stall_alert_fires_in_prometheus_for_the_stalled_host_only(self):
        exe = shutil.which("prometheus")
        self.assertIsNotNone(exe, "prometheus not found: dev/setup installs the Debian package")
        tmp = tempfile.mkdtemp(prefix="opsd-prom-")
        stalled, healthy, prom, log = Opsd([]), Opsd([]), None, None
        try:
            addrs = []
            for o, stall in ((stalled, 2), (healthy, 3600)):
                addr = "127.0.0.1:%d" % free_port()
                write_config(o, [manual_job(o, stall_seconds=stall)], metrics={"listen": addr})
                o.start()
                addrs.append(addr)
            with open(os.path.join(KIT_DIR, "opsd-rules.yml")) as f:
                rules = f.read()
            head, rest = rules.split("alert: OpsdJobStalled", 1)
            rest = rest.replace("for: 5m", "for: %ds" % FOR_SECONDS, 1)
            rules_path = os.path.join(tmp, "rules.yml")
            with open(rules_path, "w") as f:
                f.write(head + "alert: OpsdJobStalled" + rest)
            config_path = os.path.join(tmp, "prometheus.yml")
            with open(config_path, "w") as f:
                f.write(prometheus_config(addrs, rules_path))
            port = free_port()
            log = open(os.path.join(tmp, "prometheus.log"), "wb")
            prom = subprocess.Popen([exe, "--config.file=" + config_path,
                                     "--storage.tsdb.path=" + os.path.join(tmp, "data"),
                                     "--web.listen-address=127.0.0.1:%d" % port],
                                    stdout=log, stderr=log)
            api = "http://127.0.0.1:%d/api/v1/" % port

            def query(path):
                with urllib.request.urlopen(api + path, timeout=10) as r:
                    return json.load(r)["data"]

            def both_up():
                try:
                    targets = query("targets")["activeTargets"]
                except OSError:
                    return False
                return len(targets) == 2 and all(t["health"] == "up" for t in targets)
            stalled.wait_for(both_up, timeout=60, what="Prometheus scraping both opsd")
            stalled.wait_for(lambda: stalled.job("slow")["state"] == "stalled", what="stalled")
            seen = time.monotonic()
            self.assertEqual(sample(http_get(addrs[0])[2],
                                    'opsd_job_state{job_id="slow",state="stalled"}'), 1)

            def firing():
                return [a for a in query("alerts")["alerts"]
                        if a["labels"]["alertname"] == "OpsdJobStalled" and a["state"] == "firing"]
            alerts = stalled.wait_for(firing, timeout=90, what="OpsdJobStalled firing")
            latency = time.monotonic() - seen
            print("OpsdJobStalled firing %.1f s after opsd reported the stall (for: %d s, "
                  "scrape %d s)" % (latency, FOR_SECONDS, SCRAPE_SECONDS))
            self.assertEqual(len(alerts), 1, alerts)
            self.assertEqual(alerts[0]["labels"]["instance"], addrs[0])
            self.assertEqual(alerts[0]["labels"]["job_id"], "slow")
            self.assertIn("is stalled", alerts[0]["annotations"]["summary"])
            self.assertEqual(healthy.job("slow")["state"], "running")
        finally:
            if prom is not None:
                prom.terminate()
                try:
                    prom.wait(30)
                except subprocess.TimeoutExpired:
                    prom.kill()
                    prom.wait()
            if log is not None:
                log.close()
            stalled.close()
            healthy.close()
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
