-- Sentinel policy for clo-aaa-a: a Unit holding the AAA tranche of collateralised loan
-- obligations through a CLO manager.
--
-- AAA CLO paper is safe but not liquid: the manager sells in a dealer market, so redemptions
-- take days and are limited per settlement, and the manager's own mark (nav) can drift from
-- where dealers actually trade (price). The policy therefore
--   * pays redeemers only from the manager's stated liquidity and a per-cycle limit, and
--     says so when a backlog builds up over several cycles;
--   * prices at the lower of mark and dealer price when they disagree by more than 1 %;
--   * treats a rating downgrade as the main credit signal: below AAA it stops buying and
--     cuts the deposit limit, below the artifact's floor it migrates.
--
-- Params (Unit Artifact, all strings):
--   stale_report_after        "48h"   CLO marks are published each business day
--   manager_silent_after      "7d"
--   price_tolerance           "0.01"
--   max_daily_capacity        USDS per settlement
--   max_redemption_per_cycle  USDS the manager can raise per settlement
--   max_rate_increase_per_day "0.001" (also enforced by the runtime)
--   min_rating                "AAA"   below this: DOWNGRADE (alert)
--   rating_floor              "AA-"   below this: DOWNGRADE (critical) and migrate
--   downgrade_deposit_ratio   "0.25"  what is left of the deposit limit after a downgrade
--   backlog_alert_cycles      "3"     settlements in a row leaving redemptions queued

local halo = require "halo"
local halts = require "common.halts"
local migration = require "common.migration"

local P = {}

-- Lower index = better credit. Unknown ratings rank below everything listed: a report we
-- cannot read must not pass for a good one.
local RATINGS = { "AAA", "AA+", "AA", "AA-", "A+", "A", "A-", "BBB+", "BBB", "BBB-" }
local RANK = {}
for i, r in ipairs(RATINGS) do RANK[r] = i end
local function rank(r) return RANK[r] or #RATINGS + 1 end

local function settings(ctx)
  local p = ctx.params
  return {
    stale_after = halo.duration(p.stale_report_after or "48h"),
    silent_after = halo.duration(p.manager_silent_after or "7d"),
    price_tolerance = halo.amount(p.price_tolerance or "0.01"),
    max_daily_capacity = p.max_daily_capacity and halo.amount(p.max_daily_capacity),
    max_redemption = p.max_redemption_per_cycle and halo.amount(p.max_redemption_per_cycle),
    min_rating = p.min_rating or "AAA",
    rating_floor = p.rating_floor or "AA-",
    downgrade_ratio = halo.amount(p.downgrade_deposit_ratio or "0.25"),
    backlog_cycles = math.tointeger(tonumber(p.backlog_alert_cycles or "3")),
  }
end

local function downgraded(report, cfg)
  return rank(report.rating) > rank(cfg.min_rating)
end

-- Mark-to-market with a second opinion: when mark and dealer price disagree we take the
-- lower and do not mark up, for the same reason as tbill-a: redeemers must not leave with
-- value the tranche may not have.
local function choose_rate(ctx, report, cfg)
  if halo.deviates(report.nav, report.price, cfg.price_tolerance) then
    return halo.min(report.nav, report.price, ctx.exchange_rate), "nav and dealer price disagree: lower of the two"
  end
  local rate, capped = halo.bounded_rate(ctx, report.nav)
  return rate, capped and ("nav " .. tostring(report.nav) .. " capped at " .. tostring(rate)) or ("nav " .. tostring(report.nav))
end

---@param ctx halo.Ctx
---@return halo.Decision
function P.settle(ctx)
  local cfg = settings(ctx)
  local report = ctx.report
  local plan, rate, why

  if halo.is_stale(ctx, cfg.stale_after) then
    rate, why = ctx.exchange_rate, "report stale or missing: net-flow-only at the previous rate"
    plan = halo.capacities(ctx, rate, { deposit = { 0 }, withdraw = { 0 } })
  else
    rate, why = choose_rate(ctx, report, cfg)
    local deposit = { report.capacity, cfg.max_daily_capacity }
    if downgraded(report, cfg) then
      -- No more buying of a tranche that just lost its rating; selling continues.
      deposit = { 0 }
      why = why .. "; rated " .. report.rating .. ": no new purchases"
    end
    plan = halo.capacities(ctx, rate, {
      deposit = deposit,
      -- Redemptions: what the manager has raised in cash, and never more than the
      -- per-cycle limit, so one large redeemer cannot force a fire sale.
      withdraw = { report.liquidity, cfg.max_redemption },
    })
  end

  -- Count settlements in a row that leave redemptions waiting; signals() reads it.
  if plan.backlog_redeem:is_zero() then
    ctx.state.redeem_backlog_cycles = 0
  else
    ctx.state.redeem_backlog_cycles = (ctx.state.redeem_backlog_cycles or 0) + 1
  end

  return {
    subscribe = plan.subscribe,
    redeem = plan.redeem,
    exchange_rate = rate,
    note = why .. "; matched " .. tostring(plan.matched) .. ", to manager " .. tostring(plan.net_deposit)
      .. ", from manager " .. tostring(plan.net_withdraw) .. ", redemptions left " .. tostring(plan.backlog_redeem),
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
    if halo.deviates(report.nav, report.price, cfg.price_tolerance) then
      raised[#raised + 1] = halo.signal("PRICE_DEVIATION", "warning",
        "nav " .. tostring(report.nav) .. " vs dealer price " .. tostring(report.price) .. ": "
        .. halo.percent(halo.deviation(report.nav, report.price)) .. " apart")
    end
    if downgraded(report, cfg) then
      local severity = rank(report.rating) > rank(cfg.rating_floor) and "critical" or "alert"
      raised[#raised + 1] = halo.signal("DOWNGRADE", severity, "tranche rated " .. tostring(report.rating))
    end
    if report.nav < ctx.exchange_rate then
      raised[#raised + 1] = halo.signal("NAV_DROP", "alert",
        "nav " .. tostring(report.nav) .. " below the rate " .. tostring(ctx.exchange_rate))
    end
  end

  local backlog = ctx.state.redeem_backlog_cycles or 0
  if backlog >= cfg.backlog_cycles then
    raised[#raised + 1] = halo.signal("REDEEM_BACKLOG", "warning",
      "redemptions left waiting after " .. backlog .. " settlements in a row")
  end

  -- A redemption backlog is expected for CLO paper and is no reason to keep subscriptions
  -- halted, so it does not block ALL_CLEAR.
  local problems = {}
  for _, s in ipairs(raised) do
    if s.code ~= "REDEEM_BACKLOG" then problems[#problems + 1] = s end
  end
  raised[#raised + 1] = halts.all_clear(ctx, problems)
  return raised
end

---@param ctx halo.Ctx
---@param raised halo.Signal[]
---@return halo.Action[]
function P.respond(ctx, raised)
  local out = {}
  for _, s in ipairs(raised) do
    if s.code == "STALE_REPORT" or s.code == "PRICE_DEVIATION" then
      halts.halt(ctx, out, s.code == "STALE_REPORT" and "stale report" or "price deviation")
    elseif s.code == "DOWNGRADE" then
      halts.halt(ctx, out, "downgrade")
      local rating = ctx.report.rating
      if s.severity == "critical" then
        if not ctx.flags.migrating then out[#out + 1] = halo.actions.migrate(s.message) end
      elseif ctx.state.deposit_cut_for ~= rating then
        -- Cut the deposit limit once per rating step (a decrease: instant, no SORL). Doing
        -- it on every report would shrink the limit each day the rating stays low.
        local limit = ctx.rate_limits.deposit
        if limit and not limit.unlimited then
          local ratio = settings(ctx).downgrade_ratio
          ctx.state.deposit_cut_for = rating
          out[#out + 1] = halo.actions.set_rate_limit("deposit", limit.max * ratio, limit.slope * ratio,
            "rated " .. rating .. ": deposit limit cut to " .. halo.percent(ratio))
        end
      end
    elseif s.code == "NAV_DROP" then
      local rate = choose_rate(ctx, ctx.report, settings(ctx))
      out[#out + 1] = halo.actions.haircut(rate, s.message)
    elseif s.code == "REDEEM_BACKLOG" then
      -- Humans ask the manager to raise more cash; nothing automatic would help.
      out[#out + 1] = halo.actions.alert(s.message, "warning")
    elseif s.code == "MANAGER_SILENT" and not ctx.flags.migrating then
      out[#out + 1] = halo.actions.migrate(s.message)
    elseif s.code == "ALL_CLEAR" then
      halts.resume(ctx, out)
    elseif s.code == "POLICY_FAILURE" then
      out[#out + 1] = halo.actions.alert("clo-aaa-a policy failed: " .. (s.message or "?"), "alert")
    end
  end
  return out
end

---@param ctx halo.Ctx
---@param reason string
---@return halo.Action[]
function P.migrate(ctx, reason)
  return migration.plan(ctx, reason, {
    "CLO tranches trade by dealer auction: instruct the manager to sell no more than "
      .. (ctx.params.max_redemption_per_cycle or "the per-cycle limit") .. " USDS per day, "
      .. "report each sale's price, and keep the tranche rather than sell below the last dealer price",
  })
end

return P
