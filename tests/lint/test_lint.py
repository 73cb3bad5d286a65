"""dev/lint itself: it passes on the tree and fails on an include that breaks the layer table
of docs/ARCHITECTURE.md or reaches into a header internal to another folder."""
import os
import shutil
import subprocess
import tempfile
import unittest

SOURCE = os.environ.get("OPSD_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))


def tree_files():
    out = subprocess.run(
        ["git", "-C", SOURCE, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        check=True, capture_output=True).stdout
    return [f for f in out.decode().split("\0") if f and os.path.isfile(os.path.join(SOURCE, f))]


class LintTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="opsd-lint-")
        cls.root = os.path.join(cls.tmp, "repo")
        for f in tree_files():
            dest = os.path.join(cls.root, f)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copy2(os.path.join(SOURCE, f), dest)
        subprocess.run(["git", "init", "-q", cls.root], check=True)
        subprocess.run(["git", "-C", cls.root, "add", "-A"], check=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def lint(self):
        return subprocess.run([os.path.join(self.root, "dev", "lint")], cwd=self.root,
                              capture_output=True, text=True, timeout=300)

    def plant(self, rel, line):
        """Appends `line` to `rel` in the copy; undone when the test ends."""
        path = os.path.join(self.root, rel)
        with open(path, encoding="utf-8") as f:
            original = f.read()
        self.addCleanup(lambda: open(path, "w", encoding="utf-8").write(original))
        with open(path, "a", encoding="utf-8") as f:
            f.write(line + "\n")

    def test_lint_passes_on_the_tree(self):
        r = self.lint()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("lint: ok", r.stdout)

    def test_engine_including_rpc_fails_lint_naming_the_file(self):
        self.plant("lib/engine/queue.cpp", '#include "rpc/fault.hpp"')
        r = self.lint()
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('lib/engine/queue.cpp', r.stderr)
        self.assertIn('engine/ may not include "rpc/fault.hpp"', r.stderr)

    def test_a_lower_layer_including_a_higher_one_fails_lint(self):
        self.plant("lib/util/clock.cpp", '#include "config/config.hpp"')
        r = self.lint()
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('util/ may not include "config/config.hpp"', r.stderr)

    def test_including_a_header_internal_to_another_folder_fails_lint(self):
        # notify/ may include process/, but not process/spawn.hpp (internal to lib/process).
        self.plant("lib/notify/openclaw_transport.cpp", '#include "process/spawn.hpp"')
        r = self.lint()
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('"process/spawn.hpp" is internal to lib/process', r.stderr)

    def test_a_folder_missing_from_the_table_fails_lint(self):
        os.makedirs(os.path.join(self.root, "lib", "gadgets"), exist_ok=True)
        path = os.path.join(self.root, "lib", "gadgets", "counter.cpp")
        with open(path, "w", encoding="utf-8") as f:
            f.write('#include "util/clock.hpp"\n')
        self.addCleanup(os.remove, path)
        r = self.lint()
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("folder 'gadgets' has no row in the layer table", r.stderr)


if __name__ == "__main__":
    unittest.main()
