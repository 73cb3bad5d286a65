"""Test fixture for end-to-end tests: the real opsd and opsctl binaries in a temp state dir.

Binaries come from OPSD_BIN / OPSCTL_BIN (set by CTest), else build/daemon... defaults.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time

SOURCE_DIR = os.environ.get("OPSD_SOURCE_DIR",
                            os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
OPSD = os.environ.get("OPSD_BIN", os.path.join(SOURCE_DIR, "build", "opsd"))
OPSCTL = os.environ.get("OPSCTL_BIN", os.path.join(SOURCE_DIR, "build", "opsctl"))

# A long-running read-only job whose progress survives restarts through a checkpoint file.
# `start` counts up in the foreground (opsd owns it), `status` reports from the checkpoint.
SCAN_SCRIPT = textwrap.dedent('''\
    #!/usr/bin/env python3
    import json, os, sys, time
    here = os.path.dirname(os.path.abspath(__file__))
    name = sys.argv[2] if len(sys.argv) > 2 else "scan"
    ckpt = os.path.join(here, name + ".ckpt")
    pidf = os.path.join(here, name + ".pid")
    total = int(os.environ.get("SCAN_TOTAL", "1000"))
    def load():
        try:
            with open(ckpt) as f:
                return json.load(f)["n"]
        except Exception:
            return 0
    def alive(pid):
        try:
            os.kill(pid, 0)
            return True
        except OSError:
            return False
    if sys.argv[1] == "start":
        n = load()
        # Record the start before the pid file: once status sees the new pid, it is counted.
        with open(os.path.join(here, name + ".starts"), "a") as f:
            f.write(str(n) + "\\n")
        with open(pidf, "w") as f:
            f.write(str(os.getpid()))
        print("scan starting from checkpoint", n, flush=True)
        while n < total:
            time.sleep(float(os.environ.get("SCAN_STEP", "0.2")))
            n += 1
            tmp = ckpt + ".tmp"
            with open(tmp, "w") as f:
                json.dump({"n": n}, f)
            os.replace(tmp, ckpt)
        print("scan done", flush=True)
    elif sys.argv[1] == "status":
        n = load()
        pid = None
        try:
            with open(pidf) as f:
                pid = int(f.read().strip())
        except Exception:
            pass
        running = pid is not None and alive(pid) and n < total
        out = {"running": running, "completed": n >= total,
               "progress": {"done": n, "total": total}, "level": "ok",
               "message": "scanned %d of %d" % (n, total)}
        if running:
            out["pid"] = pid
        print(json.dumps(out))
''')


def write_script(path, text, mode=0o755):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


def scan_job(o, job_id="scan", enabled=True, **policy):
    """A long_running_read job running SCAN_SCRIPT in o.work; policy defaults to pollSeconds 1."""
    script = write_script(os.path.join(o.work, "scan.py"), SCAN_SCRIPT)
    pol = {"pollSeconds": 1}
    pol.update(policy)
    return {"id": job_id, "kind": "long_running_read", "risk": "read_only", "enabled": enabled,
            "cwd": o.work, "commands": {"start": [script, "start", job_id],
                                        "status": [script, "status", job_id]},
            "policy": pol}


class Opsd:
    """One opsd process on a fresh state dir, plus opsctl against it."""

    def __init__(self, jobs, defaults=None, notify=None, extra_args=(), env=None):
        self.dir = tempfile.mkdtemp(prefix="opsd-e2e-")
        self.state_dir = os.path.join(self.dir, "state")
        self.work = os.path.join(self.dir, "work")
        os.makedirs(os.path.join(self.state_dir, "net", "config"))
        os.makedirs(self.work)
        self.config_path = os.path.join(self.state_dir, "net", "config", "ops-jobs.json")
        self.socket = os.path.join(self.state_dir, "net", "run", "opsd.sock")
        self.state_file = os.path.join(self.state_dir, "net", "state", "ops-monitor.json")
        self.extra_args = list(extra_args)
        self.env = dict(os.environ)
        self.env.pop("NOTIFY_SOCKET", None)
        self.env.update(env or {})
        self.proc = None
        self.out_path = os.path.join(self.dir, "opsd.stdout")
        self.err_path = os.path.join(self.dir, "opsd.stderr")
        self.write_config(jobs, defaults, notify)

    def write_config(self, jobs, defaults=None, notify=None):
        cfg = {"version": 1, "defaults": defaults or {"quietHours": {"start": "00:00", "end": "00:00"}},
               "jobs": jobs}
        if notify:
            cfg["notify"] = notify
        with open(self.config_path, "w") as f:
            json.dump(cfg, f, indent=2)

    # --- process control -------------------------------------------------------------
    def start(self, wait=True, print_only=True):
        args = [OPSD, "--state-dir", self.state_dir, "--log-level", "debug"] + self.extra_args
        if print_only:
            args.append("--print-only")
        self.out = open(self.out_path, "ab")
        self.err = open(self.err_path, "ab")
        self.proc = subprocess.Popen(args, stdout=self.out, stderr=self.err, env=self.env,
                                     cwd=self.dir)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("opsd exited with %s:\n%s" % (self.proc.returncode, self.stderr()))
            if os.path.exists(self.socket) and self.ctl("status").returncode == 0:
                return
            time.sleep(0.05)
        raise AssertionError("opsd not ready:\n" + self.stderr())

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        finally:
            self.out.close()
            self.err.close()

    def close(self):
        try:
            self.stop(signal.SIGKILL) if self.proc and self.proc.poll() is None else None
        finally:
            # Kill leftover job processes recorded in pid files, then remove the dir.
            for root, _, files in os.walk(self.dir):
                for name in files:
                    if name.endswith(".pid"):
                        try:
                            with open(os.path.join(root, name)) as f:
                                os.kill(int(f.read().strip()), signal.SIGKILL)
                        except Exception:
                            pass
            shutil.rmtree(self.dir, ignore_errors=True)

    # --- observation -----------------------------------------------------------------
    def ctl(self, *args, timeout=60):
        return subprocess.run([OPSCTL, "--state-dir", self.state_dir] + list(args),
                              capture_output=True, text=True, timeout=timeout, env=self.env)

    def status(self, job=None):
        r = self.ctl("status", "--json", *([job] if job else []))
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    def job(self, job_id):
        for j in self.status()["jobs"]:
            if j["id"] == job_id:
                return j
        raise KeyError(job_id)

    def stdout(self):
        with open(self.out_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stderr(self):
        with open(self.err_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def messages(self):
        """Messages printed by --print-only, split on the [alert]/[routine] markers."""
        out, cur = [], None
        for line in self.stdout().splitlines():
            if line in ("[alert]", "[routine]"):
                cur = {"alert": line == "[alert]", "text": ""}
                out.append(cur)
            elif cur is not None:
                cur["text"] += line + "\n"
        return out

    def wait_for(self, predicate, timeout=20, what="condition"):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            try:
                last = predicate()
                if last:
                    return last
            except (KeyError, AssertionError, json.JSONDecodeError) as e:
                last = e
            time.sleep(0.1)
        raise AssertionError("timed out waiting for %s (last: %r)\nstderr:\n%s" %
                             (what, last, self.stderr()[-4000:]))

    def rpc_raw(self, data, read=True, timeout=5):
        """Send raw bytes on the control socket; return the first reply line (bytes)."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(self.socket)
        try:
            s.sendall(data)
            if not read:
                return b""
            buf = b""
            while b"\n" not in buf:
                chunk = s.recv(65536)
                if not chunk:
                    break
                buf += chunk
            return buf.split(b"\n")[0]
        finally:
            s.close()


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    # A zombie counts as gone.
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return sys.platform == "darwin"
