"""opsctl commands that work with no daemon: validate-config, selftest, version, exit 3."""
import json
import os
import subprocess
import tempfile
import unittest

from opsd_harness import OPSCTL, SOURCE_DIR


def opsctl(*args, env=None):
    return subprocess.run([OPSCTL] + list(args), capture_output=True, text=True, timeout=60,
                          env=env)


class ValidateConfig(unittest.TestCase):
    def test_compat_example_from_the_original_tool_validates(self):
        path = os.path.join(SOURCE_DIR, "config-examples", "ops-jobs.example.json")
        r = opsctl("validate-config", "--config-file", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("OK: 3 jobs (1 long, 1 read, 1 write), config "),
                        r.stdout)

    def test_every_shipped_example_validates(self):
        d = os.path.join(SOURCE_DIR, "config-examples")
        names = [n for n in os.listdir(d) if n.endswith(".json") and "schema" not in n]
        self.assertGreaterEqual(len(names), 3)
        for n in names:
            r = opsctl("validate-config", "--config-file", os.path.join(d, n))
            self.assertEqual(r.returncode, 0, n + ": " + r.stderr)

    def test_config_with_several_errors_lists_them_all_with_paths(self):
        cfg = {"version": 1, "jobs": [
            {"id": "a", "kind": "long_running_read", "risk": "read_only",
             "commands": {"start": ["x"], "status": []}},
            {"id": "b", "kind": "teleport", "risk": "read_only", "commands": {"run": ["x"]}},
            {"id": "c", "kind": "one_shot_write", "risk": "write_local",
             "commands": {"run": ["x"]}},
        ]}
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(cfg, f)
        try:
            r = opsctl("validate-config", "--config-file", f.name)
        finally:
            os.unlink(f.name)
        self.assertEqual(r.returncode, 2)
        self.assertIn("jobs[0].commands.status", r.stderr)
        self.assertIn("jobs[1].kind", r.stderr)
        self.assertIn("jobs[2]", r.stderr)

    def test_missing_config_file_is_a_config_error(self):
        r = opsctl("validate-config", "--config-file", "/nonexistent/ops-jobs.json")
        self.assertEqual(r.returncode, 2)
        self.assertIn("/nonexistent/ops-jobs.json", r.stderr)


class NoDaemon(unittest.TestCase):
    def test_status_without_daemon_exits_3_and_names_the_socket(self):
        with tempfile.TemporaryDirectory() as d:
            r = opsctl("--state-dir", d, "status")
            self.assertEqual(r.returncode, 3)
            self.assertIn(os.path.join(d, "net", "run", "opsd.sock"), r.stderr)
            self.assertIn("opsd", r.stderr)

    def test_global_options_accepted_after_the_command(self):
        with tempfile.TemporaryDirectory() as d:
            r = opsctl("status", "--state-dir", d)
            self.assertEqual(r.returncode, 3)
            self.assertIn(d, r.stderr)

    def test_unknown_command_is_a_usage_error(self):
        self.assertEqual(opsctl("frobnicate").returncode, 2)


class Selftest(unittest.TestCase):
    def test_selftest_passes_on_a_valid_install_and_never_prints_the_token(self):
        token = "123456:SECRET-selftest-token"
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "net", "config"))
            with open(os.path.join(d, "net", "config", "ops-jobs.json"), "w") as f:
                json.dump({"version": 1, "jobs": []}, f)
            with open(os.path.join(d, "openclaw.json"), "w") as f:
                f.write("{ // json5\n channels: { telegram: { botToken: '%s', "
                        "allowFrom: ['tg:42'], }, },\n}\n" % token)
            env = dict(os.environ, PATH="/usr/bin:/bin")
            env.pop("OPENCLAW_CONFIG_PATH", None)
            r = opsctl("--state-dir", d, "selftest", env=env)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("[ok]", r.stdout)
            self.assertIn("42", r.stdout)
            self.assertNotIn(token, r.stdout + r.stderr)
            self.assertNotIn("SECRET", r.stdout + r.stderr)

    def test_selftest_fails_on_an_invalid_config(self):
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "net", "config"))
            with open(os.path.join(d, "net", "config", "ops-jobs.json"), "w") as f:
                f.write("{ not json")
            r = opsctl("--state-dir", d, "selftest")
            self.assertEqual(r.returncode, 1)
            self.assertIn("[FAIL]", r.stdout)

    def test_selftest_fails_on_a_broken_openclaw_json_naming_line_and_column(self):
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "net", "config"))
            with open(os.path.join(d, "net", "config", "ops-jobs.json"), "w") as f:
                json.dump({"version": 1, "jobs": []}, f)
            with open(os.path.join(d, "openclaw.json"), "w") as f:
                f.write("{\n  channels: { telegram: { allowFrom: ['42'] }\n")  # unclosed
            env = dict(os.environ)
            env.pop("OPENCLAW_CONFIG_PATH", None)
            r = opsctl("--state-dir", d, "selftest", env=env)
            self.assertEqual(r.returncode, 1, r.stdout)
            fail = [l for l in r.stdout.splitlines() if l.startswith("[FAIL]")]
            self.assertEqual(len(fail), 1, r.stdout)
            self.assertIn("openclaw.json:", fail[0])

    def test_selftest_only_warns_when_openclaw_json_is_absent(self):
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "net", "config"))
            with open(os.path.join(d, "net", "config", "ops-jobs.json"), "w") as f:
                json.dump({"version": 1, "jobs": []}, f)
            env = dict(os.environ)
            env.pop("OPENCLAW_CONFIG_PATH", None)
            r = opsctl("--state-dir", d, "selftest", env=env)
            self.assertEqual(r.returncode, 0, r.stdout)
            self.assertIn("[warn] openclaw config", r.stdout)


if __name__ == "__main__":
    unittest.main()
