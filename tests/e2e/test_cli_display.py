"""What an operator sees from opsctl: --version, and a status table whose columns line up
with Chinese job ids and progress, fitted to the terminal but unchanged through a pipe; a
moving job's ratio, rate and ETA in status --json, its bar and ETA in the table."""
import fcntl
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import termios
import time
import unicodedata
import unittest
from datetime import datetime, timezone

from opsd_harness import OPSCTL, OPSD, SOURCE_DIR, Opsd, scan_job, write_script

LONG_PHASE = "正在扫描第一批主机和第二批主机的全部文件"


def width(text):
    """Terminal columns of text: East Asian Wide/Fullwidth 2, combining marks 0."""
    w = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def cells(line):
    """(display column, text) of each cell: runs of text separated by two or more spaces."""
    return [(width(line[:m.start()]), m.group()) for m in re.finditer(r"\S+(?: \S+)*", line)]


def status_job(o, job_id, progress):
    """A long job that is not running; its status command reports `progress`."""
    out = json.dumps({"running": False, "completed": False, "progress": progress})
    script = write_script(os.path.join(o.work, "status-%d.py" % len(os.listdir(o.work))),
                          "#!/bin/sh\ncat <<'EOF'\n%s\nEOF\n" % out)
    return {"id": job_id, "kind": "long_running_read", "risk": "read_only", "enabled": True,
            "cwd": o.work, "commands": {"start": ["sleep", "600"], "status": [script]},
            "policy": {"pollSeconds": 1}}


def run_on_terminal(args, cols, env):
    """Runs args with stdout on a pseudo-terminal `cols` wide; returns (exit code, text)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
    attrs = termios.tcgetattr(slave)
    attrs[1] &= ~termios.ONLCR  # no \r added to line ends
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    p = subprocess.Popen(args, stdout=slave, stderr=subprocess.PIPE, env=env)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    p.wait(timeout=60)
    return p.returncode, out.decode("utf-8")


class Version(unittest.TestCase):
    def test_opsctl_version_flag_prints_the_version_and_exits_0(self):
        r = subprocess.run([OPSCTL, "--version"], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^opsctl \d+\.\d+\.\d+\n$")

    def test_opsd_version_flag_prints_the_version_and_exits_0(self):
        r = subprocess.run([OPSD, "--version"], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^opsd \d+\.\d+\.\d+\n$")


class StatusTable(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.o = Opsd([])
        o = cls.o
        o.write_config([status_job(o, "扫描任务", {"阶段": LONG_PHASE}),
                        status_job(o, "health", {"done": 3})])
        o.start()
        o.wait_for(lambda: all(j.get("progress") for j in o.status()["jobs"]),
                   what="both jobs probed")
        cls.env = dict(o.env)
        cls.env.pop("COLUMNS", None)

    @classmethod
    def tearDownClass(cls):
        cls.o.close()

    def table(self, *args, env=None):
        r = subprocess.run([OPSCTL, "--state-dir", self.o.state_dir, "status"] + list(args),
                           capture_output=True, encoding="utf-8", timeout=60,
                           env=env or self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def check_aligned(self, lines):
        check_aligned(self, lines, ["health", "扫描任务"])

    def test_status_with_a_chinese_job_id_has_aligned_columns(self):
        lines = self.table().splitlines()
        self.check_aligned(lines)
        row = [l for l in lines if l.startswith("扫描任务")][0]
        # The long Chinese progress is cut by display width with an ellipsis, whole characters.
        self.assertIn("阶段=正在扫描", row)
        self.assertIn("…", row)
        self.assertNotIn("\ufffd", row)

    def test_a_pipe_gets_the_whole_table_whatever_columns_says(self):
        natural = self.table()
        self.assertEqual(same_second(self.table(env=dict(self.env, COLUMNS="40"))),
                         same_second(natural))
        self.assertGreater(max(width(l) for l in natural.splitlines()), 80)

    def test_width_option_fits_the_table(self):
        for cols in (80, 90):
            lines = self.table("--width", str(cols)).splitlines()
            for l in lines:
                self.assertLessEqual(width(l), cols, l)
            self.check_aligned(lines)
        self.assertEqual(self.table("--width", "0"), self.table())

    def test_status_fits_the_terminal_width(self):
        args = [OPSCTL, "--state-dir", self.o.state_dir, "status"]
        code, text = run_on_terminal(args, 80, self.env)
        self.assertEqual(code, 0, text)
        lines = text.splitlines()
        self.assertGreaterEqual(len(lines), 3, text)
        for l in lines:
            self.assertLessEqual(width(l), 80, l)
        self.check_aligned(lines)
        # COLUMNS overrides the terminal's own width.
        code, text = run_on_terminal(args, 80, dict(self.env, COLUMNS="200"))
        self.assertEqual(same_second(text), same_second(self.table()))


COLUMNS = ["ID", "KIND", "STATE", "PID", "PROGRESS", "ETA", "MOVED", "NEXT", "PROBE", "LAST RUN"]


def check_aligned(test, lines, ids):
    """The header has the columns in their order (those that fit: ID, STATE, PROGRESS and ETA
    always), and every job row has its cells starting in the header's columns."""
    head = cells(lines[0])
    names = [t for _, t in head]
    test.assertEqual(names, [c for c in COLUMNS if c in names], lines)
    for kept in ("ID", "STATE", "PROGRESS", "ETA"):
        test.assertIn(kept, names, lines)
    rows = lines[1:1 + len(ids)]
    test.assertEqual(sorted(cells(r)[0][1] for r in rows), sorted(ids), lines)
    for r in rows:
        test.assertEqual([c for c, _ in cells(r)], [c for c, _ in head], lines)
    return dict(zip(names, [c for c, _ in head]))


def parse_iso(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp()


class MovingJob(unittest.TestCase):
    """A real job counting 0..1000 at about 5 a second beside one without a ratio."""

    @classmethod
    def setUpClass(cls):
        cls.o = Opsd([])
        o = cls.o
        # Routine reports as messages (not the live card), so the estimate line is in one.
        o.write_config([scan_job(o, "扫描任务"), status_job(o, "health", {"phase": "一"})],
                       notify={"progress": "messages"})
        o.start()
        r = o.ctl("start", "扫描任务")
        assert r.returncode == 0, r.stderr
        o.wait_for(lambda: o.job("扫描任务")["etaAt"], timeout=30, what="an ETA")
        cls.env = dict(o.env)
        cls.env.pop("COLUMNS", None)

    @classmethod
    def tearDownClass(cls):
        cls.o.close()

    def test_status_json_has_ratio_rate_and_eta_of_a_moving_job(self):
        j = self.o.job("扫描任务")
        p = j["progress"]
        self.assertEqual(j["state"], "running", j)
        # The ratio is that of the progress the same answer shows; rate and ETA are as of the
        # last probe, so the ETA is in the future but not beyond the whole job at that rate.
        self.assertAlmostEqual(j["progressRatio"], p["done"] / p["total"], places=4)
        self.assertGreater(j["progressRatio"], 0)
        self.assertLess(j["progressRatio"], 1)
        self.assertGreater(j["ratePerSecond"], 0)
        eta = parse_iso(j["etaAt"])
        self.assertGreater(eta, time.time() - 5)
        self.assertLessEqual(eta, time.time() + p["total"] / j["ratePerSecond"] + 5)
        other = self.o.job("health")
        self.assertEqual((other["progressRatio"], other["ratePerSecond"], other["etaAt"]),
                         (None, None, None), other)

    def test_table_at_80_columns_has_the_bar_and_eta_aligned(self):
        for args in (["--width", "80"], []):
            r = subprocess.run([OPSCTL, "--state-dir", self.o.state_dir, "status"] + args,
                               capture_output=True, encoding="utf-8", timeout=60, env=self.env)
            self.assertEqual(r.returncode, 0, r.stderr)
            lines = r.stdout.splitlines()
            if args:
                for l in lines:
                    self.assertLessEqual(width(l), 80, l)
            at = check_aligned(self, lines, ["health", "扫描任务"])
            row = [l for l in lines if l.startswith("扫描任务")][0]
            bar = re.search(r"\[[#-]{10}\] \d{1,2}%", row)
            self.assertIsNotNone(bar, lines)
            self.assertEqual(width(row[:bar.start()]), at["PROGRESS"], lines)
            eta = re.search(r"(?<=  )(\d+[smhd])+(?=  |$)", row[bar.end():])
            self.assertIsNotNone(eta, lines)
            self.assertEqual(width(row[:bar.end() + eta.start()]), at["ETA"], lines)

    def test_a_report_of_the_moving_job_shows_its_estimate(self):
        # The first report after the start has no rate yet (one reading); a later one has.
        line = re.compile(r"^- 预计: \d{1,2}% · [\d.]+/(s|min|h) · 剩余约 (\d+[smhd])+$", re.M)
        texts = self.o.wait_for(
            lambda: [m["text"] for m in self.o.messages() if line.search(m["text"])],
            timeout=30, what="a report with the estimate line")
        self.assertIn("- 进度: done=", texts[-1])
        # Moving at its own pace, the job raises no alert (the other one, not running, does).
        self.assertFalse(any(m["alert"] and "扫描任务" in m["text"] for m in self.o.messages()),
                         self.o.messages())


def same_second(table):
    """The table with its ages ("3s ago") masked: two calls may straddle a second."""
    return re.sub(r"\b\d+[smhd] ago\b", "N ago", table)


class FishCompletion(unittest.TestCase):
    def test_fish_completes_commands_and_job_ids(self):
        if shutil.which("fish") is None:
            self.skipTest("fish not found")
        script = os.path.join(SOURCE_DIR, "completions", "opsctl.fish")
        state = tempfile.mkdtemp(prefix="opsd-fish-")
        self.addCleanup(shutil.rmtree, state, True)
        os.makedirs(os.path.join(state, "net", "config"))
        with open(os.path.join(state, "net", "config", "ops-jobs.json"), "w") as f:
            f.write('{"version": 1, "jobs": [{"id": "scan-photos"}, {"id": "扫描"},'
                    ' {"id": "backup", "after": [{"jobId": "x"}]}]}')

        def complete(line):
            r = subprocess.run(["fish", "--no-config", "-c",
                                'source $argv[1]; complete -C $argv[2]', script, line],
                               capture_output=True, encoding="utf-8", timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            return sorted(l.split("\t")[0] for l in r.stdout.splitlines() if l)

        self.assertEqual(complete("opsctl st"), ["start", "status", "stop"])
        self.assertIn("--print-only", complete("opsctl tick --"))
        self.assertIn("--width", complete("opsctl status --"))
        self.assertEqual(complete("opsctl --state-dir %s logs " % state),
                         ["backup", "scan-photos", "扫描"])
        self.assertEqual(complete("opsctl --state-dir %s start scan" % state), ["scan-photos"])
        self.assertEqual(complete("opsctl --state-dir %s stop backup " % state), [])


if __name__ == "__main__":
    unittest.main()
