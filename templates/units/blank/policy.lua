-- Sentinel policy for {{unit}}, made by `halo new unit --from blank`.
--
-- A policy proposes and the runtime decides: whatever this file returns is checked against
-- the Unit Artifact (declared signals and responses, rate limits, the daily rate cap) before
-- anything is applied, and a hook that fails changes nothing (no conversion, previous rate,
-- POLICY_FAILURE raised). Amounts are exact halo.amount values; never use a Lua float.
--
-- Params (Unit Artifact, all strings):
--   stale_report_after  "36h"  a report older than this is not priced on
--   max_daily_capacity  USDS   most we send the manager in one settlement
--
-- Try it: `halo test` runs tests/*.yaml; `halo dry-run --trace=settle tests/normal-day.yaml`
-- shows each ctx; after a change, `halo test --update` writes the new numbers into the
-- fixtures' expect steps and shows you the diff.

local halo = require "halo"

local P = {}

local function stale_after(ctx)
  return halo.duration(ctx.params.stale_report_after or "36h")
end

-- Required. At the 13:00 lock: how much of each queue converts at 16:00, and at what rate.
---@param ctx halo.Ctx
---@return halo.Decision
function P.settle(ctx)
  if halo.is_stale(ctx, stale_after(ctx)) then
    -- No fresh NAV: keep the previous rate and only net the two queues against each other;
    -- nothing is sent to or asked of the manager.
    local plan = halo.capacities(ctx, ctx.exchange_rate, { deposit = { 0 }, withdraw = { 0 } })
    return { subscribe = plan.subscribe, redeem = plan.redeem, exchange_rate = ctx.exchange_rate,
             note = "report stale or missing: net-flow-only at the previous rate" }
  end
  local report = ctx.report
  -- The manager's NAV is the rate; the runtime caps a daily increase for us.
  local rate = halo.bounded_rate(ctx, report.nav)
  -- Net the queues first, then the manager's capacity and liquidity and the rate limits.
  local max_capacity = ctx.params.max_daily_capacity and halo.amount(ctx.params.max_daily_capacity)
  local plan = halo.capacities(ctx, rate, { deposit = { report.capacity, max_capacity }, withdraw = { report.liquidity } })
  return { subscribe = plan.subscribe, redeem = plan.redeem, exchange_rate = rate, note = "nav " .. tostring(report.nav) }
end

-- Required because the artifact declares signals. After each report and each cycle.
---@param ctx halo.Ctx
---@return halo.Signal[]
function P.signals(ctx)
  local age = halo.report_age(ctx)
  if age == nil or age > stale_after(ctx) then
    return { halo.signal("STALE_REPORT", "warning", age and ("last report " .. (age // 3600) .. "h old") or "no report yet") }
  end
  -- Our own halt is in force and nothing is wrong any more: say so, so respond() lifts it.
  if ctx.state.halted_by_policy and ctx.flags.subscriptions_halted then
    return { halo.signal("ALL_CLEAR", "info", "fresh report again") }
  end
  return {}
end

-- Required because the artifact declares signals. Proposals for what signals() raised.
---@param ctx halo.Ctx
---@param raised halo.Signal[]
---@return halo.Action[]
function P.respond(ctx, raised)
  local out = {}
  for _, s in ipairs(raised) do
    if s.code == "STALE_REPORT" and not ctx.flags.subscriptions_halted then
      -- New money would be priced on data we do not trust; ctx.state remembers the halt is ours.
      ctx.state.halted_by_policy = true
      out[#out + 1] = halo.actions.halt_subscriptions("stale report")
    elseif s.code == "ALL_CLEAR" then
      ctx.state.halted_by_policy = nil
      out[#out + 1] = halo.actions.resume_subscriptions("fresh report")
    elseif s.code == "POLICY_FAILURE" then
      out[#out + 1] = halo.actions.alert("{{unit}} policy failed: " .. (s.message or "?"), "alert")
    end
  end
  return out
end

return P
