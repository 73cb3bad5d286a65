"""opsd's log as the journal and a terminal see it: with JOURNAL_STREAM set every line starts
with its sd-daemon priority and has no timestamp; colour only on a terminal without NO_COLOR."""
import os
import re
import select
import subprocess
import time
import unittest

from opsd_harness import OPSD, Opsd


def config_with_unknown_key(o):
    """A config that loads with a warning (an unknown key) and no jobs."""
    with open(o.config_path, "w") as f:
        f.write('{"version": 1, "jobs": [], "colour": "blue"}')


class JournalPriorities(unittest.TestCase):
    def test_each_line_starts_with_its_priority_by_level(self):
        o = Opsd([], env={"JOURNAL_STREAM": "8:123456"})
        self.addCleanup(o.close)
        config_with_unknown_key(o)
        o.start()  # --log-level debug: debug lines too
        with open(o.config_path, "w") as f:
            f.write("{ not json")
        r = o.ctl("reload")  # refused: an error line
        self.assertNotEqual(r.returncode, 0)
        o.wait_for(lambda: "<3>" in o.stderr(), what="the reload error in the log")
        self.assertEqual(o.stop(), 0)
        lines = [l for l in o.stderr().splitlines() if l]
        by_level = {}
        for line in lines:
            m = re.match(r"^<([0-7])>(\S+) ", line)
            self.assertIsNotNone(m, "no priority prefix: %r" % line)
            by_level.setdefault(m.group(2), set()).add(m.group(1))
            self.assertIsNone(re.match(r"^<\d>\S+ \d{4}-\d\d-\d\dT", line), line)
        self.assertEqual(by_level.get("error"), {"3"}, lines)
        self.assertEqual(by_level.get("warning"), {"4"}, lines)
        self.assertEqual(by_level.get("info"), {"6"}, lines)
        self.assertEqual(by_level.get("debug"), {"7"}, lines)
        self.assertTrue(any("reload refused" in l for l in lines if l.startswith("<3>")))
        self.assertTrue(any("colour" in l for l in lines if l.startswith("<4>")))
        self.assertNotIn("\x1b[", o.stderr())

    def test_a_config_error_at_start_is_all_prefixed_lines(self):
        o = Opsd([], env={"JOURNAL_STREAM": "8:123456"})
        self.addCleanup(o.close)
        with open(o.config_path, "w") as f:
            f.write("{ not json")
        o.start()  # a broken config is no reason to exit (docs/config.md)
        self.assertEqual(o.stop(), 0)
        lines = [l for l in o.stderr().splitlines() if l]
        self.assertTrue(lines)
        for line in lines:
            self.assertRegex(line, r"^<[0-7]>")
        self.assertTrue(any(l.startswith("<3>opsd: invalid config") for l in lines), lines)

    def test_without_journal_stream_lines_keep_their_timestamp(self):
        o = Opsd([])
        self.addCleanup(o.close)
        o.env.pop("JOURNAL_STREAM", None)
        o.start()
        self.assertEqual(o.stop(), 0)
        lines = [l for l in o.stderr().splitlines() if l]
        self.assertTrue(lines)
        for line in lines:
            self.assertRegex(line, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3} \S+ ")
        self.assertNotIn("\x1b[", o.stderr())  # a file is not a terminal: no colour


class Colour(unittest.TestCase):
    def log_on_terminal(self, **env):
        """opsd's stderr on a pseudo-terminal until it is ready; returns what it printed."""
        o = Opsd([])
        self.addCleanup(o.close)
        o.env.pop("JOURNAL_STREAM", None)
        o.env.pop("NO_COLOR", None)
        o.env.update(env)
        master, slave = os.openpty()
        self.addCleanup(os.close, master)
        o.out = open(o.out_path, "ab")
        o.err = open(o.err_path, "ab")  # unused: stderr is the terminal
        o.proc = subprocess.Popen([OPSD, "--state-dir", o.state_dir, "--print-only"],
                                  stdout=o.out, stderr=slave, env=o.env, cwd=o.dir)
        os.close(slave)
        out = b""
        deadline = time.time() + 30
        while b" ready" not in out and time.time() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    out += os.read(master, 65536)
                except OSError:
                    break
        self.assertIn(b" ready", out)
        self.assertEqual(o.stop(), 0)
        return out.decode("utf-8", "replace")

    def test_a_terminal_gets_coloured_levels(self):
        self.assertIn("\x1b[", self.log_on_terminal(TERM="xterm"))

    def test_no_color_turns_colour_off_on_a_terminal(self):
        text = self.log_on_terminal(TERM="xterm", NO_COLOR="1")
        self.assertNotIn("\x1b[", text)
        self.assertIn(" info ", text)


if __name__ == "__main__":
    unittest.main()
