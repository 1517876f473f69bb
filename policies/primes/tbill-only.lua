-- tbill-only: a conservative Prime strategy that holds T-bill Units and nothing else.
--
-- A target share of the portfolio goes into the onboarded Units of class `tbill`, split
-- equally; a new CLO or money-market Unit never receives a dollar from this Prime, whatever
-- its yield. T-bill Units carry (close to) zero capital requirement, so this Prime's
-- encumbrance stays near zero.
--
-- Params (Prime Artifact, all strings):
--   tbill_share  "0.8"   of the portfolio in T-bill Units
--   min_order    "1000"

local halo = require "halo"
local sizing = require "sizing"

local P = {}

---@param ctx halo.PrimeCtx
---@return halo.Order[]
function P.allocate(ctx)
  local p = ctx.params
  local names = sizing.units(ctx, function(_, unit) return unit.class == "tbill" end)
  if #names == 0 then return {} end
  local target = ctx.prime.portfolio * halo.amount(p.tbill_share or "0.8")
  local part = target / #names
  local budget = sizing.budget(ctx, "0")
  local orders = {}
  for _, name in ipairs(names) do
    local want = halo.min(part, sizing.cap(ctx, name, nil, budget))
    local exposure = sizing.exposure(ctx, name, budget)
    if want > exposure then sizing.subscribe(ctx, orders, budget, name, want - exposure, p.min_order) end
  end
  return orders
end

return P
