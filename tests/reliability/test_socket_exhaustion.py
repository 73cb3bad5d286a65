"""The control socket cannot be exhausted (issue 21, item 11).

300 connections that never send (more than the 256 sessions opsd keeps) do not lock out
`opsctl status`: the longest-idle connection makes room. A client trickling one byte a second
gets 30 s for its whole request, not 30 s per byte.
"""
import json
import socket
import time
import unittest

from reliability_support import Opsd


def connect(o):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(o.socket)
    return s


class SocketExhaustion(unittest.TestCase):
    def setUp(self):
        self.o = Opsd([])
        self.addCleanup(self.o.close)
        self.o.start()

    def test_300_silent_connections_do_not_lock_out_status(self):
        held = []
        self.addCleanup(lambda: [s.close() for s in held])
        for _ in range(300):
            held.append(connect(self.o))
        for _ in range(3):
            r = self.o.ctl("status", "--json", timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(json.loads(r.stdout)["daemon"]["pid"], self.o.proc.pid)

    def test_a_client_sending_one_byte_a_second_is_dropped_after_the_request_timeout(self):
        s = connect(self.o)
        self.addCleanup(s.close)
        req = (b'{"jsonrpc":"2.0","id":1,"method":"status","params":{"pad":"' + b"p" * 200 +
               b'"}}\n')
        started = time.time()
        closed = False
        for i in range(len(req) - 1):  # ~250 s if nobody stopped it
            try:
                s.sendall(req[i:i + 1])
            except OSError:
                closed = True
                break
            time.sleep(1)
            if time.time() - started > 120:
                break
        self.assertTrue(closed, "a trickling client kept its connection for %d s" %
                        (time.time() - started))
        r = self.o.ctl("status", timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)


if __name__ == "__main__":
    unittest.main()
