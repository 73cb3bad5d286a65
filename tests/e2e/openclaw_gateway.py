"""The real OpenClaw gateway against a loopback Bot API, for tests/e2e/test_openclaw_real.py.

find_openclaw() finds the install of dev/setup-openclaw: $OPSD_OPENCLAW_BIN (an `openclaw`
executable), else $OPSD_OPENCLAW_HOME/bin/openclaw, else
${XDG_CACHE_HOME:-~/.cache}/opsd-openclaw/bin/openclaw; None when there is none.

LoopbackBotApi answers every Bot API method the gateway calls, by method name: getMe with a
bot user, getUpdates with no update after a short wait (a long poll), sendMessage and
editMessageText with a message (echoing message_thread_id: the gateway checks that a topic
message landed in its topic), any other method with `true`; methods it does not know are
listed in unknown_methods().

OpenclawGateway writes openclaw.json into a temporary state dir (OPENCLAW_STATE_DIR and
OPENCLAW_CONFIG_PATH point there, HOME and the gateway's log file too, so nothing outside is
read or written; the model catalog is not fetched from the internet), runs
`openclaw gateway run` in the background and waits for GET /readyz to answer 200 (startup
done, the Telegram account ready). cli() runs the CLI with the same environment.
Standard library only.
"""
import json
import os
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import fake_bot_api

BOT_TOKEN = "123456:loopback-test-token"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "opsd test bot",
            "username": "opsd_test_bot", "can_join_groups": True,
            "can_read_all_group_messages": False, "supports_inline_queries": False}
POLL_WAIT = 1.0  # seconds a getUpdates waits before answering no update

# Methods answered with `true` without being listed as unknown.
TRUE_METHODS = {"deleteWebhook", "setWebhook", "setMyCommands", "deleteMyCommands",
                "setMyDescription", "setMyShortDescription", "setMyName", "setChatMenuButton",
                "setMyDefaultAdministratorRights", "setMessageReaction", "sendChatAction",
                "deleteMessage", "close", "logOut"}


def default_home():
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.environ.get("OPSD_OPENCLAW_HOME") or os.path.join(cache, "opsd-openclaw")


def find_openclaw():
    """The openclaw executable of dev/setup-openclaw, or None."""
    explicit = os.environ.get("OPSD_OPENCLAW_BIN")
    candidate = explicit or os.path.join(default_home(), "bin", "openclaw")
    return candidate if os.path.isfile(candidate) and os.access(candidate, os.X_OK) else None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LoopbackBotApi(fake_bot_api.FakeBotApi):
    def __init__(self):
        super().__init__()
        self._next_id = 100
        self._unknown = []
        self._refusals = []  # (api method, predicate on the body, status, description)

    def calls(self, api_method):
        """Requests for one Bot API method, in arrival order."""
        return [r for r in self.requests() if r.get("api_method") == api_method]

    @staticmethod
    def result_of(request):
        """The `result` this server answered to a recorded request."""
        return request["answer"].get("result")

    def refuse(self, api_method, predicate, status=400, description="Bad Request: chat not found"):
        """Every request for `api_method` whose body satisfies `predicate` is answered
        `status` with `description`."""
        with self._lock:
            self._refusals.append((api_method, predicate, status, description))

    def unknown_methods(self):
        with self._lock:
            return list(self._unknown)

    def wait_call(self, api_method, predicate=lambda r: True, timeout=30):
        """The first request for `api_method` whose body satisfies `predicate`."""
        deadline = time.time() + timeout
        with self._cond:
            while True:
                for r in self._requests:
                    if r.get("api_method") == api_method and predicate(r["body"] or {}):
                        return r
                left = deadline - time.time()
                if left <= 0:
                    seen = sorted({r.get("api_method") for r in self._requests})
                    raise AssertionError("loopback Bot API: no %s matching (methods seen: %s)" %
                                         (api_method, seen))
                self._cond.wait(left)

    # --- internals ---------------------------------------------------------------------
    @staticmethod
    def _parse_body(content_type, raw):
        if not raw:
            return {}
        if "application/x-www-form-urlencoded" in content_type:
            from urllib.parse import parse_qsl
            return dict(parse_qsl(raw.decode("utf-8", "replace")))
        try:
            return json.loads(raw.decode("utf-8"))
        except ValueError:
            return None

    def _message(self, body, edited=False):
        body = body or {}
        chat_id = body.get("chat_id")
        try:
            chat = {"id": int(chat_id), "type": "private" if int(chat_id) > 0 else "supergroup"}
        except (TypeError, ValueError):
            chat = {"id": -1001, "type": "supergroup", "username": str(chat_id).lstrip("@")}
        if edited:
            message_id = int(body.get("message_id", 0))
        else:
            with self._lock:
                self._next_id += 1
                message_id = self._next_id
        msg = {"message_id": message_id, "date": int(time.time()), "chat": chat,
               "from": BOT_USER, "text": body.get("text", "")}
        if edited:
            msg["edit_date"] = int(time.time())
        if body.get("message_thread_id") is not None:
            msg["message_thread_id"] = int(body["message_thread_id"])
            msg["is_topic_message"] = True
        return msg

    def _answer(self, method, body):
        if method == "getMe":
            return 200, {"ok": True, "result": BOT_USER}
        if method == "getUpdates":
            wait = min(float((body or {}).get("timeout") or 0), POLL_WAIT)
            self._stopping.wait(max(wait, 0.2))
            return 200, {"ok": True, "result": []}
        if method == "getWebhookInfo":
            return 200, {"ok": True, "result": {"url": "", "has_custom_certificate": False,
                                                "pending_update_count": 0}}
        if method == "getMyCommands":
            return 200, {"ok": True, "result": []}
        with self._lock:
            refusals = list(self._refusals)
        for api_method, predicate, status, description in refusals:
            if api_method == method and predicate(body or {}):
                return status, {"ok": False, "error_code": status, "description": description}
        if method in ("sendMessage", "editMessageText"):
            return 200, {"ok": True, "result": self._message(body, method == "editMessageText")}
        if method not in TRUE_METHODS:
            with self._lock:
                self._unknown.append(method)
        return 200, {"ok": True, "result": True}


class OpenclawGateway:
    """`openclaw gateway run` on loopback, its Telegram channel pointed at `bot_api`."""

    def __init__(self, binary, bot_api, allow_from=("42",), extra=None):
        self.binary = binary
        self.bot_api = bot_api
        self.dir = tempfile.mkdtemp(prefix="opsd-openclaw-")
        self.state_dir = os.path.join(self.dir, "state")
        os.makedirs(self.state_dir)
        self.config_path = os.path.join(self.state_dir, "openclaw.json")
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.proc = None
        self.log_path = os.path.join(self.dir, "gateway.log")
        self.env = dict(os.environ)
        for k in list(self.env):
            if k.startswith("OPENCLAW_") or k == "TELEGRAM_BOT_TOKEN":
                del self.env[k]
        self.env.update({"OPENCLAW_STATE_DIR": self.state_dir,
                         "OPENCLAW_CONFIG_PATH": self.config_path,
                         "HOME": self.dir, "NO_COLOR": "1"})
        self.config = {
            "gateway": {"mode": "local", "bind": "loopback", "port": self.port,
                        "auth": {"mode": "token", "token": self.token}},
            "channels": {"telegram": {"enabled": True, "botToken": BOT_TOKEN,
                                      "apiRoot": bot_api.url,
                                      "allowFrom": list(allow_from)}},
            "logging": {"file": os.path.join(self.dir, "openclaw.log")},
            # No fetch of the model catalog from the internet (it fails offline anyway).
            "models": {"catalogRefresh": {"enabled": False}},
        }
        self.config.update(extra or {})
        with open(self.config_path, "w") as f:
            json.dump(self.config, f, indent=2)

    def start(self, timeout=120):
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([self.binary, "gateway", "run"], stdout=self._log,
                                     stderr=subprocess.STDOUT, env=self.env, cwd=self.dir,
                                     start_new_session=True)
        self.wait_ready(timeout)
        return self

    def ready(self):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/readyz" % self.port,
                                        timeout=5) as r:
                return r.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def wait_ready(self, timeout=120):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("openclaw gateway exited with %s:\n%s" %
                                     (self.proc.returncode, self.log()[-4000:]))
            if self.ready():
                return
            time.sleep(0.25)
        raise AssertionError("openclaw gateway not ready after %d s:\n%s" %
                             (timeout, self.log()[-4000:]))

    def cli(self, *args, timeout=120):
        """Runs `openclaw ARGS` against this gateway; returns (CompletedProcess, seconds of
        wall time). cpu_seconds is then the CPU time (user + system) the call used."""
        t0, c0 = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
        r = subprocess.run([self.binary] + list(args), capture_output=True, text=True,
                           timeout=timeout, env=self.env, cwd=self.dir)
        c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu_seconds = (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)
        return r, time.monotonic() - t0

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def close(self):
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        if self.proc is not None:
            self._log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
