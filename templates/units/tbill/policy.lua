-- Sentinel policy for tbill-a: a Unit invested in a short-dated US Treasury bill fund.
--
-- T-bills are the plainest asset a Unit can hold: redemptions settle T+1, the price barely
-- moves and yield accrues a little every day. So the policy is mostly about refusing to
-- act on bad data: a stale or disputed NAV keeps yesterday's rate and sends no new money,
-- a lower NAV is recognised at once, and a manager that goes silent for a week starts the
-- Halo's migration procedure.
--
-- Params (Unit Artifact, all strings):
--   stale_report_after        "36h"  a report older than this is not priced on
--   manager_silent_after      "7d"   no report for this long: migrate
--   nav_tolerance             "0.01" |nav - price| / price above this is NAV_DEVIATION
--   max_daily_capacity        USDS   most we send the manager in one settlement
--   max_rate_increase_per_day "0.001" also enforced by the runtime
--   critical_nav_drop         "0.02" a NAV drop deeper than this also stops new money

local halo = require "halo"
local halts = require "common.halts"
local migration = require "common.migration"

local P = {}

local function settings(ctx)
  local p = ctx.params
  return {
    stale_after = halo.duration(p.stale_report_after or "36h"),
    silent_after = halo.duration(p.manager_silent_after or "7d"),
    nav_tolerance = halo.amount(p.nav_tolerance or "0.01"),
    max_daily_capacity = p.max_daily_capacity and halo.amount(p.max_daily_capacity),
    critical_nav_drop = halo.amount(p.critical_nav_drop or "0.02"),
  }
end

-- The exchange rate this report supports, and why.
-- The manager's NAV is the mark, with two guards:
--  * if the independent price disagrees by more than the tolerance we cannot tell which
--    is right, so we take the lower one and never mark *up* on disputed data: a redeemer
--    must not walk away with value the Unit may not have;
--  * an increase is capped per day (halo.bounded_rate): T-bill yield is a few basis points
--    a day, so a bigger jump is more likely a mismark than income, and spreading it costs
--    honest holders only a day's delay. A decrease is taken whole, at once.
local function choose_rate(ctx, report, cfg)
  local nav, price = report.nav, report.price
  if halo.deviates(nav, price, cfg.nav_tolerance) then
    return halo.min(nav, price, ctx.exchange_rate),
      "nav " .. tostring(nav) .. " and price " .. tostring(price) .. " disagree: lower of the two, no increase"
  end
  local rate, capped = halo.bounded_rate(ctx, nav)
  if capped then
    return rate, "nav " .. tostring(nav) .. " capped at " .. tostring(rate)
  end
  return rate, "nav " .. tostring(nav)
end

local function decision(plan, rate, why)
  return {
    subscribe = plan.subscribe,
    redeem = plan.redeem,
    exchange_rate = rate,
    note = why .. "; matched " .. tostring(plan.matched) .. ", to manager " .. tostring(plan.net_deposit)
      .. ", from manager " .. tostring(plan.net_withdraw),
  }
end

-- At lock (13:00): how much of each queue converts at 16:00, and at what rate.
---@param ctx halo.Ctx
---@return halo.Decision
function P.settle(ctx)
  local cfg = settings(ctx)

  if halo.is_stale(ctx, cfg.stale_after) then
    -- No fresh NAV: keep the previous rate and only net the queues against each other.
    -- Matched flows never reach the manager, so they need neither its price nor its
    -- capacity; everything else waits for a report (DOMAIN §4: fall back and say so).
    local plan = halo.capacities(ctx, ctx.exchange_rate, { deposit = { 0 }, withdraw = { 0 } })
    return decision(plan, ctx.exchange_rate, "report stale or missing: net-flow-only at the previous rate")
  end

  local report = ctx.report
  local rate, why = choose_rate(ctx, report, cfg)
  -- The manager says how much it can invest today (capacity) and pay out (liquidity);
  -- halo.capacities nets the queues first and adds the rate limits on top.
  local plan = halo.capacities(ctx, rate, {
    deposit = { report.capacity, cfg.max_daily_capacity },
    withdraw = { report.liquidity },
  })
  return decision(plan, rate, why)
end

-- After every report and every cycle: what is wrong right now.
---@param ctx halo.Ctx
---@return halo.Signal[]
function P.signals(ctx)
  local cfg = settings(ctx)
  local raised = {}
  local age = halo.report_age(ctx)

  if age == nil or age > cfg.stale_after then
    local text = age and ("last report " .. (age // 3600) .. "h old") or "no report received yet"
    raised[#raised + 1] = halo.signal("STALE_REPORT", "warning", text)
    if age and age > cfg.silent_after then
      raised[#raised + 1] = halo.signal("MANAGER_SILENT", "critical", "manager silent: " .. text)
    end
  else
    local report = ctx.report
    if halo.deviates(report.nav, report.price, cfg.nav_tolerance) then
      raised[#raised + 1] = halo.signal("NAV_DEVIATION", "warning",
        "nav " .. tostring(report.nav) .. " vs price " .. tostring(report.price) .. ": "
        .. halo.percent(halo.deviation(report.nav, report.price)) .. " apart")
    end
    if report.nav < ctx.exchange_rate then
      local drop = halo.deviation(report.nav, ctx.exchange_rate)
      local severity = cfg.critical_nav_drop < drop and "critical" or "alert"
      raised[#raised + 1] = halo.signal("NAV_DROP", severity,
        "nav " .. tostring(report.nav) .. " is " .. halo.percent(drop) .. " below the rate " .. tostring(ctx.exchange_rate))
    end
  end

  raised[#raised + 1] = halts.all_clear(ctx, raised)
  return raised
end

-- The response ladder, cheapest rung first. Each action is a proposal the runtime checks
-- against the artifact's `responses` and the PAU's bounds.
---@param ctx halo.Ctx
---@param raised halo.Signal[]
---@return halo.Action[]
function P.respond(ctx, raised)
  local out = {}
  for _, s in ipairs(raised) do
    if s.code == "STALE_REPORT" or s.code == "NAV_DEVIATION" then
      -- New money would be priced on data we do not trust; queued money simply waits.
      halts.halt(ctx, out, s.code == "STALE_REPORT" and "stale report" or "nav deviates from price")
    elseif s.code == "NAV_DROP" then
      -- A loss is recognised now, not at 16:00: until then anyone reading the rate (Primes,
      -- the ledger) would see value that is gone.
      local rate = choose_rate(ctx, ctx.report, settings(ctx))
      out[#out + 1] = halo.actions.haircut(rate, s.message)
      if s.severity == "critical" then
        halts.halt(ctx, out, "nav dropped sharply", true)
        out[#out + 1] = halo.actions.zero_rate_limit("deposit", "nav dropped sharply: no new money to the manager")
      end
    elseif s.code == "MANAGER_SILENT" and not ctx.flags.migrating then
      out[#out + 1] = halo.actions.migrate(s.message)
    elseif s.code == "ALL_CLEAR" then
      halts.resume(ctx, out)
    elseif s.code == "POLICY_FAILURE" then
      out[#out + 1] = halo.actions.alert("tbill-a policy failed: " .. (s.message or "?"), "alert")
    end
  end
  return out
end

-- The Halo's migration plan, plus what is particular to T-bills.
---@param ctx halo.Ctx
---@param reason string
---@return halo.Action[]
function P.migrate(ctx, reason)
  return migration.plan(ctx, reason, {
    "T-bills mature within weeks: instruct the manager to stop rolling maturities and "
      .. "return every redemption to the ALM proxy; no secondary-market sale is needed",
  })
end

return P
