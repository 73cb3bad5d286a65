"""What opsd ships for service managers and packagers (README.md, Running as a service): the
systemd units (systemd-analyze verify), the launchd plist, the `cmake --install` tree, shell
completions and the help texts."""
import json
import os
import plistlib
import shutil
import subprocess
import tempfile
import unittest

from opsd_harness import OPSD, OPSCTL, SOURCE_DIR

BUILD_DIR = os.path.dirname(os.path.abspath(OPSD))
_install = {}


def setUpModule():
    _install["dir"] = None


def tearDownModule():
    if _install.get("dir"):
        shutil.rmtree(_install["dir"], ignore_errors=True)


def install_prefix(test):
    """`cmake --install` of the build dir OPSD_BIN came from, once per run, into a temp prefix."""
    if _install.get("dir"):
        return _install["dir"]
    if not os.path.exists(os.path.join(BUILD_DIR, "cmake_install.cmake")):
        test.skipTest("%s is not a CMake build dir (OPSD_BIN=%s)" % (BUILD_DIR, OPSD))
    if shutil.which("cmake") is None:
        test.skipTest("cmake not found")
    prefix = tempfile.mkdtemp(prefix="opsd-install-")
    r = subprocess.run(["cmake", "--install", BUILD_DIR, "--prefix", prefix],
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        shutil.rmtree(prefix, ignore_errors=True)
        test.fail("cmake --install failed:\n" + r.stdout + r.stderr)
    _install["dir"] = prefix
    return prefix


class SystemdUnits(unittest.TestCase):
    def analyze(self, *args, env=None):
        tool = shutil.which("systemd-analyze")
        if tool is None:
            self.skipTest("systemd-analyze not installed (apt-get install systemd)")
        run_dir = tempfile.mkdtemp(prefix="opsd-xdg-")
        self.addCleanup(shutil.rmtree, run_dir, True)
        full_env = dict(os.environ, XDG_RUNTIME_DIR=run_dir, **(env or {}))
        return subprocess.run([tool] + list(args), capture_output=True, text=True,
                              timeout=60, env=full_env)

    def verify(self, unit_path, user):
        mode = ["--user"] if user else []
        # A unit that must pass tells whether systemd-analyze can run here at all.
        canary_dir = tempfile.mkdtemp(prefix="opsd-canary-")
        self.addCleanup(shutil.rmtree, canary_dir, True)
        canary = os.path.join(canary_dir, "opsd-canary.service")
        with open(canary, "w") as f:
            f.write("[Service]\nType=oneshot\nExecStart=%s\n" % shutil.which("true"))
        r = self.analyze(*mode, "verify", canary)
        if r.returncode != 0:
            self.skipTest("systemd-analyze %s verify cannot run in this container: %s" %
                          (" ".join(mode), (r.stdout + r.stderr).strip()[:300]))
        # verify wants the unit's file name to be the unit name.
        unit_dir = tempfile.mkdtemp(prefix="opsd-unit-")
        self.addCleanup(shutil.rmtree, unit_dir, True)
        target = os.path.join(unit_dir, "opsd.service")
        shutil.copy(unit_path, target)
        r = self.analyze(*mode, "verify", target)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual((r.stdout + r.stderr).strip(), "", "warnings from systemd-analyze")

    def installed_unit(self, kind):
        prefix = install_prefix(self)
        path = os.path.join(prefix, "lib", "systemd", kind, "opsd.service")
        with open(path) as f:
            text = f.read()
        self.assertIn("ExecStart=%s --log-level info" % os.path.join(prefix, "bin", "opsd"), text)
        for line in ("Type=notify", "NotifyAccess=main", "WatchdogSec=30", "Restart=on-failure",
                     "ExecReload=/bin/kill -HUP $MAINPID", "KillMode=process"):
            self.assertIn(line + "\n", text)
        return path

    def test_system_unit_passes_systemd_analyze_verify(self):
        path = self.installed_unit("system")
        with open(path) as f:
            text = f.read()
        for line in ("NoNewPrivileges=yes", "ProtectSystem=strict", "StateDirectory=opsd",
                     "Environment=OPENCLAW_STATE_DIR=/var/lib/opsd"):
            self.assertIn(line + "\n", text)
        self.verify(path, user=False)

    def test_user_unit_passes_systemd_analyze_verify(self):
        path = self.installed_unit("user")
        with open(path) as f:
            self.assertIn("Environment=OPENCLAW_STATE_DIR=%h/.openclaw\n", f.read())
        self.verify(path, user=True)

    def test_source_units_pass_verify_with_the_built_binary(self):
        for name, user in (("opsd.service", False), ("opsd-user.service", True)):
            with open(os.path.join(SOURCE_DIR, "systemd", name)) as f:
                text = f.read()
            self.assertIn("ExecStart=/usr/local/bin/opsd ", text)  # what install rewrites
            tmp = tempfile.mkdtemp(prefix="opsd-src-unit-")
            self.addCleanup(shutil.rmtree, tmp, True)
            copy = os.path.join(tmp, name)
            with open(copy, "w") as f:
                f.write(text.replace("/usr/local/bin/opsd", os.path.abspath(OPSD)))
            self.verify(copy, user=user)

    def test_a_broken_unit_fails_verify(self):
        # The check above can fail: an unknown key is reported.
        path = self.installed_unit("system")
        broken = os.path.join(tempfile.mkdtemp(prefix="opsd-broken-"), "opsd.service")
        self.addCleanup(shutil.rmtree, os.path.dirname(broken), True)
        with open(path) as f, open(broken, "w") as g:
            g.write(f.read().replace("UMask=", "UMusk="))
        with self.assertRaises(AssertionError):
            self.verify(broken, user=False)


class LaunchdPlist(unittest.TestCase):
    def check(self, path):
        with open(path, "rb") as f:
            plist = plistlib.load(f)
        self.assertEqual(plist["Label"], "ai.openclaw.opsd")
        self.assertIs(plist["RunAtLoad"], True)
        self.assertEqual(plist["KeepAlive"], {"SuccessfulExit": False})  # restart after a crash
        self.assertIsInstance(plist["ThrottleInterval"], int)
        self.assertGreaterEqual(plist["ThrottleInterval"], 10)
        self.assertTrue(plist["EnvironmentVariables"]["OPENCLAW_STATE_DIR"].endswith("/.openclaw"))
        self.assertIn("/.openclaw/net/logs/", plist["StandardErrorPath"])
        self.assertIs(plist["AbandonProcessGroup"], True)  # jobs outlive a crash of opsd
        return plist

    def test_source_plist_parses_and_keeps_opsd_alive(self):
        plist = self.check(os.path.join(SOURCE_DIR, "launchd", "ai.openclaw.opsd.plist"))
        self.assertEqual(plist["ProgramArguments"][0], "/usr/local/bin/opsd")

    def test_installed_plist_names_the_installed_binary(self):
        prefix = install_prefix(self)
        plist = self.check(os.path.join(prefix, "share", "opsd", "launchd",
                                        "ai.openclaw.opsd.plist"))
        self.assertEqual(plist["ProgramArguments"][0], os.path.join(prefix, "bin", "opsd"))
        self.assertTrue(os.access(plist["ProgramArguments"][0], os.X_OK))


class InstallTree(unittest.TestCase):
    def test_cmake_install_puts_everything_in_place(self):
        prefix = install_prefix(self)
        for rel in ("bin/opsd", "bin/opsctl"):
            self.assertTrue(os.access(os.path.join(prefix, rel), os.X_OK), rel)
        for rel in ("lib/systemd/system/opsd.service", "lib/systemd/user/opsd.service",
                    "share/opsd/launchd/ai.openclaw.opsd.plist",
                    "share/opsd/config-examples/ops-jobs.example.json",
                    "share/opsd/config-examples/ops-jobs.json",
                    "share/opsd/config-examples/ops-jobs.schema.json",
                    "share/bash-completion/completions/opsctl",
                    "share/zsh/site-functions/_opsctl",
                    "share/doc/opsd/README.md"):
            self.assertTrue(os.path.isfile(os.path.join(prefix, rel)), rel)
        with open(os.path.join(prefix, "share/opsd/config-examples/ops-jobs.schema.json")) as f:
            self.assertIn("$schema", json.load(f))
        r = subprocess.run([os.path.join(prefix, "bin", "opsd"), "--version"],
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^opsd \d+\.\d+\.\d+\n$")
        # The installed example validates with the installed opsctl.
        r = subprocess.run([os.path.join(prefix, "bin", "opsctl"), "--state-dir", prefix,
                            "--config-file",
                            os.path.join(prefix, "share/opsd/config-examples/ops-jobs.json"),
                            "validate-config"], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def complete(self, *words, env=None):
        """What bash completion offers after `words` (the last one is being typed)."""
        if shutil.which("bash") is None:
            self.skipTest("bash not found")
        script = os.path.join(install_prefix(self), "share/bash-completion/completions/opsctl")
        words = ["opsctl"] + list(words)
        prog = ('source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); '
                '_opsctl; printf "%s\\n" "${COMPREPLY[@]}"')
        r = subprocess.run(["bash", "-c", prog, "bash", script] + words, capture_output=True,
                           text=True, timeout=10, env=dict(os.environ, **(env or {})))
        self.assertEqual(r.returncode, 0, r.stderr)
        return sorted(x for x in r.stdout.split("\n") if x)

    def test_bash_completion_offers_commands_options_and_job_ids(self):
        self.assertEqual(self.complete("st"), ["start", "status", "stop"])
        self.assertIn("--state-dir", self.complete("--st"))
        self.assertEqual(self.complete("tick", "--"),
                         sorted(["--print-only", "--dry-run", "--socket", "--state-dir",
                                 "--config-file", "--json", "--help"]))
        state = tempfile.mkdtemp(prefix="opsd-compl-")
        self.addCleanup(shutil.rmtree, state, True)
        os.makedirs(os.path.join(state, "net", "config"))
        with open(os.path.join(state, "net", "config", "ops-jobs.json"), "w") as f:
            json.dump({"version": 1, "jobs": [{"id": "scan-photos"}, {"id": "scan-music"},
                                              {"id": "backup", "after": [{"jobId": "x"}]}]}, f)
        self.assertEqual(self.complete("--state-dir", state, "start", "scan"),
                         ["scan-music", "scan-photos"])
        self.assertEqual(self.complete("logs", "", env={"OPENCLAW_STATE_DIR": state}),
                         ["backup", "scan-music", "scan-photos"])
        self.assertEqual(self.complete("stop", "backup", "", env={"OPENCLAW_STATE_DIR": state}),
                         [])

    def zcomplete(self, *words, env=None):
        """What zsh completion offers after `words` (the last one is being typed)."""
        if shutil.which("zsh") is None:
            self.skipTest("zsh not found")
        compdir = os.path.join(install_prefix(self), "share/zsh/site-functions")
        self.assertTrue(os.path.isfile(os.path.join(compdir, "_opsctl")))
        tmp = tempfile.mkdtemp(prefix="opsd-zsh-")
        self.addCleanup(shutil.rmtree, tmp, True)
        out = os.path.join(tmp, "out")
        driver = os.path.join(os.path.dirname(os.path.abspath(__file__)), "zsh_complete.zsh")
        r = subprocess.run(["zsh", "-f", driver, compdir, out, "opsctl"] + list(words),
                           capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, **(env or {})))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        with open(out) if os.path.exists(out) else open(os.devnull) as f:
            return sorted(set(x for x in f.read().split("\n") if x))

    def test_zsh_completion_offers_commands_options_and_job_ids(self):
        self.assertEqual(self.zcomplete("st"), ["start", "status", "stop"])
        self.assertIn("--print-only", self.zcomplete("tick", "--"))
        self.assertIn("--state-dir", self.zcomplete("tick", "--"))
        state = tempfile.mkdtemp(prefix="opsd-compl-")
        self.addCleanup(shutil.rmtree, state, True)
        os.makedirs(os.path.join(state, "net", "config"))
        with open(os.path.join(state, "net", "config", "ops-jobs.json"), "w") as f:
            json.dump({"version": 1, "jobs": [{"id": "scan-photos"}, {"id": "scan-music"},
                                              {"id": "backup"}]}, f)
        self.assertEqual(self.zcomplete("--state-dir", state, "start", "scan"),
                         ["scan-music", "scan-photos"])
        self.assertEqual(self.zcomplete("logs", "", env={"OPENCLAW_STATE_DIR": state}),
                         ["backup", "scan-music", "scan-photos"])


class ManPageHelp(unittest.TestCase):
    def run_tool(self, *args):
        return subprocess.run(list(args), capture_output=True, text=True, timeout=10,
                              env=dict(os.environ, OPENCLAW_STATE_DIR=tempfile.gettempdir()))

    def test_opsd_help_covers_options_environment_signals_and_files(self):
        r = self.run_tool(OPSD, "--help")
        self.assertEqual(r.returncode, 0)
        for text in ("--state-dir", "--config-file", "--socket", "--log-level", "--print-only",
                     "--target", "--version", "OPENCLAW_STATE_DIR", "NOTIFY_SOCKET", "SIGHUP",
                     "SIGTERM", "ops-monitor.json", "opsd.sock", "Exit status", "opsctl"):
            self.assertIn(text, r.stdout)
        r = self.run_tool(OPSD, "--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^opsd \d+\.\d+\.\d+\n$")

    def test_opsctl_help_lists_every_command_and_exit_codes(self):
        r = self.run_tool(OPSCTL, "--help")
        self.assertEqual(r.returncode, 0)
        for text in ("status", "tick", "start", "stop", "run", "approve", "enqueue", "reload",
                     "logs", "audit", "validate-config", "selftest", "version", "--json",
                     "--state-dir", "--socket", "Exit codes", "3 opsd not reachable",
                     "opsctl start"):
            self.assertIn(text, r.stdout)
        r = self.run_tool(OPSCTL, "start", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("--allow-risk", r.stdout)

    def test_opsctl_version_works_without_a_daemon(self):
        state = tempfile.mkdtemp(prefix="opsd-ver-")
        self.addCleanup(shutil.rmtree, state, True)
        r = self.run_tool(OPSCTL, "--state-dir", state, "version")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^opsctl \d+\.\d+\.\d+\n")


if __name__ == "__main__":
    unittest.main()
