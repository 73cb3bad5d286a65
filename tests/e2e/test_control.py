"""The control socket and opsctl against the real daemon (docs/control-protocol.md)."""
import json
import os
import socket
import stat
import subprocess
import threading
import time
import unittest

from opsd_harness import OPSD, Opsd, scan_job


class ControlSocket(unittest.TestCase):
    def setUp(self):
        self.o = Opsd([])
        self.o.write_config([
            scan_job(self.o, enabled=False),
            {"id": "health", "kind": "one_shot_read", "risk": "read_only", "enabled": True,
             "cwd": self.o.work, "commands": {"run": ["sh", "-c", "echo HEALTH_OK"]}},
        ])
        self.o.start()

    def tearDown(self):
        self.o.close()

    def test_status_json_has_the_documented_schema(self):
        s = self.o.status()
        d = s["daemon"]
        for key in ("version", "pid", "startedAt", "configFile", "stateDir"):
            self.assertIn(key, d)
        self.assertEqual(d["pid"], self.o.proc.pid)
        self.assertEqual(d["configFile"], self.o.config_path)
        self.assertEqual(d["stateDir"], self.o.state_dir)
        self.assertRegex(d["startedAt"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        ids = [j["id"] for j in s["jobs"]]
        self.assertEqual(ids, ["scan", "health"])
        scan = s["jobs"][0]
        for key in ("id", "name", "kind", "risk", "enabled", "state", "running", "completed",
                    "pid", "progress", "progressKey", "lastProgressAt", "stalledSince",
                    "autoResumes", "probe", "message", "level"):
            self.assertIn(key, scan)
        self.assertEqual(scan["kind"], "long_running_read")
        self.assertEqual(scan["state"], "stopped")
        self.assertIs(scan["running"], False)
        self.assertIsNone(scan["pid"])
        self.assertEqual(set(scan["probe"]) >= {"ok", "error", "at"}, True)
        self.assertIsInstance(s["queue"], list)
        self.assertEqual(s["outbox"]["pending"], 0)
        self.assertIsNone(s["outbox"]["lastError"])

    def test_socket_is_private(self):
        st = os.stat(self.o.socket)
        self.assertTrue(stat.S_ISSOCK(st.st_mode))
        self.assertEqual(st.st_mode & 0o777, 0o600)
        self.assertEqual(os.stat(os.path.dirname(self.o.socket)).st_mode & 0o777, 0o700)

    def test_unknown_job_is_refused_with_exit_1(self):
        r = self.o.ctl("start", "nope")
        self.assertEqual(r.returncode, 1)
        self.assertIn("nope", r.stderr)

    def test_start_of_a_one_shot_job_is_refused(self):
        r = self.o.ctl("start", "health")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)

    def test_stop_of_a_job_that_is_not_running_is_refused(self):
        r = self.o.ctl("stop", "scan")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)

    def test_start_then_stop_a_long_job(self):
        r = self.o.ctl("start", "scan")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.o.wait_for(lambda: self.o.job("scan")["running"], what="scan running")
        self.assertEqual(self.o.ctl("start", "scan").returncode, 1)  # already running
        r = self.o.ctl("stop", "scan")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.o.wait_for(lambda: self.o.job("scan")["state"] == "stopped", what="scan stopped")

    def test_run_a_one_shot_read_job(self):
        r = self.o.ctl("run", "health")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.o.wait_for(lambda: "HEALTH_OK" in self.o.ctl("logs", "health").stdout,
                        what="health output in its log")

    def test_enqueue_with_not_before(self):
        r = self.o.ctl("enqueue", "health", "--not-before", "1h")
        self.assertEqual(r.returncode, 0, r.stderr)
        q = self.o.status()["queue"]
        self.assertEqual(len(q), 1)
        self.assertEqual(q[0]["jobId"], "health")
        self.assertEqual(q[0]["status"], "pending")

    def test_enqueue_of_an_unknown_job_is_refused(self):
        self.assertEqual(self.o.ctl("enqueue", "nope").returncode, 1)

    def test_tick_print_only_returns_the_message(self):
        r = self.o.ctl("tick", "--print-only")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.strip())

    def test_reload_applies_an_added_job_and_refuses_a_broken_config(self):
        self.o.write_config([scan_job(self.o, enabled=False),
                             {"id": "health2", "kind": "one_shot_read", "risk": "read_only",
                              "commands": {"run": ["true"]}}])
        r = self.o.ctl("reload")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("health2", r.stdout)
        self.assertEqual([j["id"] for j in self.o.status()["jobs"]], ["scan", "health2"])
        with open(self.o.config_path, "w") as f:
            f.write("{ broken")
        r = self.o.ctl("reload")
        self.assertEqual(r.returncode, 2)
        self.assertIn("old config kept", r.stderr)
        self.assertEqual([j["id"] for j in self.o.status()["jobs"]], ["scan", "health2"])

    def test_version(self):
        r = self.o.ctl("version")
        self.assertEqual(r.returncode, 0)
        self.assertIn("opsctl", r.stdout)

    def test_second_daemon_on_the_same_state_dir_exits_with_a_clear_error(self):
        r = subprocess.run([OPSD, "--state-dir", self.o.state_dir, "--print-only"],
                           capture_output=True, text=True, timeout=20)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("running", r.stderr)
        self.assertEqual(self.o.ctl("status").returncode, 0)

    # --- protocol abuse ------------------------------------------------------------------
    def test_malformed_json_gets_parse_error_and_daemon_keeps_serving(self):
        reply = json.loads(self.o.rpc_raw(b"{nope\n"))
        self.assertEqual(reply["error"]["code"], -32700)
        self.assertEqual(self.o.ctl("status").returncode, 0)

    def test_unknown_method_gets_method_not_found(self):
        reply = json.loads(self.o.rpc_raw(b'{"jsonrpc":"2.0","id":7,"method":"explode"}\n'))
        self.assertEqual(reply["id"], 7)
        self.assertEqual(reply["error"]["code"], -32601)

    def test_bad_params_get_invalid_params(self):
        reply = json.loads(self.o.rpc_raw(b'{"jsonrpc":"2.0","id":1,"method":"start","params":{}}\n'))
        self.assertEqual(reply["error"]["code"], -32602)

    def test_oversized_frame_is_rejected_and_others_are_served(self):
        try:
            reply = self.o.rpc_raw(b"[" + b"1," * (1 << 20) + b"1]\n", timeout=10)
            if reply:
                self.assertEqual(json.loads(reply)["error"]["code"], -32600)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the daemon may close before reading it all
        self.assertEqual(self.o.ctl("status").returncode, 0)

    def test_half_open_client_does_not_block_others(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(self.o.socket)
        s.sendall(b'{"jsonrpc":"2.0","id":1,"meth')
        try:
            t0 = time.time()
            self.assertEqual(self.o.ctl("status").returncode, 0)
            self.assertLess(time.time() - t0, 10)
        finally:
            s.close()

    def test_fifty_concurrent_clients_all_get_correct_status(self):
        results = []

        def one():
            r = self.o.ctl("status", "--json")
            results.append((r.returncode, json.loads(r.stdout)["daemon"]["pid"] if r.returncode == 0 else None))

        threads = [threading.Thread(target=one) for _ in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(len(results), 50)
        for code, pid in results:
            self.assertEqual(code, 0)
            self.assertEqual(pid, self.o.proc.pid)


if __name__ == "__main__":
    unittest.main()
