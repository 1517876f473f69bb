-- sizing: what the three Prime strategies share. How much a subscription may be so that the
-- runtime accepts it (the Prime's own deposit limit, its liquid USDS, its risk-capital budget,
-- the concentration caps), and the SORL ladder: ask the Configurator for +25 % once a hop
-- when the limit is what holds the Prime back.
--
-- Every check here mirrors one the runtime makes anyway; mirroring it keeps the Prime's
-- orders from being refused, it does not replace the runtime's check.

local halo = require "halo"

local M = {}

-- The Configurator grants at most x1.25 per hop (both max and slope).
M.STEP = halo.amount("1.25")

--- Exposure (value + pending) per asset class, from the Prime's positions.
function M.class_exposure(ctx)
  local by_class = {}
  for name, position in pairs(ctx.prime.positions) do
    local unit = ctx.universe[name]
    local class = unit and unit.class or "unclassified"
    by_class[class] = (by_class[class] or halo.zero()) + position.exposure
  end
  return by_class
end

--- A running budget for one allocate call: liquid USDS above a reserve, risk capital left.
function M.budget(ctx, reserve_share)
  local prime = ctx.prime
  local keep = prime.portfolio * halo.amount(reserve_share or "0")
  local usds = prime.usds > keep and (prime.usds - keep) or halo.zero()
  local risk = prime.encumbrance_limit > prime.encumbrance and (prime.encumbrance_limit - prime.encumbrance) or halo.zero()
  return { usds = usds, risk = risk, classes = M.class_exposure(ctx) }
end

--- Exposure to one Unit now.
function M.exposure(ctx, name)
  local position = ctx.prime.positions[name]
  return position and position.exposure or halo.zero()
end

--- The cap on exposure to `name` from the Prime's constraints (unit cap, class cap) and an
--- optional own share, as an amount of USDS.
function M.cap(ctx, name, own_share, budget)
  local unit = ctx.universe[name]
  local portfolio = ctx.prime.portfolio
  local cap = portfolio * ctx.constraints.unit_cap
  if own_share then cap = halo.min(cap, portfolio * halo.amount(own_share)) end
  local class_cap = ctx.constraints.class_caps[unit.class]
  if class_cap then
    local class_room = portfolio * class_cap
    local used = budget.classes[unit.class] or halo.zero()
    local left = class_room > used and (class_room - used) or halo.zero()
    cap = halo.min(cap, M.exposure(ctx, name) + left)
  end
  return cap
end

--- Subscribes up to `want` USDS into `name` within every limit; appends the order (and a
--- SORL raise when the deposit limit is what binds) to `orders`; updates `budget`.
--- Returns the amount ordered.
function M.subscribe(ctx, orders, budget, name, want, min_order)
  local unit = ctx.universe[name]
  if want:is_zero() then return halo.zero() end
  local amount = halo.min(want, unit.headroom, budget.usds)
  if not unit.crr:is_zero() then amount = halo.min(amount, budget.risk / unit.crr) end
  if want > unit.headroom then M.raise(ctx, orders, name) end
  if amount < halo.amount(min_order or "1000") then return halo.zero() end
  orders[#orders + 1] = halo.orders.subscribe(name, amount)
  budget.usds = budget.usds - amount
  budget.risk = budget.risk - halo.min(budget.risk, amount * unit.crr)
  budget.classes[unit.class] = (budget.classes[unit.class] or halo.zero()) + amount
  return amount
end

--- Asks for +25 % on the Prime's deposit limit into `name` when the Configurator would accept it.
function M.raise(ctx, orders, name)
  local limit = ctx.universe[name].rate_limit
  if limit and ctx.time >= limit.next_increase then
    orders[#orders + 1] = halo.orders.configure(name, { max = limit.max * M.STEP, slope = limit.slope * M.STEP })
  end
end

--- Names of the Units `keep(name, unit)` accepts, sorted by name (pairs has no order).
function M.units(ctx, keep)
  local names = {}
  for name, unit in pairs(ctx.universe) do
    if unit.onboarded and not unit.subscriptions_halted and keep(name, unit) then names[#names + 1] = name end
  end
  table.sort(names)
  return names
end

return M
