#!/usr/bin/env python3
"""STAND-IN servers for berth's doctor tests — not real mirrors or registries.

Each answers the way a known-bad real one does, so the bootstrap and docker meet the failure
for real:
  :80   /forbidden/…  403, like an in-cloud mirror (Aliyun, Tencent) reached from outside
        /resigned/…   the kit's mirror, but the docker-ce key it publishes (a throwaway key,
                      /keys/published.asc) is not the one that signed the repository (a mirror
                      re-signed by its owner, or caught between key and index after a re-sync)
        /stale/…      the kit's mirror, with Packages files that no longer match the signed
                      index (a mirror caught mid-sync: "Hash Sum mismatch")
        /moved/…      the kit's mirror, with another build of the conda installers under the
                      same names (a "latest" that moved on, or a tampered file)
        /flaky/…      the kit's mirror, or, while /tmp/flaky says so, "down" (503 on the
                      repository's dists/ but the Release file berth probes) or "stale" (like /stale)
  :443  (TLS, with /tls/cert.pem and /tls/key.pem) /to-http/… redirects to the kit's mirror
        over plain HTTP, like an https mirror that sends downloads to an http host
  :5000 a registry answering like Docker Hub over its pull limit (429 toomanyrequests)
  :5001 a closed Docker Hub accelerator: 403 on everything
"""
import http.server
import json
import os
import ssl
import threading
import urllib.error
import urllib.request

UPSTREAM = "http://mirror.berth.lab"
# A real, valid OpenPGP key that did not sign the kit's repository.
PUBLISHED_KEY = open("/keys/published.asc", "rb").read()
HUB_LIMIT = json.dumps({"errors": [{"code": "TOOMANYREQUESTS", "message": "You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit"}]}).encode()


class Base(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def send(self, code, body, ctype="application/octet-stream", headers=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()


def flaky_state():
    try:
        return open("/tmp/flaky").read().strip()
    except FileNotFoundError:
        return ""


class Mirror(Base):
    def do_GET(self):
        mode, _, rest = self.path.lstrip("/").partition("/")
        if mode == "forbidden":
            return self.send(403, b"<html><head><title>403 Forbidden</title></head><body><h1>403 Forbidden</h1></body></html>\n", "text/html")
        if mode not in ("resigned", "stale", "moved", "flaky"):
            return self.send(404, b"404 Not Found\n", "text/plain")
        if mode == "flaky":
            mode = flaky_state() or mode
            if mode == "down" and "/dists/" in rest and not rest.endswith("/Release"):
                return self.send(503, b"<html><body><h1>503 Service Unavailable</h1></body></html>\n", "text/html")
        if mode == "resigned" and rest.endswith("/linux/debian/gpg"):
            return self.send(200, PUBLISHED_KEY, "text/plain")
        try:
            body = urllib.request.urlopen(f"{UPSTREAM}/{rest}", timeout=10).read()
        except urllib.error.HTTPError as e:
            return self.send(e.code, b"", "text/plain")
        if mode == "stale" and "/Packages" in rest and body:
            body = body[:-1] + bytes([body[-1] ^ 1])
        if mode == "moved" and "/miniconda/" in rest and rest.endswith(".sh"):
            body += b"# another build under the same name\n"
        self.send(200, body)


class ToHttp(Base):
    def do_GET(self):
        mode, _, rest = self.path.lstrip("/").partition("/")
        if mode != "to-http":
            return self.send(404, b"404 Not Found\n", "text/plain")
        self.send(302, b"", "text/plain", [("Location", f"{UPSTREAM}/{rest}")])


class Hub(Base):
    def do_GET(self):
        if self.path == "/v2/":
            return self.send(200, b"{}", "application/json", [("Docker-Distribution-API-Version", "registry/2.0")])
        self.send(429, HUB_LIMIT, "application/json", [("Docker-Distribution-API-Version", "registry/2.0")])


class Closed(Base):
    def do_GET(self):
        self.send(403, b'{"errors":[{"code":"DENIED","message":"this mirror is closed"}]}', "application/json")


for port, handler in ((5000, Hub), (5001, Closed)):
    threading.Thread(target=http.server.ThreadingHTTPServer(("", port), handler).serve_forever, daemon=True).start()
if os.path.exists("/tls/cert.pem"):
    tls = http.server.ThreadingHTTPServer(("", 443), ToHttp)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain("/tls/cert.pem", "/tls/key.pem")
    tls.socket = context.wrap_socket(tls.socket, server_side=True)
    threading.Thread(target=tls.serve_forever, daemon=True).start()
http.server.ThreadingHTTPServer(("", 80), Mirror).serve_forever()
