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

-- The smaller of two amounts (the first on a tie): halo.min for exactly two amounts, without
-- its conversions. Sizing runs once per Unit per day, so it is worth the shortcut.
local function smaller(a, b)
  if b < a then return b end
  return a
end

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
--- It also remembers what stays the same for the whole call (the caps the portfolio implies,
--- parsed parameters), so sizing a hundred Units does not redo that work for each of them.
function M.budget(ctx, reserve_share)
  local prime = ctx.prime
  local keep = prime.portfolio * halo.amount(reserve_share or "0")
  local usds = prime.usds > keep and (prime.usds - keep) or halo.zero()
  local risk = prime.encumbrance_limit > prime.encumbrance and (prime.encumbrance_limit - prime.encumbrance) or halo.zero()
  return {
    usds = usds, risk = risk, classes = M.class_exposure(ctx),
    -- Per-call constants, filled on first use.
    positions = prime.positions, universe = ctx.universe,
    share_caps = {}, class_rooms = {}, min_orders = {},
  }
end

-- The cap from the unit cap and an optional own share: the same for every Unit of one call,
-- so it is kept in the budget (a budget made elsewhere without the cache still works).
local function share_cap(ctx, own_share, budget)
  local key = own_share or ""
  local cache = budget.share_caps
  local cap = cache and cache[key]
  if cap == nil then
    local portfolio = ctx.prime.portfolio
    cap = portfolio * ctx.constraints.unit_cap
    if own_share then cap = smaller(cap, portfolio * halo.amount(own_share)) end
    if cache then cache[key] = cap end
  end
  return cap
end

-- The class cap as an amount of USDS (false: the class has no cap), kept in the budget.
local function class_room(ctx, class, budget)
  local cache = budget.class_rooms
  local room = cache and cache[class]
  if room == nil then
    local class_cap = ctx.constraints.class_caps[class]
    room = class_cap and ctx.prime.portfolio * class_cap or false
    if cache then cache[class] = room end
  end
  return room
end

--- Exposure to one Unit now (`budget` optional: it only saves a lookup).
function M.exposure(ctx, name, budget)
  local position = (budget and budget.positions or ctx.prime.positions)[name]
  return position and position.exposure or halo.zero()
end

--- The cap on exposure to `name` from the Prime's constraints (unit cap, class cap) and an
--- optional own share, as an amount of USDS.
function M.cap(ctx, name, own_share, budget)
  local unit = (budget.universe or ctx.universe)[name]
  local cap = share_cap(ctx, own_share, budget)
  local room = class_room(ctx, unit.class, budget)
  if room then
    local used = budget.classes[unit.class] or halo.zero()
    local left = room > used and (room - used) or halo.zero()
    cap = smaller(cap, M.exposure(ctx, name, budget) + left)
  end
  return cap
end

--- Subscribes up to `want` USDS into `name` within every limit; appends the order (and a
--- SORL raise when the deposit limit is what binds) to `orders`; updates `budget`.
--- Returns the amount ordered.
function M.subscribe(ctx, orders, budget, name, want, min_order)
  local unit = (budget.universe or ctx.universe)[name]
  if want:is_zero() then return halo.zero() end
  local headroom, crr = unit.headroom, unit.crr
  local amount = smaller(smaller(want, headroom), budget.usds)
  if not crr:is_zero() then amount = smaller(amount, budget.risk / crr) end
  if want > headroom then M.raise(ctx, orders, name) end
  if amount < M.min_order(min_order, budget) then return halo.zero() end
  orders[#orders + 1] = halo.orders.subscribe(name, amount)
  budget.usds = budget.usds - amount
  budget.risk = budget.risk - smaller(budget.risk, amount * crr)
  budget.classes[unit.class] = (budget.classes[unit.class] or halo.zero()) + amount
  return amount
end

--- `min_order` (a decimal string, default 1000 USDS) as an amount, parsed once per call.
function M.min_order(min_order, budget)
  local key = min_order or "1000"
  local parsed = budget.min_orders and budget.min_orders[key]
  if parsed == nil then
    parsed = halo.amount(key)
    if budget.min_orders then budget.min_orders[key] = parsed end
  end
  return parsed
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
