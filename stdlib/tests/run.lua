-- Unit tests for stdlib/halo.lua and smoke tests of the example policies, on a bare Lua 5.4
-- with the fake host (no Swift runtime needed). Run from the repository root:
--   lua5.4 stdlib/tests/run.lua
-- Prints one line per failure and a summary; exits 1 if anything failed.

package.path = "stdlib/?.lua;policies/?.lua;stdlib/tests/?.lua"
package.preload["halo.host"] = function() return require "fake_host" end

local halo = require "halo"
local A = halo.amount

local passed, failed = 0, 0
local function check(name, got, want)
  if tostring(got) == tostring(want) then
    passed = passed + 1
  else
    failed = failed + 1
    print("FAIL " .. name .. ": got " .. tostring(got) .. ", want " .. tostring(want))
  end
end
local function raises(name, f, pattern)
  local ok, err = pcall(f)
  check(name, not ok and tostring(err):find(pattern, 1, true) ~= nil, true)
end

-- A ctx like the runtime's, from plain values (decimal strings become amounts).
local function ctx_of(t)
  local ctx = {
    time = t.time or 0, time_iso = t.time_iso or "2026-03-02T13:00:00Z", unit = t.unit or "tbill-a",
    hook = t.hook or "settle", params = t.params or {}, state = t.state or {},
    assets = { underlying = "USDS", share = "TBILL-A" },
    exchange_rate = A(t.rate or "1"),
    last_settlement = t.last_settlement, cycle = t.cycle,
    flags = t.flags or { subscriptions_halted = false, relayer_frozen = false, skip_next_cycle = false, migrating = false },
    queues = {
      subscribe = { status = "locked", generation = 1, total_shares = A(t.subscribe or "0"), total_underlying = A(t.subscribe or "0"), reward_per_token = A(0) },
      redeem = { status = "locked", generation = 1, total_shares = A(t.redeem or "0"), total_underlying = A(t.redeem or "0"), reward_per_token = A(0) },
    },
    rate_limits = {
      deposit = t.deposit and { unlimited = false, current = A(t.deposit), max = A(t.deposit_max or t.deposit), slope = A(t.deposit_slope or "115.74074074074074074") }
        or { unlimited = true },
      withdraw = { unlimited = true },
    },
  }
  if t.report then
    local r = {}
    for k, v in pairs(t.report) do
      r[k] = (type(v) == "string" and v:match("^%d+%.?%d*$")) and A(v) or v
    end
    r.time = r.time or ctx.time - 4 * 3600
    ctx.report, ctx.reports = r, { r }
  else
    ctx.reports = {}
  end
  return ctx
end

-- Amounts --------------------------------------------------------------------
check("amount trims", A("1000.500"), "1000.5")
check("integer amount", A(5), "5")
check("add", A("0.1") + A("0.2"), "0.3")
check("mul rounds down", A("1") / A("3") * 3, "0.999999999999999999")
check("div", A("1500200") / A("1.0004"), "1499600.159936025589764094")
check("min skips nil", halo.min(A(3), nil, "2.5"), "2.5")
check("max", halo.max("1", A("1.0001")), "1.0001")
check("sum", halo.sum({ A(1), "2", 3 }), "6")
check("sum varargs", halo.sum(A(1), A(2)), "3")
check("abs_diff", halo.abs_diff("0.97", "1"), "0.03")
raises("float refused", function() return A(0.5) end, "float")
raises("underflow", function() return A(1) - A(2) end, "underflow")
check("== number is never true", A(0) == 0, false)
check("is_zero", A(0):is_zero(), true)

-- Durations and calendar -----------------------------------------------------------
check("36h", halo.duration("36h"), 129600)
check("1d12h", halo.duration("1d12h"), 129600)
check("250ms", halo.duration("250ms"), 0.25)
check("2000ms", halo.duration("2000ms"), 2)
check("7d", halo.duration("7d"), 604800)
raises("bad duration", function() return halo.duration("1w") end, "cannot read")
local MON = 1772409600 -- 2026-03-02T00:00:00Z
check("weekday", halo.weekday(MON), "monday")
check("weekday sat", halo.weekday(MON + 5 * 86400 + 3600), "saturday")
check("date", halo.date(MON), "2026-03-02")
check("date leap", halo.date(MON - 86400), "2026-03-01")
check("days since", halo.days_since_last_settlement({ time = MON + 13 * 3600, last_settlement = { time = MON - 3 * 86400 + 16 * 3600 } }), 3)

-- Reports ---------------------------------------------------------------------------
local c = ctx_of { time = MON, report = { nav = "1", price = "1", time = MON - 37 * 3600 } }
check("age", halo.report_age(c), 37 * 3600)
check("stale", halo.is_stale(c, "36h"), true)
check("fresh", halo.is_stale(c, "48h"), false)
check("no report is stale", halo.is_stale(ctx_of {}, "36h"), true)
check("deviation", halo.deviation("0.98", "1"), "0.02")
check("deviates", halo.deviates("1.0101", "1", "0.01"), true)
check("within", halo.deviates("1.01", "1", "0.01"), false)
check("percent", halo.percent("0.0125"), "1.25%")

-- Signals and actions -------------------------------------------------------------------
check("signal", halo.signal("STALE_REPORT", "warning", "x").severity, "warning")
raises("bad severity", function() return halo.signal("X", "loud") end, "severity")
check("haircut rate string", halo.actions.haircut(A("0.97"), "r").rate, "0.97")
check("set_rate_limit", halo.actions.set_rate_limit("deposit", A("2500000"), "28.935185185185185185", "r").max, "2500000")

-- Prime orders ------------------------------------------------------------------------------
check("order subscribe", halo.orders.subscribe("clo-aaa-b", "1000000").amount, "1000000")
check("order subscribe kind", halo.orders.subscribe("clo-aaa-b", A("1")).order, "subscribe")
check("order redeem", halo.orders.redeem("tbill-a", A("500000")).amount, "500000")
check("order exit", halo.orders.exit("tbill-a").unit, "tbill-a")
check("order configure", halo.orders.configure("clo-aaa-b", { max = "125000" }).max, "125000")
check("order configure slope", halo.orders.configure("clo-aaa-b", { max = "125000" }).slope, nil)

-- Netting and capacities --------------------------------------------------------------------
c = ctx_of { rate = "1.0003", subscribe = "400000", redeem = "1000000" }
local n = halo.net(c, A("1.0003"))
check("net matched", n.matched, "400000")
check("net matched shares", n.matched_shares, "399880.035989203239028291")
check("net redeem value", n.redeem_value, "1000300")
local cap = halo.capacities(c, A("1.0003"), { withdraw = { "1000000" } })
check("cap redeem all", cap.redeem, "1000000")
check("cap net withdraw", cap.net_withdraw, "600300")
cap = halo.capacities(c, A("1.0003"), { withdraw = { "100000" } })
check("cap redeem limited", cap.redeem, "499850.044986504048785363")
check("cap backlog", cap.backlog_redeem, "500149.955013495951214637")
c = ctx_of { subscribe = "3000000", deposit = "2000000" }
cap = halo.capacities(c, A(1), { deposit = { "5000000" } })
check("cap deposit rate limit", cap.subscribe, "2000000")

-- Rates ---------------------------------------------------------------------------------------
c = ctx_of { time = MON + 13 * 3600, rate = "1.0006", last_settlement = { time = MON - 86400 + 16 * 3600 } }
local r, capped = halo.bounded_rate(c, A("1.003"))
check("ceiling", r, "1.0016006")
check("capped", capped, true)
-- Friday 16:00 -> Monday 13:00 is 69 h: 1.0009 + 1.0009 * 0.001 * 69 / 24 = 1.0037775875
c = ctx_of { time = MON + 13 * 3600, rate = "1.0009", last_settlement = { time = MON - 3 * 86400 + 16 * 3600 } }
check("weekend ceiling", (halo.bounded_rate(c, A("1.01"))), "1.0037775875")
check("decrease passes", (halo.bounded_rate(c, A("0.97"))), "0.97")

-- Policies load and decide ------------------------------------------------------------------------
for _, name in ipairs { "tbill", "tbill-v2", "mmf", "clo-aaa", "halo-migration" } do
  local ok, p = pcall(require, name)
  check("load " .. name, ok and type(p) == "table", true)
  if not ok then print(p) end
end

local tbill = require "tbill"
c = ctx_of { time = MON + 13 * 3600, rate = "1", subscribe = "2000000", redeem = "500000", deposit = "10000000",
  report = { nav = "1.0004", price = "1.0003", holdings = "0", capacity = "1000000", liquidity = "3000000" },
  params = { stale_report_after = "36h", nav_tolerance = "0.01", max_daily_capacity = "50000000" } }
local d = tbill.settle(c)
check("tbill rate", d.exchange_rate, "1.0004")
check("tbill subscribe", d.subscribe, "1500200")
check("tbill redeem", d.redeem, "500000")

local v2 = require "tbill-v2"
d = v2.settle(c)
check("tbill-v2 subscribe", d.subscribe, "1300200")

local mmf = require "mmf"
c = ctx_of { time = MON + 13 * 3600, rate = "1", subscribe = "100", redeem = "300", deposit = "10000000",
  report = { nav = "1", fund_nav = "1", holdings = "0", capacity = "1000", liquidity = "1000", gated = true } }
d = mmf.settle(c)
check("mmf gated subscribe", d.subscribe, "100")
check("mmf gated redeem", d.redeem, "100")
c.hook = "signals"
local s = mmf.signals(c)
check("mmf gated signal", s[1] and s[1].code, "REDEMPTIONS_GATED")
local acts = mmf.respond(c, s)
check("mmf gated halts", acts[1] and acts[1].action, "halt_subscriptions")

local clo = require "clo-aaa"
c = ctx_of { time = MON + 13 * 3600, rate = "1", redeem = "5000000", deposit = "10000000",
  params = { max_redemption_per_cycle = "2000000" },
  report = { nav = "1", price = "1", holdings = "0", capacity = "0", liquidity = "3000000", rating = "AA+" } }
d = clo.settle(c)
check("clo redeem limited", d.redeem, "2000000")
check("clo backlog state", c.state.redeem_backlog_cycles, 1)
s = clo.signals(c)
check("clo downgrade", s[1] and s[1].code .. "/" .. s[1].severity, "DOWNGRADE/alert")
acts = clo.respond(c, s)
check("clo downgrade cut", acts[2] and acts[2].action .. " " .. acts[2].max, "set_rate_limit 2500000")

local plan = clo.migrate(c, "test")
check("migration ends with freeze", plan[#plan].action, "freeze")

print(string.format("%d passed, %d failed", passed, failed))
os.exit(failed == 0 and 0 or 1)
