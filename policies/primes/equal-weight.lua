-- equal-weight: a diversifying Prime strategy.
--
-- The investable part of the portfolio (everything above a liquidity reserve) is split in
-- equal parts over every onboarded Unit of the allowed classes; each day the Prime tops each
-- Unit up towards its part. A newly onboarded Unit enlarges the set, so on its first day it
-- is the most under-weight Unit of all: this is the strategy that "rebalances into the new
-- Unit" the way the business overview describes. It never sells to rebalance (exposure above
-- the part simply stops growing).
--
-- Params (Prime Artifact, all strings):
--   classes            "tbill,mmf,clo"  asset classes allowed (default: every class)
--   liquidity_reserve  "0.1"            of the portfolio kept as liquid USDS
--   min_order          "1000"

local halo = require "halo"
local sizing = require "sizing"

local P = {}

local function allowed(list)
  if not list then return nil end
  local set = {}
  for class in string.gmatch(list, "[^,%s]+") do set[class] = true end
  return set
end

---@param ctx halo.PrimeCtx
---@return halo.Order[]
function P.allocate(ctx)
  local p = ctx.params
  local classes = allowed(p.classes)
  local names = sizing.units(ctx, function(_, unit) return classes == nil or classes[unit.class] end)
  if #names == 0 then return {} end
  local reserve = halo.amount(p.liquidity_reserve or "0.1")
  local investable = ctx.prime.portfolio - ctx.prime.portfolio * reserve
  local part = investable / #names
  local budget = sizing.budget(ctx, p.liquidity_reserve or "0.1")
  local orders = {}
  for _, name in ipairs(names) do
    local want = halo.min(part, sizing.cap(ctx, name, nil, budget))
    local exposure = sizing.exposure(ctx, name, budget)
    if want > exposure then sizing.subscribe(ctx, orders, budget, name, want - exposure, p.min_order) end
  end
  return orders
end

return P
