#!/usr/bin/env python3
"""Generates examples/passthrough-alpha/feeds/three-weeks.jsonl, the feed `make run` replays.

Three Primes (spark, grove, obex) fund themselves with USDS, subscribe into the three Units,
claim their shares, redeem some later; the three asset managers report every business day.
Week 2 brings trouble: the MMF gates redemptions for two days and the CLO manager misses its
reports (stale), then a downgrade marks the CLO tranche down. Deterministic: no randomness.

Usage: python3 make_feed.py > three-weeks.jsonl
"""
import json
from datetime import datetime, timedelta, timezone

START = datetime(2026, 3, 2, tzinfo=timezone.utc)  # a Monday
PRIMES = ["spark", "grove", "obex"]
UNITS = {
    "tbill-a": {"share": "TBILL-A", "daily_yield": 0.00012, "capacity": "20000000", "liquidity": "15000000"},
    "mmf-a": {"share": "MMF-A", "daily_yield": 0.00011, "capacity": "20000000", "liquidity": "10000000"},
    "clo-aaa-a": {"share": "CLOAAA-A", "daily_yield": 0.00016, "capacity": "5000000", "liquidity": "2000000"},
}

events = []


def at(day, hour, minute=0):
    return (START + timedelta(days=day, hours=hour, minutes=minute)).strftime("%Y-%m-%dT%H:%M:%SZ")


def emit(unit, when, kind, body, event_id):
    events.append({"id": event_id, "unit": unit, "at": when, kind: body})


def dec(x, places=6):
    text = f"{x:.{places}f}".rstrip("0").rstrip(".")
    return text or "0"


# Day 0 morning: the Primes bridge USDS in.
for unit in UNITS:
    for i, prime in enumerate(PRIMES):
        emit(unit, at(0, 8, i), "fund", {"account": prime, "asset": "USDS", "amount": str(25_000_000 + 5_000_000 * i)},
             f"fund-{unit}-{prime}")

nav = {unit: 1.0 for unit in UNITS}
for day in range(21):
    weekday = (START + timedelta(days=day)).weekday()
    if weekday >= 5:
        continue
    for unit, spec in UNITS.items():
        nav[unit] *= 1 + spec["daily_yield"] * (3 if weekday == 0 and day > 0 else 1)
        report = {"nav": dec(nav[unit], 8), "holdings": str(40_000_000 + 1_000_000 * day),
                  "capacity": spec["capacity"], "liquidity": spec["liquidity"]}
        if unit == "tbill-a":
            report["price"] = dec(nav[unit] * 0.9999, 8)
        if unit == "mmf-a":
            report["fund_nav"] = dec(1 + 0.00001 * day, 8)
            report["gated"] = day in (8, 9)  # gated Wednesday and Thursday of week 2
        if unit == "clo-aaa-a":
            if day in (7, 8, 9):  # the CLO manager goes quiet Tuesday to Thursday of week 2
                continue
            downgraded = day >= 10
            if downgraded:
                nav[unit] = min(nav[unit], 0.985) if day == 10 else nav[unit]
            report["nav"] = dec(nav[unit], 8)
            report["price"] = dec(nav[unit] * (0.998 if downgraded else 1.0), 8)
            report["rating"] = "AA+" if downgraded else "AAA"
        emit(unit, at(day, 9), "report", report, f"report-{unit}-{day}")
        # Subscriptions in the active window, a little every day in weeks 1 and 2.
        if day < 12:
            for i, prime in enumerate(PRIMES):
                amount = 1_000_000 + 250_000 * ((day + i) % 4)
                if unit == "clo-aaa-a":
                    amount //= 4
                emit(unit, at(day, 10, 10 * i), "subscribe", {"account": prime, "amount": str(amount)},
                     f"subscribe-{unit}-{prime}-{day}")
        # Claims the morning after a settlement of the day before (subscriptions end on day 11).
        if 0 < day <= 14:
            for i, prime in enumerate(PRIMES):
                emit(unit, at(day, 11, i), "claim", {"account": prime, "queue": "subscribe"},
                     f"claim-{unit}-{prime}-{day}")
        # Week 3: grove redeems part of its shares; the next morning it claims the USDS.
        if day == 14:
            emit(unit, at(day, 12), "redeem", {"account": "grove", "amount": "500000"}, f"redeem-{unit}-grove-{day}")
        if day == 16:
            emit(unit, at(day, 11, 30), "claim", {"account": "grove", "queue": "redeem"}, f"claim-redeem-{unit}-grove-{day}")

# Friday of week 3, after the last settlement: the run ends with a last look at each Unit.
for unit in UNITS:
    emit(unit, at(18, 18), "tick", {}, f"tick-{unit}-end")

events.sort(key=lambda e: (e["at"], e["id"]))
for event in events:
    print(json.dumps(event, separators=(",", ":")))
