#!/usr/bin/env python3
"""A local stand-in for the Hugging Face Hub's HTTP file API, for BertKit's tests (standard library only).

Serves model folders as Hub repos, as huggingface.co answers huggingface_hub:
  GET  /api/models/ORG/NAME/revision/REV    {"id", "sha", "siblings": [{"rfilename"}]}
  HEAD/GET /ORG/NAME/resolve/REV/FILE       X-Repo-Commit; a git file: 200, ETag (its git blob id), Content-Length;
                                            an LFS file (*.safetensors, *.bin): 302 to a content URL on another
                                            origin (http://localhost:PORT when the Hub is http://127.0.0.1:PORT),
                                            X-Linked-Etag (its SHA-256), X-Linked-Size
  GET  /content/...                         the LFS bytes, with Range (206, Content-Range)
Errors carry X-Error-Code (RepoNotFound, RevisionNotFound, EntryNotFound, GatedRepo) like the Hub's.
--log FILE appends each request seen (method, path, Range, Authorization, Host) to FILE as a JSON line.

Repos are given as --repo ORG/NAME=FOLDER[:BEHAVIOUR]; behaviours make it hostile or awkward:
  gated (401/403 GatedRepo unless the bearer token is "good-token"), forbidden (403), dotdot and absolute (a file name
  leaving the repo in the listing), badetag (an ETag that is no file name), oversize (more bytes than announced),
  checksum (an X-Linked-Etag that is not the bytes' SHA-256), loop (the content URL redirects in a circle),
  interrupted (the first GET of an LFS file stops half-way and closes the connection), slow (LFS bytes sent in
  small chunks with pauses), nocommit (no X-Repo-Commit).
The port is printed on the first line of stdout.
"""
import argparse
import hashlib
import http.server
import json
import os
import threading
import time
import urllib.parse

LOG_FILE = None
LOG_LOCK = threading.Lock()
REPOS = {}
SEEN = set()


def git_blob_id(data):
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class Repo:
    def __init__(self, repo_id, folder, behaviour):
        self.repo_id = repo_id
        self.behaviour = behaviour
        self.commit = hashlib.sha1(repo_id.encode()).hexdigest()
        self.files = {}
        for root, _, names in os.walk(folder):
            for name in names:
                path = os.path.join(root, name)
                with open(path, "rb") as f:
                    self.files[os.path.relpath(path, folder).replace(os.sep, "/")] = f.read()

    def listing(self):
        names = sorted(self.files)
        if self.behaviour == "dotdot":
            names.append("../outside.json")
        if self.behaviour == "absolute":
            names.append("/etc/passwd")
        return {"id": self.repo_id, "sha": self.commit, "siblings": [{"rfilename": n} for n in names]}

    @staticmethod
    def is_lfs(name):
        return name.endswith(".safetensors") or name.endswith(".bin")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def record(self):
        if LOG_FILE is None:
            return
        entry = {"method": self.command, "path": self.path, "range": self.headers.get("Range"),
                 "authorization": self.headers.get("Authorization"), "host": self.headers.get("Host")}
        with LOG_LOCK, open(LOG_FILE, "a") as f:
            f.write(json.dumps(entry) + "\n")

    def send(self, status, body=b"", headers=None, head=False):
        self.send_response(status)
        headers = dict(headers or {})
        headers.setdefault("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if not head and body:
            self.wfile.write(body)

    def error(self, status, code, message):
        body = json.dumps({"error": message}).encode()
        self.send(status, body, {"Content-Type": "application/json", "X-Error-Code": code, "X-Error-Message": message},
                  head=self.command == "HEAD")

    def do_HEAD(self):
        self.handle_request(head=True)

    def do_GET(self):
        self.handle_request(head=False)

    def authorized(self, repo):
        token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
        if repo.behaviour == "gated" and token != "good-token":
            status = 403 if token else 401
            self.error(status, "GatedRepo", f"Access to model {repo.repo_id} is restricted. You must have access to it and be authenticated to access it. Please log in.")
            return False
        if repo.behaviour == "forbidden":
            self.error(403, "", "Forbidden")
            return False
        return True

    def handle_request(self, head):
        self.record()
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        parts = path.lstrip("/").split("/")
        if parts[0] == "api" and len(parts) >= 6 and parts[1] == "models" and parts[4] == "revision":
            return self.api(parts[2] + "/" + parts[3], "/".join(parts[5:]))
        if parts[0] == "content" and len(parts) >= 4:
            return self.content(parts[1] + "/" + parts[2], "/".join(parts[3:]), head)
        if len(parts) >= 5 and parts[2] == "resolve":
            return self.resolve(parts[0] + "/" + parts[1], parts[3], "/".join(parts[4:]), head)
        self.error(404, "", "Not Found")

    def find(self, repo_id, revision):
        repo = REPOS.get(repo_id)
        if repo is None:
            self.error(404 if self.headers.get("Authorization") else 401, "RepoNotFound",
                       f"Repository Not Found for url: {self.path}.")
            return None
        if not self.authorized(repo):
            return None
        if revision not in ("main", "v1", repo.commit):
            self.error(404, "RevisionNotFound", f"Invalid rev id: {revision}")
            return None
        return repo

    def api(self, repo_id, revision):
        repo = self.find(repo_id, revision)
        if repo:
            self.send(200, json.dumps(repo.listing()).encode(), {"Content-Type": "application/json"})

    def resolve(self, repo_id, revision, name, head):
        repo = self.find(repo_id, revision)
        if not repo:
            return
        if name not in repo.files:
            return self.error(404, "EntryNotFound", f"{name} does not exist on \"{revision}\"")
        data = repo.files[name]
        headers = {"X-Repo-Commit": repo.commit}
        if repo.behaviour == "nocommit":
            del headers["X-Repo-Commit"]
        if Repo.is_lfs(name):
            sha = hashlib.sha256(data).hexdigest()
            if repo.behaviour == "checksum":
                sha = hashlib.sha256(data + b"x").hexdigest()
            port = self.server.server_address[1]
            location = f"http://localhost:{port}/content/{repo_id}/{urllib.parse.quote(name)}"
            headers.update({"Location": location, "X-Linked-Etag": f'"{sha}"', "X-Linked-Size": str(len(data)),
                            "ETag": f'"{git_blob_id(data)}"'})
            return self.send(302, b"", headers, head=True)
        etag = "../../evil" if repo.behaviour == "badetag" else git_blob_id(data)
        headers.update({"ETag": f'"{etag}"', "Content-Type": "application/octet-stream"})
        self.send(200, data, headers, head=head)

    def content(self, repo_id, name, head):
        repo = REPOS.get(repo_id)
        if repo is None or name.removeprefix("loop-b/") not in repo.files:
            return self.error(404, "", "no such content")
        if repo.behaviour == "loop":
            # /content/R/F → /content/R/loop-b/F → /content/R/F → ...
            port = self.server.server_address[1]
            target = name.removeprefix("loop-b/") if name.startswith("loop-b/") else "loop-b/" + name
            return self.send(302, b"", {"Location": f"http://localhost:{port}/content/{repo_id}/{target}"})
        data = repo.files[name]
        if repo.behaviour == "oversize":
            data = data + b"\0" * 4096
        start = 0
        range_header = self.headers.get("Range")
        if range_header and range_header.startswith("bytes=") and range_header.endswith("-"):
            start = int(range_header[6:-1])
        if start >= len(data) and start > 0:
            return self.send(416, b"", {"Content-Range": f"bytes */{len(data)}"})
        body = data[start:]
        headers = {"Content-Type": "application/octet-stream", "Content-Length": str(len(body)),
                   "Accept-Ranges": "bytes"}
        status = 200
        if start > 0:
            status = 206
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if head:
            return
        if repo.behaviour == "interrupted" and start == 0 and not SEEN:
            SEEN.add((repo_id, name))
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if repo.behaviour == "slow":
            for i in range(0, len(body), 4096):
                self.wfile.write(body[i:i + 4096])
                self.wfile.flush()
                time.sleep(0.01)
            return
        self.wfile.write(body)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--repo", action="append", default=[], help="ORG/NAME=FOLDER[:BEHAVIOUR]")
    parser.add_argument("--log", help="append each request to this file as a JSON line")
    args = parser.parse_args()
    global LOG_FILE
    LOG_FILE = args.log
    for spec in args.repo:
        repo_id, target = spec.split("=", 1)
        folder, _, behaviour = target.partition(":")
        REPOS[repo_id] = Repo(repo_id, folder, behaviour)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
