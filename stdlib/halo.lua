-- halo: the standard library a Unit policy gets from `require "halo"`.
--
-- Everything here is plain Lua 5.4 built on the host primitives in `halo.host`
-- (exact amounts, provided by the runtime). It never touches io, os (beyond the
-- simulated clock the runtime already put in ctx), debug or package, so it runs
-- unchanged inside the policy sandbox and under a fake host in stdlib/tests.
--
-- The library helps a policy *propose*; the runtime still checks every decision
-- (capacities, rate limits, rate increases, declared signals and responses).
-- Helpers that mirror a runtime check (capacities, bounded_rate) exist so that a
-- policy's proposal passes that check instead of being refused as `bad-decision`.

local host = require "halo.host"

local halo = {}

-- The host module stays reachable for authors who need a primitive directly.
halo.host = host

---------------------------------------------------------------------------
-- Amounts
---------------------------------------------------------------------------

-- halo.amount(x): an exact 18-decimal amount from a decimal string ("1000.5"),
-- a Lua integer (5 means 5 tokens) or another amount. Floats are refused on
-- purpose: 0.1 has no exact binary form and money must not drift.
halo.amount = host.amount
halo.is_amount = host.is_amount

local amount = host.amount

-- Accepts what a policy naturally has at hand (amount, decimal string, integer).
local function as_amount(x)
  if host.is_amount(x) then return x end
  return amount(x)
end
halo.as_amount = as_amount

--- The zero amount. A fresh value each call: amounts are values, not shared state.
function halo.zero()
  return amount(0)
end

--- The smallest of one or more amounts (strings and integers are converted). nils are skipped,
--- so optional limits can be passed straight through: halo.min(a, report.capacity, cap).
function halo.min(...)
  local best
  for i = 1, select("#", ...) do
    local x = select(i, ...)
    if x ~= nil then
      x = as_amount(x)
      if best == nil or x < best then best = x end
    end
  end
  if best == nil then error("halo.min: no amounts given", 2) end
  return best
end

--- The largest of one or more amounts; nils are skipped.
function halo.max(...)
  local best
  for i = 1, select("#", ...) do
    local x = select(i, ...)
    if x ~= nil then
      x = as_amount(x)
      if best == nil or best < x then best = x end
    end
  end
  if best == nil then error("halo.max: no amounts given", 2) end
  return best
end

--- The sum of a list of amounts (or of the arguments). An empty sum is zero.
function halo.sum(first, ...)
  local list = first
  if type(first) ~= "table" or host.is_amount(first) then list = { first, ... } end
  local total = amount(0)
  for _, x in ipairs(list) do total = total + as_amount(x) end
  return total
end

--- |a - b| without ever going below zero (amount subtraction below zero raises).
function halo.abs_diff(a, b)
  a, b = as_amount(a), as_amount(b)
  if a < b then return b - a end
  return a - b
end

---------------------------------------------------------------------------
-- Durations and the calendar (pure arithmetic on the simulated clock)
---------------------------------------------------------------------------

local unit_seconds = { ms = nil, s = 1, m = 60, h = 3600, d = 86400 }

--- halo.duration("36h") -> 129600. Units: ms, s, m, h, d; parts may be chained ("1d12h").
--- A number is taken as seconds already. Milliseconds give a fractional second only when
--- they do not make a whole one ("250ms" -> 0.25, "2000ms" -> 2).
function halo.duration(text)
  if type(text) == "number" then return text end
  if type(text) ~= "string" or text == "" then
    error("halo.duration: expected a string like \"36h\", got " .. tostring(text), 2)
  end
  local seconds, millis, rest = 0, 0, text
  while rest ~= "" do
    local digits, unit, tail = rest:match("^(%d+)(ms)(.*)$")
    if not digits then digits, unit, tail = rest:match("^(%d+)([smhd])(.*)$") end
    if not digits then
      error("halo.duration: cannot read \"" .. text .. "\" (units: ms, s, m, h, d)", 2)
    end
    local n = math.tointeger(tonumber(digits))
    if unit == "ms" then millis = millis + n else seconds = seconds + n * unit_seconds[unit] end
    rest = tail
  end
  if millis % 1000 == 0 then return seconds + millis // 1000 end
  return seconds + millis / 1000
end

local SECONDS_PER_DAY = 86400
local weekdays = { "thursday", "friday", "saturday", "sunday", "monday", "tuesday", "wednesday" }

--- The UTC day number of a time (days since 1970-01-01).
function halo.day(t)
  return t // SECONDS_PER_DAY
end

--- "monday" .. "sunday" for a UTC time in seconds (1970-01-01 was a Thursday).
function halo.weekday(t)
  return weekdays[halo.day(t) % 7 + 1]
end

--- "2026-03-02" for a UTC time in seconds (civil-from-days, proleptic Gregorian).
function halo.date(t)
  local z = halo.day(t) + 719468
  local era = z // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400 + (m <= 2 and 1 or 0)
  return string.format("%04d-%02d-%02d", y, m, d)
end

--- Whole calendar days since the last settlement, or nil if the Unit never settled.
--- In `settle` the runtime's own figure (ctx.cycle) wins: it is the one its rate check uses.
function halo.days_since_last_settlement(ctx)
  if ctx.cycle and ctx.cycle.days_since_last_settlement then
    return ctx.cycle.days_since_last_settlement
  end
  if not ctx.last_settlement then return nil end
  return halo.day(ctx.time) - halo.day(ctx.last_settlement.time)
end

---------------------------------------------------------------------------
-- Reports: age, staleness, deviation
---------------------------------------------------------------------------

--- Seconds since the latest asset-manager report arrived, or nil if there is none.
function halo.report_age(ctx)
  if not ctx.report then return nil end
  return ctx.time - ctx.report.time
end

--- True when there is no report or the latest is older than max_age ("36h" or seconds).
--- No report at all counts as stale: a policy must never price on data it does not have.
function halo.is_stale(ctx, max_age)
  local age = halo.report_age(ctx)
  if age == nil then return true end
  return age > halo.duration(max_age)
end

--- |a - b| / b as an amount ratio (0.01 = 1 %), rounded down. b must not be zero.
function halo.deviation(a, b)
  a, b = as_amount(a), as_amount(b)
  if b:is_zero() then error("halo.deviation: reference value is zero", 2) end
  return halo.abs_diff(a, b) / b
end

--- True when a differs from the reference b by more than tolerance (a ratio, "0.01").
function halo.deviates(a, b, tolerance)
  return as_amount(tolerance) < halo.deviation(a, b)
end

--- A human figure for messages: "1.25%" from the ratio 0.0125 (exact, trimmed).
function halo.percent(ratio)
  return tostring(as_amount(ratio) * 100) .. "%"
end

---------------------------------------------------------------------------
-- Signals and actions
---------------------------------------------------------------------------

local severities = { info = true, warning = true, alert = true, critical = true }

--- A raised signal. The code must be declared in the Unit Artifact's `signals`.
function halo.signal(code, severity, message)
  if type(code) ~= "string" or code == "" then error("halo.signal: code must be a string", 2) end
  if not severities[severity] then
    error("halo.signal: severity must be info, warning, alert or critical, got " .. tostring(severity), 2)
  end
  return { code = code, severity = severity, message = message or code }
end

--- True when a signal with this code is in the list `respond` received.
function halo.raised(list, code)
  for _, s in ipairs(list or {}) do
    if s.code == code then return true end
  end
  return false
end

--- The raised signal with this code, or nil.
function halo.find_signal(list, code)
  for _, s in ipairs(list or {}) do
    if s.code == code then return s end
  end
  return nil
end

-- Constructors for the actions `respond` and `migrate` return. Each one is only a
-- proposal: the runtime refuses (and records) any action the Unit Artifact does not
-- list under `responses` or that PAU bounds do not permit.
local actions = {}
halo.actions = actions

function actions.halt_subscriptions(reason)
  return { action = "halt_subscriptions", reason = reason }
end

function actions.resume_subscriptions(reason)
  return { action = "resume_subscriptions", reason = reason }
end

--- Instantly cut a rate limit to zero (the first rung of the emergency ladder).
function actions.zero_rate_limit(key, reason)
  return { action = "zero_rate_limit", key = key, reason = reason }
end

--- Change a rate limit through the Configurator: increases stay bounded by SORL and inits.
function actions.set_rate_limit(key, max, slope, reason)
  return { action = "set_rate_limit", key = key, max = tostring(as_amount(max)),
           slope = tostring(as_amount(slope)), reason = reason }
end

--- Lower the exchange rate at once (a loss is recognised immediately, never smoothed).
function actions.haircut(rate, reason)
  return { action = "haircut", rate = tostring(as_amount(rate)), reason = reason }
end

--- The next settlement converts nothing.
function actions.skip_cycle(reason)
  return { action = "skip_cycle", reason = reason }
end

--- Remove the relayer: every flow of the PAU is refused, funds stay in the ALM proxy.
function actions.freeze(reason)
  return { action = "freeze", reason = reason }
end

--- Start the Unit's migration procedure (the runtime calls the policy's `migrate`).
function actions.migrate(reason)
  return { action = "migrate", reason = reason }
end

--- Page a human. severity defaults to the runtime's choice ("alert").
function actions.alert(reason, severity)
  return { action = "alert", reason = reason, severity = severity }
end

--- A plain-text step in a migration plan: recorded, never executed.
function actions.note(text)
  return { action = "note", text = text }
end

---------------------------------------------------------------------------
-- Prime orders (what a Prime policy's `allocate` returns)
---------------------------------------------------------------------------

-- Constructors for a Prime's orders. Each is a proposal: the runtime checks every one
-- (onboarding, the Prime's own rate limit into the Unit, its liquid USDS, encumbrance,
-- concentration) and records a refused order with its code; the others still go through.
local orders = {}
halo.orders = orders

--- Put `amount` USDS into the Unit's subscribe queue (converted at a later settlement).
function orders.subscribe(unit, amount_)
  return { order = "subscribe", unit = unit, amount = as_amount(amount_) }
end

--- Put `shares` of the Unit's share token into its redeem queue.
function orders.redeem(unit, shares)
  return { order = "redeem", unit = unit, amount = as_amount(shares) }
end

--- Leave the Unit's subscribe queue: what is still pending comes back as USDS.
function orders.exit(unit)
  return { order = "exit", unit = unit }
end

--- Ask the Configurator to set this Prime's deposit limit into the Unit: `limit.max` (USDS)
--- and optionally `limit.slope` (USDS per second; default max per day). Increases are bounded
--- by SORL (at most x1.25 per 18 h hop, or the init).
function orders.configure(unit, limit)
  return { order = "configure", unit = unit, max = as_amount(limit.max),
           slope = limit.slope ~= nil and as_amount(limit.slope) or nil }
end

---------------------------------------------------------------------------
-- Rate limits, netting and capacities
---------------------------------------------------------------------------

--- What the rate limit `key` still lets through now: an amount, or nil when unlimited.
--- A key the Unit never set reads zero, as on chain.
function halo.headroom(ctx, key)
  local limit = ctx.rate_limits and ctx.rate_limits[key]
  if limit == nil then return amount(0) end
  if limit.unlimited then return nil end
  return limit.current
end

--- Pair the two queues at `rate` (default: the current exchange rate).
--- Subscribers' USDS pays redeemers directly, so the matched part never reaches the manager.
--- Returns {
---   matched        = USDS that changes hands inside the Unit,
---   matched_shares = Unit shares of the redeem queue that the matched USDS buys back,
---   subscribe_left = USDS still waiting after matching,
---   redeem_left    = Unit shares still waiting after matching,
---   redeem_value   = USDS value of the whole redeem queue at rate }
function halo.net(ctx, rate)
  rate = as_amount(rate or ctx.exchange_rate)
  local subscribe_total = ctx.queues.subscribe.total_underlying
  local redeem_total = ctx.queues.redeem.total_underlying
  local redeem_value = redeem_total * rate
  local matched = subscribe_total:min(redeem_value)
  local matched_shares
  if matched == redeem_value then
    -- The whole redeem queue is matched: take every share, not matched / rate, whose
    -- rounding would strand a few base units of shares in the queue.
    matched_shares = redeem_total
  elseif rate:is_zero() then
    matched_shares = amount(0)
  else
    matched_shares = matched / rate
  end
  return {
    matched = matched,
    matched_shares = matched_shares,
    subscribe_left = subscribe_total - matched,
    redeem_left = redeem_total - matched_shares,
    redeem_value = redeem_value,
  }
end

--- Capacities for a settlement decision that pass the runtime's checks.
---   rate: the exchange rate the decision proposes (the settle happens at that rate).
---   limits.deposit:  list of extra caps on USDS sent to the manager (nil entries ignored),
---                    e.g. { report.capacity, params.max_daily_capacity }.
---   limits.withdraw: list of extra caps on USDS the manager pays back,
---                    e.g. { report.liquidity, params.max_redemption_per_cycle }.
--- The `deposit` and `withdraw` rate limits are always applied on top.
--- Returns { subscribe = USDS, redeem = shares, matched = USDS, net_deposit = USDS,
---           net_withdraw = USDS, backlog_subscribe = USDS, backlog_redeem = shares }.
function halo.capacities(ctx, rate, limits)
  rate = as_amount(rate)
  limits = limits or {}
  local net = halo.net(ctx, rate)

  local function cap(wanted, key, extra)
    local bound = wanted
    local headroom = halo.headroom(ctx, key)
    if headroom then bound = bound:min(headroom) end
    for _, x in pairs(extra or {}) do bound = bound:min(as_amount(x)) end
    return bound
  end

  local net_deposit = cap(net.subscribe_left, "deposit", limits.deposit)

  local redeem_left_value = net.redeem_value - net.matched
  local net_withdraw = cap(redeem_left_value, "withdraw", limits.withdraw)
  local extra_shares
  if net_withdraw == redeem_left_value then
    extra_shares = net.redeem_left            -- all of it: no rounding dust left behind
  elseif rate:is_zero() then
    extra_shares = amount(0)
  else
    extra_shares = net_withdraw / rate        -- rounded down: never pay out more than allowed
  end

  local subscribe = net.matched + net_deposit
  local redeem = net.matched_shares + extra_shares
  return {
    subscribe = subscribe,
    redeem = redeem,
    matched = net.matched,
    net_deposit = net_deposit,
    net_withdraw = net_withdraw,
    backlog_subscribe = ctx.queues.subscribe.total_underlying - subscribe,
    backlog_redeem = ctx.queues.redeem.total_underlying - redeem,
  }
end

---------------------------------------------------------------------------
-- Exchange rate
---------------------------------------------------------------------------

--- The highest rate the runtime accepts now: the current rate plus
--- params.max_rate_increase_per_day (default 10 bp) per day elapsed since the last
--- settlement, pro rata by the second and never less than one day. This is the runtime's
--- own bound, computed the same way (rate * per_day, then * elapsed / 1 day, each rounded
--- down), so a rate at the ceiling is accepted. Note that at Monday's 13:00 lock the
--- weekend counts as 2 days 21 hours since Friday's 16:00 settlement, not as 3 days.
--- The cap exists so that a manager's mis-marked NAV cannot mint value for redeemers in one
--- step; a real gain still arrives, just spread over days.
function halo.rate_ceiling(ctx, max_per_day)
  local current = ctx.exchange_rate
  local per_day = as_amount(max_per_day or (ctx.params and ctx.params.max_rate_increase_per_day) or "0.001")
  local elapsed = SECONDS_PER_DAY
  if ctx.last_settlement then
    -- The rate applies at settlement, so the bound counts settlement to settlement:
    -- Friday 16:00 to Monday 16:00 is three days (ctx.cycle.settle_time in settle).
    local applies_at = (ctx.cycle and ctx.cycle.settle_time) or ctx.time
    elapsed = math.max(SECONDS_PER_DAY, applies_at - ctx.last_settlement.time)
  end
  local increase = (current * per_day):mul_div(elapsed, SECONDS_PER_DAY)
  return current + increase
end

--- The rate to propose for a target (usually the report's NAV): decreases pass at once
--- (a loss is never smoothed), increases are capped by halo.rate_ceiling.
--- Returns rate, capped (true when the target was above the ceiling).
function halo.bounded_rate(ctx, target, max_per_day)
  target = as_amount(target)
  if target <= ctx.exchange_rate then return target, false end
  local ceiling = halo.rate_ceiling(ctx, max_per_day)
  if ceiling < target then return ceiling, true end
  return target, false
end

---------------------------------------------------------------------------
-- Decisions
---------------------------------------------------------------------------

--- A settlement that converts nothing and keeps the rate: the safe answer when inputs are
--- missing. The note says why, so the journal explains the quiet day.
function halo.hold(ctx, note)
  return { subscribe = amount(0), redeem = amount(0), exchange_rate = ctx.exchange_rate, note = note }
end

return halo
