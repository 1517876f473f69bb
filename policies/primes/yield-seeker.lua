-- yield-seeker: a Prime strategy that chases yield within a risk budget.
--
-- Each day it ranks the onboarded Units by their 30-day annualised yield (from the exchange
-- rate history in ctx.universe) and fills the best first, each up to its share of the
-- portfolio, until the liquid USDS above a reserve or the risk-capital budget runs out.
-- A newly onboarded Unit enters the ranking the day it passes its checklist; its yield comes
-- from the rate history its Sentinel has published. Units whose subscriptions are halted are
-- sold (their claimed shares redeemed).
--
-- Params (Prime Artifact, all strings):
--   min_yield          "0.04"  the 30-day APY a Unit must show to be bought
--   max_unit_share     "0.25"  of the portfolio in one Unit (the runtime's unit_cap also applies)
--   liquidity_reserve  "0.05"  of the portfolio kept as liquid USDS
--   min_order          "1000"  smaller subscriptions are not worth an order

local halo = require "halo"
local sizing = require "sizing"

local P = {}

---@param ctx halo.PrimeCtx
---@return halo.Order[]
function P.allocate(ctx)
  local p = ctx.params
  local min_yield = halo.amount(p.min_yield or "0.04")
  local orders = {}
  local budget = sizing.budget(ctx, p.liquidity_reserve or "0.05")

  -- Sell out of Units that stopped taking subscriptions (their Sentinel halted them).
  for name, position in pairs(ctx.prime.positions) do
    local unit = ctx.universe[name]
    if unit and unit.subscriptions_halted and not position.held:is_zero() then
      orders[#orders + 1] = halo.orders.redeem(name, position.held)
    end
  end

  local names = sizing.units(ctx, function(_, unit) return unit.apy_30d >= min_yield end)
  -- Rank by yield. The float is only a sort key (never money): one conversion per Unit
  -- instead of exact comparisons in every step of the sort.
  local key = {}
  for _, name in ipairs(names) do key[name] = tonumber(tostring(ctx.universe[name].apy_30d)) end
  table.sort(names, function(a, b)
    if key[a] == key[b] then return a < b end
    return key[a] > key[b]
  end)
  for _, name in ipairs(names) do
    local cap = sizing.cap(ctx, name, p.max_unit_share or "0.25", budget)
    local exposure = sizing.exposure(ctx, name, budget)
    if cap > exposure then
      sizing.subscribe(ctx, orders, budget, name, cap - exposure, p.min_order)
    end
  end
  return orders
end

return P
