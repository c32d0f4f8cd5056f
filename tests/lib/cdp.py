#!/usr/bin/env python3
"""cdp.py - drive headless Chromium through the DevTools protocol.

A minimal client on the standard library only (no npm, no pip: the test
machine installs Debian packages only, and Debian's chromium is all it
needs): start chromium with --remote-debugging-port=0 and a fresh profile,
read the port it chose from DevToolsActivePort, open the page target's
websocket (RFC 6455: the handshake, masked client frames, unmasked server
frames, continuation frames) and send JSON commands, waiting for each
answer while queueing the events that arrive meanwhile.
"""
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time
import urllib.request

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--remote-debugging-port=0",
         "--window-size=1280,900", "--lang=th-TH"]


class Browser:
    def __init__(self, exe="/usr/bin/chromium"):
        self.profile = tempfile.mkdtemp(prefix="ffkit-chromium-")
        self.proc = subprocess.Popen(
            [exe] + FLAGS + ["--user-data-dir=" + self.profile,
                             "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        for _ in range(600):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            if self.proc.poll() is not None:
                raise RuntimeError("chromium exited")
            time.sleep(0.05)
        self.port = int(open(port_file).read().split()[0])
        for _ in range(100):
            targets = json.load(urllib.request.urlopen(
                "http://127.0.0.1:%d/json/list" % self.port))
            pages = [t for t in targets if t["type"] == "page"]
            if pages:
                break
            time.sleep(0.05)
        ws = pages[0]["webSocketDebuggerUrl"]
        self.sock = socket.create_connection(("127.0.0.1", self.port))
        self.sock.settimeout(60)
        path = ws.split(str(self.port), 1)[1]
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((
            "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n" % (path, self.port, key))
            .encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError("websocket handshake: %r" % head)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def _recv_exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("devtools closed the connection")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _recv_message(self):
        data = b""
        while True:
            b0, b1 = self._recv_exact(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._recv_exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._recv_exact(8))[0]
            if b1 & 0x80:
                mask = self._recv_exact(4)
                payload = bytes(c ^ mask[i % 4] for i, c in
                                enumerate(self._recv_exact(n)))
            else:
                payload = self._recv_exact(n)
            op = b0 & 0x0F
            if op == 8:
                raise RuntimeError("devtools closed the websocket")
            if op in (9, 10):
                continue                    # ping / pong
            data += payload
            if b0 & 0x80:
                return json.loads(data.decode("utf-8"))

    def _send(self, obj):
        data = json.dumps(obj).encode("utf-8")
        head = bytes([0x81])
        n = len(data)
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        self.sock.sendall(head + mask + bytes(
            c ^ mask[i % 4] for i, c in enumerate(data)))

    def call(self, method, **params):
        self.next_id += 1
        self._send({"id": self.next_id, "method": method, "params": params})
        while True:
            m = self._recv_message()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def js(self, expr):
        r = self.call("Runtime.evaluate", expression=expr,
                      returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError("js %s: %s" % (expr, r["exceptionDetails"]))
        return r["result"].get("value")

    def wait(self, expr, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            try:
                if self.js("!!(" + expr + ")"):
                    return True
            except RuntimeError:
                pass                        # the page is being replaced
            time.sleep(0.1)
        raise RuntimeError("timed out waiting for " + expr)

    def screenshot(self, path):
        r = self.call("Page.captureScreenshot", format="png",
                      captureBeyondViewport=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(r["data"]))

    def close(self):
        try:
            self.call("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)
