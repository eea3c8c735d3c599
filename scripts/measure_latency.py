#!/usr/bin/env python3
"""Latency of the gateway's main paths, measured against a running demo.

Start `./build.sh demo` in another terminal, then run this script. It prints the
median and maximum of: a wrong-password sign-in, a sign-in up to an online
session, a send until the XMPP server acknowledged it, and a message from one
phone until the other phone's long-poll returns it. Standard library only.
"""
import json
import statistics
import time
import urllib.error
import urllib.request

BASE = "http://127.0.0.1:8480"


def call(method, path, body=None, token=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = "Bearer " + token
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(BASE + path, method=method, data=data, headers=headers)
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    return status, (json.loads(raw) if raw else None), (time.perf_counter() - start) * 1000


def sign_in(user, password, device):
    body = {"jid": f"{user}@localhost", "password": password, "device_id": device, "build_id": "measure"}
    return call("POST", "/v1/sign-in", body)


def summary(samples):
    return f"median {statistics.median(samples):.1f} ms, max {max(samples):.1f} ms (n={len(samples)})"


def main():
    # Four wrong guesses: the fifth would lock the account for five minutes.
    wrong = [sign_in("bob", "wrong", "measure")[2] for _ in range(4)]
    print("wrong-password sign-in (401):", summary(wrong))

    sessions, timings = [], []
    for n in range(9):
        status, body, ms = sign_in("alice", "alice-demo", f"measure-{n}")
        assert status == 201, (status, body)
        sessions.append(body)
        timings.append(ms)
    print("sign-in to an online session (201):", summary(timings))

    status, bob, _ = sign_in("bob", "bob-demo", "measure-bob")
    assert status == 201, (status, bob)
    cursor = bob["cursor"]
    while True:
        _, page, _ = call("GET", f"/v1/events?cursor={cursor}&wait=0", token=bob["token"])
        cursor = page["next_cursor"]
        if not page["events"]:
            break

    sends, deliveries = [], []
    for n in range(30):
        start = time.perf_counter()
        message = {"client_id": f"measure-{n}-{time.time_ns()}", "to": "bob@localhost", "body": f"m{n}"}
        status, body, ms = call("POST", "/v1/messages", message, token=sessions[0]["token"])
        assert status == 200, (status, body)
        sends.append(ms)
        while True:
            _, page, _ = call("GET", f"/v1/events?cursor={cursor}&wait=5", token=bob["token"])
            cursor = page["next_cursor"]
            if any(e["event"]["type"] == "message_received" for e in page["events"]):
                break
        deliveries.append((time.perf_counter() - start) * 1000)
    print("send until the server acknowledged it (200):", summary(sends))
    print("send until the other phone's long-poll returns it:", summary(deliveries))


if __name__ == "__main__":
    main()
