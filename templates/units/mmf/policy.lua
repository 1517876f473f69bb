-- Sentinel policy for mmf-a: a Unit invested in a government money-market fund.
--
-- A money-market fund promises a stable value of 1.00 per fund share and daily liquidity,
-- and is allowed to break both promises under stress: its published per-share value can
-- fall below par ("breaking the buck") and it may gate redemptions. This policy watches
-- exactly those two things. While the fund is gated nothing is sent to it or asked of it;
-- the two queues still net against each other, because subscribers' USDS can pay
-- redeemers directly without the fund's help.
--
-- Params (Unit Artifact, all strings):
--   stale_report_after        "36h"
--   manager_silent_after      "7d"
--   max_daily_capacity        USDS per settlement
--   max_rate_increase_per_day "0.001" (also enforced by the runtime)
--   par                       "1"     the fund's promised per-share value
--   broken_buck               "0.995" fund_nav below this is a critical loss
--   max_gated_days            "3"     a gate longer than this starts migration
--
-- Report fields: nav (USDS per Unit share), holdings, capacity, liquidity,
-- fund_nav (the fund's own per-share NAV), gated (true while redemptions are gated).

local halo = require "halo"
local halts = require "common.halts"
local migration = require "common.migration"

local P = {}

local function settings(ctx)
  local p = ctx.params
  return {
    stale_after = halo.duration(p.stale_report_after or "36h"),
    silent_after = halo.duration(p.manager_silent_after or "7d"),
    max_daily_capacity = p.max_daily_capacity and halo.amount(p.max_daily_capacity),
    par = halo.amount(p.par or "1"),
    broken_buck = halo.amount(p.broken_buck or "0.995"),
    max_gated_seconds = halo.duration((p.max_gated_days or "3") .. "d"),
  }
end

local function below_par(report, cfg)
  return report.fund_nav < cfg.par
end

---@param ctx halo.Ctx
---@return halo.Decision
function P.settle(ctx)
  local cfg = settings(ctx)
  local report = ctx.report

  if halo.is_stale(ctx, cfg.stale_after) then
    -- No fresh NAV: previous rate, queues netted against each other, nothing else.
    local plan = halo.capacities(ctx, ctx.exchange_rate, { deposit = { 0 }, withdraw = { 0 } })
    return { subscribe = plan.subscribe, redeem = plan.redeem, exchange_rate = ctx.exchange_rate,
             note = "report stale or missing: net-flow-only at the previous rate" }
  end

  local rate, capped = halo.bounded_rate(ctx, report.nav)
  local deposit, withdraw = { report.capacity, cfg.max_daily_capacity }, { report.liquidity }
  local why = "nav " .. tostring(report.nav) .. (capped and (" capped at " .. tostring(rate)) or "")

  if report.gated then
    -- A gated fund neither pays out nor should receive new money (it would be locked in
    -- with the gate). Only the matched part of the queues settles.
    deposit, withdraw = { 0 }, { 0 }
    why = why .. "; fund gated: matched flows only"
  elseif below_par(report, cfg) then
    -- Below par the fund is under stress: redeemers may leave at the lower value, but no
    -- new Prime money goes in until it recovers.
    deposit = { 0 }
    why = why .. "; fund below par: no new money to the fund"
  end

  local plan = halo.capacities(ctx, rate, { deposit = deposit, withdraw = withdraw })
  return {
    subscribe = plan.subscribe,
    redeem = plan.redeem,
    exchange_rate = rate,
    note = why .. "; matched " .. tostring(plan.matched) .. ", to fund " .. tostring(plan.net_deposit)
      .. ", from fund " .. tostring(plan.net_withdraw),
  }
end

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
    -- How long the gate has lasted is remembered in ctx.state (first gated report's time),
    -- so it survives reloads and restarts.
    if report.gated then
      ctx.state.gated_since = ctx.state.gated_since or report.time
      local days = (ctx.time - ctx.state.gated_since) // 86400
      raised[#raised + 1] = halo.signal("REDEMPTIONS_GATED", "alert", "fund gated for " .. days .. " day(s)")
      if ctx.time - ctx.state.gated_since > cfg.max_gated_seconds then
        raised[#raised + 1] = halo.signal("GATED_TOO_LONG", "critical",
          "fund gated since " .. halo.date(ctx.state.gated_since) .. ", longer than " .. (ctx.params.max_gated_days or "3") .. " days")
      end
    else
      ctx.state.gated_since = nil
    end
    if below_par(report, cfg) then
      local severity = report.fund_nav < cfg.broken_buck and "critical" or "warning"
      raised[#raised + 1] = halo.signal("BELOW_PAR", severity, "fund nav " .. tostring(report.fund_nav) .. " below par")
    end
    if report.nav < ctx.exchange_rate then
      raised[#raised + 1] = halo.signal("NAV_DROP", "alert",
        "nav " .. tostring(report.nav) .. " below the rate " .. tostring(ctx.exchange_rate))
    end
  end

  raised[#raised + 1] = halts.all_clear(ctx, raised)
  return raised
end

---@param ctx halo.Ctx
---@param raised halo.Signal[]
---@return halo.Action[]
function P.respond(ctx, raised)
  local out = {}
  for _, s in ipairs(raised) do
    if s.code == "STALE_REPORT" then
      halts.halt(ctx, out, "stale report")
    elseif s.code == "REDEMPTIONS_GATED" then
      -- New subscribers would join a queue whose money cannot reach or leave the fund.
      halts.halt(ctx, out, "fund gated")
    elseif s.code == "BELOW_PAR" then
      -- Below par but above the broken-buck line the halt lifts when the fund recovers;
      -- a broken buck is a loss, and a human decides when new money may come back.
      halts.halt(ctx, out, "fund below par", s.severity == "critical")
      if s.severity == "critical" then
        -- Broken buck: cut the road to the fund at once (instant, no SORL for decreases).
        out[#out + 1] = halo.actions.zero_rate_limit("deposit", s.message)
      end
    elseif s.code == "NAV_DROP" then
      out[#out + 1] = halo.actions.haircut(ctx.report.nav, s.message)
    elseif (s.code == "GATED_TOO_LONG" or s.code == "MANAGER_SILENT") and not ctx.flags.migrating then
      out[#out + 1] = halo.actions.migrate(s.message)
    elseif s.code == "ALL_CLEAR" then
      halts.resume(ctx, out)
    elseif s.code == "POLICY_FAILURE" then
      out[#out + 1] = halo.actions.alert("mmf-a policy failed: " .. (s.message or "?"), "alert")
    end
  end
  return out
end

---@param ctx halo.Ctx
---@param reason string
---@return halo.Action[]
function P.migrate(ctx, reason)
  return migration.plan(ctx, reason, {
    "request full redemption from the fund; if it is still gated, file the redemption so "
      .. "the Unit is first in line when the gate lifts, and report the fund's liquidity fee",
  })
end

return P
