#!/usr/bin/python3
"""sr_standin.py - a small stand-in for a Confluent Schema Registry, for the
avro-confluent tests. It is not the real registry: it speaks the part of the
registry's documented REST API that holoflow and the tests use, keeps its
schemas in memory, and knows no compatibility rules.

  GET  /schemas/ids/{id}                   {"schema": "..."}
  GET  /subjects                           ["s1", ...]
  GET  /subjects/{s}/versions              [1, 2, ...]
  GET  /subjects/{s}/versions/{v|latest}   {"subject","version","id","schema"}
  POST /subjects/{s}/versions              register: {"id": N}
  POST /subjects/{s}                       look up: {"subject","version","id","schema"}

Errors answer {"error_code": N, "message": "..."} as the registry does
(40401 subject not found, 40403 schema not found, 42201 invalid schema).
Schemas are compared after JSON parsing, so the same schema written
differently gets the same id, and one schema registered under two subjects
keeps one id, as in the registry.

Options: --port-file F (bind an ephemeral port on 127.0.0.1, write it to F),
--user U:P (require basic auth), --token T (require a bearer token),
--fail N (answer 503 to the first N requests), --log F (one line per
request: METHOD PATH STATUS), --first-id N.

Only Python's standard library: nothing to install.
"""
import argparse
import base64
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

CT = "application/vnd.schemaregistry.v1+json"


class State:
    def __init__(self, first_id):
        self.lock = threading.RLock()
        self.next_id = first_id
        self.by_id = {}        # id -> schema text
        self.canon = {}        # canonical text -> id
        self.subjects = {}     # subject -> [id, ...] (version = index + 1)
        self.fail = 0


def canonical(text):
    return json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))


def make_handler(state, args, log):
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def answer(self, status, obj):
            body = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("Content-Type", CT)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            if log:
                with state.lock:
                    log.write("%s %s %d\n" % (self.command, self.path, status))
                    log.flush()

        def error(self, status, code, msg):
            self.answer(status, {"error_code": code, "message": msg})

        def authorized(self):
            h = self.headers.get("Authorization", "")
            if args.user:
                want = "Basic " + base64.b64encode(args.user.encode()).decode()
                return h == want
            if args.token:
                return h == "Bearer " + args.token
            return True

        def body(self):
            n = int(self.headers.get("Content-Length", "0"))
            return self.rfile.read(n) if n else b""

        def pre(self):
            with state.lock:
                if state.fail > 0:
                    state.fail -= 1
                    failing = True
                else:
                    failing = False
            if failing:
                self.body()
                self.error(503, 50003, "stand-in registry: failing on purpose")
                return False
            if not self.authorized():
                self.body()
                self.error(401, 401, "Unauthorized")
                return False
            return True

        def parts(self):
            return [unquote(p) for p in self.path.split("?")[0].split("/") if p]

        def do_GET(self):
            if not self.pre():
                return
            p = self.parts()
            with state.lock:
                if len(p) == 3 and p[:2] == ["schemas", "ids"]:
                    try:
                        sid = int(p[2])
                    except ValueError:
                        return self.error(404, 40403, "Schema not found")
                    if sid not in state.by_id:
                        return self.error(404, 40403, "Schema %d not found" % sid)
                    return self.answer(200, {"schema": state.by_id[sid]})
                if p == ["subjects"]:
                    return self.answer(200, sorted(state.subjects))
                if len(p) >= 3 and p[0] == "subjects" and p[2] == "versions":
                    ids = state.subjects.get(p[1])
                    if ids is None:
                        return self.error(404, 40401, "Subject '%s' not found." % p[1])
                    if len(p) == 3:
                        return self.answer(200, list(range(1, len(ids) + 1)))
                    v = len(ids) if p[3] == "latest" else int(p[3])
                    if v < 1 or v > len(ids):
                        return self.error(404, 40402, "Version %s not found." % p[3])
                    sid = ids[v - 1]
                    return self.answer(200, {"subject": p[1], "version": v,
                                             "id": sid, "schema": state.by_id[sid]})
            self.error(404, 404, "HTTP 404 Not Found")

        def do_POST(self):
            if not self.pre():
                return
            p = self.parts()
            raw = self.body()
            try:
                req = json.loads(raw)
                text = req["schema"]
                key = canonical(text)
            except (ValueError, KeyError, TypeError):
                return self.error(422, 42201, "Invalid schema")
            with state.lock:
                if len(p) == 3 and p[0] == "subjects" and p[2] == "versions":
                    sid = state.canon.get(key)
                    if sid is None:
                        sid = state.next_id
                        state.next_id += 1
                        state.canon[key] = sid
                        state.by_id[sid] = text
                    ids = state.subjects.setdefault(p[1], [])
                    if sid not in ids:
                        ids.append(sid)
                    return self.answer(200, {"id": sid})
                if len(p) == 2 and p[0] == "subjects":
                    ids = state.subjects.get(p[1])
                    if ids is None:
                        return self.error(404, 40401, "Subject '%s' not found." % p[1])
                    sid = state.canon.get(key)
                    if sid is None or sid not in ids:
                        return self.error(404, 40403, "Schema not found")
                    return self.answer(200, {"subject": p[1], "version": ids.index(sid) + 1,
                                             "id": sid, "schema": state.by_id[sid]})
            self.error(404, 404, "HTTP 404 Not Found")

    return H


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--user")
    ap.add_argument("--token")
    ap.add_argument("--fail", type=int, default=0)
    ap.add_argument("--log")
    ap.add_argument("--first-id", type=int, default=1)
    args = ap.parse_args()
    state = State(args.first_id)
    state.fail = args.fail
    log = open(args.log, "a") if args.log else None
    srv = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state, args, log))
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    import os
    os.rename(args.port_file + ".tmp", args.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
