#!/usr/bin/env python3
"""Demo long_running_read job for opsd: a "scan" that counts 1..TOTAL, one step a second.

  scan.py start [--detach]  run the scan (in the foreground unless --detach), resuming
                            from the checkpoint; a no-op when already running or complete
  scan.py status            print the status JSON of docs/status-contract.md and exit 0
  scan.py reset             forget the checkpoint (refused while running)

Files live in $OPS_STATE_DIR/demo-scan/ (opsd sets OPS_STATE_DIR; /tmp when unset):
checkpoint.json (the last finished step) and scan.pid (the running scan's pid).
Tuning for experiments: DEMO_SCAN_TOTAL [120], DEMO_SCAN_STEP_SECONDS [1],
DEMO_SCAN_STALL_AT [0 = never]: stop advancing at that step while still running.
"""
import json
import os
import signal
import sys
import time

TOTAL = int(os.environ.get("DEMO_SCAN_TOTAL", "120"))
STEP_SECONDS = float(os.environ.get("DEMO_SCAN_STEP_SECONDS", "1"))
STALL_AT = int(os.environ.get("DEMO_SCAN_STALL_AT", "0"))
WORK_DIR = os.path.join(os.environ.get("OPS_STATE_DIR") or "/tmp", "demo-scan")
CHECKPOINT = os.path.join(WORK_DIR, "checkpoint.json")
PID_FILE = os.path.join(WORK_DIR, "scan.pid")


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def read_checkpoint():
    try:
        with open(CHECKPOINT, encoding="utf-8") as f:
            data = json.load(f)
        if isinstance(data, dict) and isinstance(data.get("count"), int):
            return data
    except (OSError, ValueError):
        pass
    return {"count": 0}


def save_checkpoint(count, stop_reason=None):
    data = {"count": count, "total": TOTAL, "updatedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    if stop_reason:
        data["stopReason"] = stop_reason
    write_atomic(CHECKPOINT, json.dumps(data) + "\n")


def running_pid():
    """The pid in scan.pid when that process is alive and is this scan, else None."""
    try:
        with open(PID_FILE, encoding="utf-8") as f:
            pid = int(f.read().strip())
        os.kill(pid, 0)
    except PermissionError:
        return pid
    except (OSError, ValueError):
        return None
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            if b"scan.py" not in f.read():
                return None  # the pid was reused by another program
    except OSError:
        pass  # no /proc (macOS): trust kill -0
    return pid


def remove_pid_file():
    try:
        os.unlink(PID_FILE)
    except FileNotFoundError:
        pass


def detach():
    if os.fork() > 0:
        os._exit(0)
    os.setsid()
    if os.fork() > 0:
        os._exit(0)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)


def start(args):
    os.makedirs(WORK_DIR, exist_ok=True)
    pid = running_pid()
    if pid:
        print(f"demo-scan: already running (pid {pid})")
        return 0
    count = read_checkpoint()["count"]
    if count >= TOTAL:
        print(f"demo-scan: already complete ({count}/{TOTAL}); 'scan.py reset' starts over")
        return 0
    if "--detach" in args:
        detach()
    write_atomic(PID_FILE, f"{os.getpid()}\n")

    def on_term(signum, _frame):
        save_checkpoint(count, stop_reason=signal.Signals(signum).name)
        remove_pid_file()
        print(f"demo-scan: stopped by {signal.Signals(signum).name} at {count}/{TOTAL}", flush=True)
        sys.exit(0)

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    print(f"demo-scan: {'resuming at' if count else 'starting from'} {count}/{TOTAL} (pid {os.getpid()})", flush=True)
    while count < TOTAL:
        time.sleep(STEP_SECONDS)
        if STALL_AT and count >= STALL_AT:
            continue  # simulated hang: alive, no progress
        count += 1
        save_checkpoint(count)
        if count % 10 == 0:
            print(f"demo-scan: {count}/{TOTAL}", flush=True)
    remove_pid_file()
    print("demo-scan: complete", flush=True)
    return 0


def status():
    cp = read_checkpoint()
    count = cp["count"]
    pid = running_pid()
    completed = count >= TOTAL
    out = {
        "running": bool(pid) and not completed,
        "completed": completed,
        "progress": {"done": count, "total": TOTAL, "percent": count * 100 // max(TOTAL, 1)},
        "level": "ok",
        "message": f"scanned {count}/{TOTAL}",
    }
    if pid:
        out["pid"] = pid
    elif not completed:
        out["level"] = "warn"
        if cp.get("stopReason"):
            out["stopReason"] = cp["stopReason"]
        elif os.path.exists(PID_FILE):
            out["stopReason"] = "crashed"
        else:
            out["stopReason"] = "not started" if count == 0 else "stopped"
    print(json.dumps(out))
    return 0


def reset():
    if running_pid():
        print("demo-scan: running; stop it first", file=sys.stderr)
        return 1
    for path in (CHECKPOINT, PID_FILE):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
    print("demo-scan: checkpoint cleared")
    return 0


def main(argv):
    if len(argv) < 2 or argv[1] not in ("start", "status", "reset"):
        print(__doc__, file=sys.stderr)
        return 2
    if argv[1] == "start":
        return start(argv[2:])
    return status() if argv[1] == "status" else reset()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
