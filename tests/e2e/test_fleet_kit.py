"""The fleet kit in config-examples/prometheus passes the real promtool and amtool."""
import os
import shutil
import subprocess
import unittest

from metrics_support import KIT_DIR, promtool


def run(*args):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=120, cwd=KIT_DIR)


class FleetKit(unittest.TestCase):
    def test_prometheus_config_is_valid(self):
        r = run(promtool(), "check", "config", "prometheus.yml")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_alert_rules_are_valid_with_for_and_annotations(self):
        r = run(promtool(), "check", "rules", "opsd-rules.yml")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        with open(os.path.join(KIT_DIR, "opsd-rules.yml")) as f:
            text = f.read()
        for name in ("OpsdDown", "OpsdAbsent", "OpsdJobStalled", "OpsdJobGivenUp",
                     "OpsdProbeFailing", "OpsdOutboxNotDraining", "OpsdCheckOverdue"):
            self.assertIn("alert: " + name, text)
        self.assertEqual(text.count("alert: "), text.count("for: "))
        self.assertEqual(text.count("alert: "), text.count("summary: "))

    def test_alert_rules_unit_tests_pass(self):
        r = run(promtool(), "test", "rules", "opsd-rules.test.yml")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_alertmanager_config_routes_to_telegram(self):
        amtool = shutil.which("amtool")
        self.assertIsNotNone(amtool, "amtool not found: dev/setup installs prometheus-alertmanager")
        r = run(amtool, "check-config", "alertmanager.yml")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        with open(os.path.join(KIT_DIR, "alertmanager.yml")) as f:
            self.assertIn("telegram_configs:", f.read())


if __name__ == "__main__":
    unittest.main()
