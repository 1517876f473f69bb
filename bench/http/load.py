#!/usr/bin/env python3
"""Load test of `halo run --http`: N events POSTed from this (second) process over loopback.

Starts the Sentinel on the shipped example (fresh state directory, ephemeral port, token file),
POSTs N `fund` events one request each over one keep-alive connection, waits until the
Sentinel has applied them, re-POSTs the first 100 (duplicates: must not apply twice), stops
it with SIGTERM, then checks: applied == N, none refused, duplicates counted as already
journaled, the funded account holds exactly N * amount, and `halo journal verify` passes.
Prints throughput and latency percentiles. Bounded: N requests, a fixed deadline.

    python3 bench/http/load.py [--events 10000] [--batch 1] [--halo .build/debug/halo]
"""
import argparse, http.client, json, os, re, signal, subprocess, sys, tempfile, time
from decimal import Decimal

_children = []
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--halo", default=os.path.join(ROOT, ".build/debug/halo"))
    parser.add_argument("--batch", type=int, default=1, help="events per request (NDJSON body)")
    parser.add_argument("--deadline", type=float, default=600, help="seconds before giving up")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="halo-load-")
    state = os.path.join(work, "state")
    token = "load-" + os.urandom(8).hex()
    with open(os.path.join(work, "token"), "w") as f:
        f.write(token + "\n")
    sentinel = subprocess.Popen(
        [args.halo, "run", "examples/passthrough-alpha/halo.yaml", "--state", state, "--clock", "sim",
         "--feed", "examples/passthrough-alpha/feeds/three-weeks.jsonl", "--poll", "10ms",
         "--http", "127.0.0.1:0", "--http-token-file", os.path.join(work, "token")],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _children.append(sentinel)
    start = time.monotonic()
    address = None
    for line in sentinel.stderr:
        m = re.search(r"http listening on http://([0-9.]+):(\d+)", line)
        if m:
            address = (m.group(1), int(m.group(2)))
            break
    if address is None:
        sys.exit("the Sentinel did not report its address")
    # Keep draining stderr so the Sentinel never blocks on a full pipe.
    import threading
    threading.Thread(target=lambda: [None for _ in sentinel.stderr], daemon=True).start()
    conn = http.client.HTTPConnection(*address, timeout=30)

    def get(path):
        conn.request("GET", path)
        response = conn.getresponse()
        return json.loads(response.read())

    def wait(predicate, what):
        while time.monotonic() - start < args.deadline:
            status = get("/v1/status")
            if status and predicate(status):
                return status
            time.sleep(0.05)
        sys.exit("timed out waiting for " + what)

    wait(lambda s: s["events_applied"] + s["events_refused"] + s["events_already_journaled"] >= 222, "the feed")
    base = get("/v1/status")
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/x-ndjson"}
    amount = Decimal("1.25")
    latencies = []
    began = time.monotonic()
    for first in range(0, args.events, args.batch):
        body = "\n".join(json.dumps({"id": f"load-{i}", "unit": "tbill-a", "fund": {"account": "load-prime", "asset": "USDS", "amount": str(amount)}})
                         for i in range(first, min(args.events, first + args.batch)))
        i = first
        t0 = time.perf_counter()
        conn.request("POST", "/v1/events", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        latencies.append(time.perf_counter() - t0)
        if response.status != 202:
            sys.exit(f"event {i}: HTTP {response.status}")
    posted = time.monotonic() - began
    applied = wait(lambda s: s["events_applied"] >= base["events_applied"] + args.events, "the events to be applied")
    drained = time.monotonic() - began
    for i in range(100):  # duplicates
        body = json.dumps({"id": f"load-{i}", "unit": "tbill-a", "fund": {"account": "load-prime", "asset": "USDS", "amount": str(amount)}})
        conn.request("POST", "/v1/events", body=body, headers=headers)
        conn.getresponse().read()
    final = wait(lambda s: s["events_already_journaled"] >= base["events_already_journaled"] + 100, "the duplicates")
    unit = get("/v1/units/tbill-a")
    conn.close()
    sentinel.send_signal(signal.SIGTERM)
    sentinel.wait(timeout=60)
    verify = subprocess.run([args.halo, "journal", "verify", "--state", state], cwd=ROOT, capture_output=True, text=True)
    latencies.sort()
    pct = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000
    held = Decimal(unit["accounts"].get("load-prime", {}).get("USDS", "0"))
    checks = {
        "applied == N": final["events_applied"] - base["events_applied"] == args.events,
        "none refused": final["events_refused"] == base["events_refused"],
        "duplicates not applied": final["events_already_journaled"] - base["events_already_journaled"] == 100,
        "balance == N * amount": held == amount * args.events,
        "journal verify": verify.returncode == 0,
    }
    print(f"events: {args.events} POSTed, {args.batch} per request ({len(latencies)} requests), one keep-alive connection")
    print(f"POST throughput: {len(latencies) / posted:.0f} requests/s, {args.events / posted:.0f} events/s ({posted:.1f} s)")
    print(f"latency ms: p50 {pct(0.50):.2f}  p90 {pct(0.90):.2f}  p99 {pct(0.99):.2f}  max {latencies[-1] * 1000:.2f}")
    print(f"applied by the Sentinel: all {args.events} within {drained:.1f} s of the first POST ({args.events / drained:.0f} events/s end to end)")
    print(f"load-prime holds {held} USDS")
    for name, ok in checks.items():
        print(f"  {'ok ' if ok else 'FAIL'} {name}")
    print(verify.stdout.strip().splitlines()[-1] if verify.stdout.strip() else verify.stderr.strip())
    sys.exit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    try:
        main()
    finally:
        # Never leave the Sentinel running, whatever happened.
        for child in list(_children):
            if child.poll() is None:
                child.kill()
