---@meta halo
-- LuaLS annotations for Unit policies: `require "halo"`, `require "halo.host"`, the ctx the
-- runtime passes to every hook, and the shapes hooks return. Not loaded at run time: point
-- LuaLS at this folder (`"workspace.library": ["stdlib/meta"]`, see docs/policy-authoring.md).

---------------------------------------------------------------------------------------------
-- Amounts
---------------------------------------------------------------------------------------------

---An exact 18-decimal fixed-point token amount or rate (userdata provided by the runtime).
---Arithmetic never uses floats: `*` and `/` between amounts round down (toward zero), `-`
---below zero raises "amount underflow". Compare with `<`, `<=`, `==` between amounts only:
---Lua never calls `__eq` between an amount and a number, so `a == 0` is always false; use
---`a:is_zero()`. `tostring(a)` is the exact trimmed decimal ("980", "0.98").
---@class halo.amount
---@operator add(halo.amount|integer): halo.amount
---@operator sub(halo.amount|integer): halo.amount
---@operator mul(halo.amount): halo.amount
---@operator mul(integer): halo.amount
---@operator mul(number): halo.amount
---@operator div(halo.amount): halo.amount
---@operator div(integer): halo.amount
---@operator concat(string|halo.amount): string
local amount = {}

---True when the amount is exactly zero.
---@return boolean
function amount:is_zero() end

---The smaller of the two.
---@param other halo.amount|string|integer
---@return halo.amount
function amount:min(other) end

---The larger of the two.
---@param other halo.amount|string|integer
---@return halo.amount
function amount:max(other) end

---`self * b / c` with a 256-bit intermediate, rounded down: exact pro-rata shares.
---@param b halo.amount|integer
---@param c halo.amount|integer
---@return halo.amount
function amount:mul_div(b, c) end

---The whole-token part (drops the fraction).
---@return halo.amount
function amount:floor() end

---The base-unit integer as a decimal string ("1000000000000000000" for 1 token).
---@return string
function amount:units() end

---------------------------------------------------------------------------------------------
-- The host module (Swift)
---------------------------------------------------------------------------------------------

---@class halo.host
local host = {}

---An amount from a decimal string ("1000.5"), an integer (5 = 5 tokens) or an amount.
---Floats and malformed strings raise an error.
---@param x halo.amount|string|integer
---@return halo.amount
function host.amount(x) end

---True when `v` is a halo.amount.
---@param v any
---@return boolean
function host.is_amount(v) end

---------------------------------------------------------------------------------------------
-- ctx: what every hook receives (read-only except `state`)
---------------------------------------------------------------------------------------------

---@alias halo.QueueStatus "dormant"|"active"|"locked"
---@alias halo.Severity "info"|"warning"|"alert"|"critical"
---@alias halo.Hook "settle"|"signals"|"respond"|"migrate"
---@alias halo.AmountLike halo.amount|string

---@class halo.Assets
---@field underlying string  # "USDS"
---@field share string       # the Unit share, e.g. "TBILL-A"

---A queue's current generation. Subscribe: underlying is USDS, shares are queue shares.
---Redeem: underlying is Unit shares.
---@class halo.Queue
---@field status halo.QueueStatus
---@field generation integer
---@field total_shares halo.amount
---@field total_underlying halo.amount   # what is waiting to convert
---@field reward_per_token halo.amount

---@class halo.Queues
---@field subscribe halo.Queue
---@field redeem halo.Queue

---A PAU rate limit now. current/max/slope are nil when unlimited.
---@class halo.RateLimit
---@field unlimited boolean
---@field current halo.amount?   # what may flow right now
---@field max halo.amount?
---@field slope halo.amount?     # refill per second

---The asset manager's latest report: every field of the report step (decimal strings as
---amounts, booleans and other strings as written) plus `time`.
---@class halo.Report
---@field time integer           # when it arrived (simulated UTC seconds)
---@field nav halo.amount?       # USDS value of one Unit share, per the manager
---@field holdings halo.amount?  # USDS value of the Unit's position
---@field capacity halo.amount?  # USDS the manager can invest today
---@field liquidity halo.amount? # USDS the manager can pay out today
---@field price halo.amount?     # an independent price of one share (tbill, clo)
---@field fund_nav halo.amount?  # the fund's own per-share NAV (mmf)
---@field gated boolean?         # redemptions gated by the fund (mmf)
---@field rating string?         # credit rating of the tranche (clo)
---@field [string] any

---@class halo.LastSettlement
---@field time integer
---@field exchange_rate halo.amount

---Only in `settle`.
---@class halo.Cycle
---@field lock_time integer
---@field settle_time integer
---@field days_since_last_settlement integer   # whole days to this settle time, at least 1 (3 on a Monday)
---@field seconds_since_last_settlement integer? # from the last settlement to this lock; absent before the first

---@class halo.Ledger
---@field balances table<string, table<string, halo.amount>>   # the Unit's own accounts -> asset -> balance: "unit:subscribe-queue", "unit:redeem-queue", "unit:alm-proxy", "unit:asset-manager" (Primes' balances are not part of a decision)
---@field supply table<string, halo.amount>   # asset -> issued minus burned in this Unit's book

---@class halo.Flags
---@field subscriptions_halted boolean
---@field relayer_frozen boolean
---@field skip_next_cycle boolean
---@field migrating boolean

---@class halo.Ctx
---@field time integer               # simulated UTC seconds (os.time() returns the same)
---@field time_iso string            # "2026-03-02T13:00:00Z"
---@field unit string                # the Unit's name
---@field hook halo.Hook
---@field assets halo.Assets
---@field params table<string, any>  # the Unit Artifact's params, as written (strings stay strings)
---@field report halo.Report?        # latest report, nil before the first
---@field reports halo.Report[]      # the last 30, oldest first
---@field queues halo.Queues
---@field rate_limits table<string, halo.RateLimit>   # "deposit", "withdraw", ...
---@field exchange_rate halo.amount  # USDS value of one Unit share
---@field last_settlement halo.LastSettlement?
---@field cycle halo.Cycle?          # in settle only
---@field ledger halo.Ledger
---@field flags halo.Flags
---@field state table<string, any>   # WRITABLE per-Unit store (strings, numbers, booleans, tables); survives reloads and restarts

---------------------------------------------------------------------------------------------
-- What hooks return
---------------------------------------------------------------------------------------------

---The settle decision. Capacities may not exceed a queue's total_underlying; the net flow
---after netting must fit the deposit/withdraw rate limits; an increase of the rate is bounded
---by params.max_rate_increase_per_day. Anything else is refused as `bad-decision`.
---@class halo.Decision
---@field subscribe halo.AmountLike?      # USDS of the subscribe queue to convert (default 0)
---@field redeem halo.AmountLike?         # Unit shares of the redeem queue to convert (default 0)
---@field exchange_rate halo.AmountLike?  # the new rate, applied at settle time (default: unchanged)
---@field note string?                    # why, for the journal

---@class halo.Signal
---@field code string          # declared in the Unit Artifact's `signals`
---@field severity halo.Severity
---@field message string

---@alias halo.ActionName "halt_subscriptions"|"resume_subscriptions"|"zero_rate_limit"|"set_rate_limit"|"haircut"|"skip_cycle"|"freeze"|"migrate"|"alert"|"note"

---@class halo.Action
---@field action halo.ActionName
---@field reason string?
---@field key string?          # zero_rate_limit, set_rate_limit
---@field max string?          # set_rate_limit
---@field slope string?        # set_rate_limit
---@field rate string?         # haircut
---@field severity halo.Severity?  # alert
---@field text string?         # note (migration plans only)

---The table a policy file returns. Only `settle` is required.
---@class HaloPolicy
---@field settle fun(ctx: halo.Ctx): halo.Decision
---@field signals? fun(ctx: halo.Ctx): halo.Signal[]
---@field respond? fun(ctx: halo.Ctx, raised: halo.Signal[]): halo.Action[]
---@field migrate? fun(ctx: halo.Ctx, reason: string): halo.Action[]

---------------------------------------------------------------------------------------------
-- require "halo"
---------------------------------------------------------------------------------------------

---@class halo
---@field host halo.host
local halo = {}

---@param x halo.amount|string|integer
---@return halo.amount
function halo.amount(x) end

---@param v any
---@return boolean
function halo.is_amount(v) end

---@param x halo.amount|string|integer
---@return halo.amount
function halo.as_amount(x) end

---@return halo.amount
function halo.zero() end

---The smallest of the arguments; nil arguments are skipped.
---@param ... halo.amount|string|integer|nil
---@return halo.amount
function halo.min(...) end

---The largest of the arguments; nil arguments are skipped.
---@param ... halo.amount|string|integer|nil
---@return halo.amount
function halo.max(...) end

---The sum of a list (or of the arguments); zero when empty.
---@param list (halo.amount|string|integer)[]|halo.amount
---@return halo.amount
function halo.sum(list, ...) end

---|a - b|, never below zero.
---@return halo.amount
function halo.abs_diff(a, b) end

---Seconds in a duration: "36h", "1d12h", "250ms" (0.25), "129600s". Numbers pass through.
---@param text string|number
---@return number
function halo.duration(text) end

---Days since 1970-01-01 (UTC).
---@param t integer
---@return integer
function halo.day(t) end

---"monday" .. "sunday"
---@param t integer
---@return string
function halo.weekday(t) end

---"2026-03-02"
---@param t integer
---@return string
function halo.date(t) end

---Whole days since the last settlement (ctx.cycle's figure in settle), nil if never settled.
---@param ctx halo.Ctx
---@return integer?
function halo.days_since_last_settlement(ctx) end

---Seconds since the latest report, nil if none.
---@param ctx halo.Ctx
---@return integer?
function halo.report_age(ctx) end

---True when there is no report or it is older than max_age.
---@param ctx halo.Ctx
---@param max_age string|number
---@return boolean
function halo.is_stale(ctx, max_age) end

---|a - b| / b as a ratio amount (0.01 = 1 %).
---@return halo.amount
function halo.deviation(a, b) end

---True when |a - b| / b > tolerance.
---@return boolean
function halo.deviates(a, b, tolerance) end

---"1.25%" from 0.0125.
---@return string
function halo.percent(ratio) end

---@param code string
---@param severity halo.Severity
---@param message string?
---@return halo.Signal
function halo.signal(code, severity, message) end

---True when a signal with this code was raised.
---@param list halo.Signal[]
---@param code string
---@return boolean
function halo.raised(list, code) end

---@param list halo.Signal[]
---@param code string
---@return halo.Signal?
function halo.find_signal(list, code) end

---@class halo.actions
local actions = {}
halo.actions = actions

---@param reason string?
---@return halo.Action
function actions.halt_subscriptions(reason) end
---@param reason string?
---@return halo.Action
function actions.resume_subscriptions(reason) end
---@param key string
---@param reason string?
---@return halo.Action
function actions.zero_rate_limit(key, reason) end
---@param key string
---@param max halo.AmountLike
---@param slope halo.AmountLike
---@param reason string?
---@return halo.Action
function actions.set_rate_limit(key, max, slope, reason) end
---@param rate halo.AmountLike
---@param reason string?
---@return halo.Action
function actions.haircut(rate, reason) end
---@param reason string?
---@return halo.Action
function actions.skip_cycle(reason) end
---@param reason string?
---@return halo.Action
function actions.freeze(reason) end
---@param reason string?
---@return halo.Action
function actions.migrate(reason) end
---@param reason string?
---@param severity halo.Severity?
---@return halo.Action
function actions.alert(reason, severity) end
---@param text string
---@return halo.Action
function actions.note(text) end

---What the rate limit `key` lets through now; nil when unlimited, zero when never set.
---@param ctx halo.Ctx
---@param key string
---@return halo.amount?
function halo.headroom(ctx, key) end

---@class halo.Netting
---@field matched halo.amount         # USDS paid by subscribers straight to redeemers
---@field matched_shares halo.amount  # redeem-queue shares that USDS buys back
---@field subscribe_left halo.amount  # USDS
---@field redeem_left halo.amount     # shares
---@field redeem_value halo.amount   # USDS value of the whole redeem queue

---Pairs the two queues at `rate` (default ctx.exchange_rate).
---@param ctx halo.Ctx
---@param rate halo.AmountLike?
---@return halo.Netting
function halo.net(ctx, rate) end

---@class halo.CapacityLimits
---@field deposit (halo.AmountLike|integer|nil)[]?   # extra caps on USDS sent to the manager
---@field withdraw (halo.AmountLike|integer|nil)[]?  # extra caps on USDS the manager pays back

---@class halo.Capacities
---@field subscribe halo.amount
---@field redeem halo.amount
---@field matched halo.amount
---@field net_deposit halo.amount
---@field net_withdraw halo.amount
---@field backlog_subscribe halo.amount
---@field backlog_redeem halo.amount

---Capacities that pass the runtime's checks: netting first, then the manager's limits and
---the deposit/withdraw rate limits.
---@param ctx halo.Ctx
---@param rate halo.AmountLike
---@param limits halo.CapacityLimits?
---@return halo.Capacities
function halo.capacities(ctx, rate, limits) end

---The highest rate the runtime accepts now (bounded daily increase).
---@param ctx halo.Ctx
---@param max_per_day halo.AmountLike?
---@return halo.amount
function halo.rate_ceiling(ctx, max_per_day) end

---The target if it is lower or within the ceiling, else the ceiling.
---@param ctx halo.Ctx
---@param target halo.AmountLike
---@param max_per_day halo.AmountLike?
---@return halo.amount rate
---@return boolean capped
function halo.bounded_rate(ctx, target, max_per_day) end

---A decision that converts nothing and keeps the rate.
---@param ctx halo.Ctx
---@param note string?
---@return halo.Decision
function halo.hold(ctx, note) end

---------------------------------------------------------------------------------------------
-- Prime policies: `allocate(ctx)` and its orders
---------------------------------------------------------------------------------------------

---A Prime's position in one Unit (USDS amounts; shares in the Unit's share token).
---@class halo.PrimePosition
---@field shares halo.amount claimed, claimable and waiting-to-redeem shares
---@field held halo.amount claimed shares (what a redeem order may spend)
---@field value halo.amount shares at the current exchange rate
---@field pending halo.amount USDS still waiting in the subscribe queue
---@field exposure halo.amount value + pending

---@class halo.PrimeSelf
---@field name string
---@field usds halo.amount liquid USDS
---@field capital halo.amount risk capital
---@field encumbrance halo.amount required risk capital now: sum of exposure x crr
---@field encumbrance_limit halo.amount encumbrance_max x capital
---@field portfolio halo.amount liquid USDS plus every exposure
---@field positions table<string, halo.PrimePosition>

---@class halo.PrimeRateLimit
---@field max halo.amount
---@field slope halo.amount USDS per second
---@field current halo.amount
---@field next_increase integer earliest time (seconds) the Configurator accepts an increase

---One Unit of the Prime's universe.
---@class halo.UniverseUnit
---@field halo string
---@field class string asset class (tbill, mmf, clo, ...)
---@field crr halo.amount capital requirement ratio
---@field onboarded boolean passes the onboarding checklist (only then a subscribe is accepted)
---@field subscriptions_halted boolean
---@field exchange_rate halo.amount
---@field rate_history halo.amount[] end-of-day exchange rates, oldest first (the last 8)
---@field apy_30d halo.amount annualised yield over up to 30 days (0 when falling)
---@field queues { subscribe: { status: string, total_underlying: halo.amount }, redeem: { status: string, total_underlying: halo.amount } }
---@field deposit_headroom halo.amount? the Unit's own deposit limit's current amount
---@field headroom halo.amount this Prime's deposit limit's current amount into the Unit
---@field rate_limit halo.PrimeRateLimit? this Prime's deposit limit (nil until the Unit onboards)

---The ctx of `allocate`.
---@class halo.PrimeCtx
---@field time integer
---@field time_iso string
---@field day integer 1-based day of the simulation
---@field params table<string, string>
---@field constraints { encumbrance_max: halo.amount, unit_cap: halo.amount, class_caps: table<string, halo.amount> }
---@field prime halo.PrimeSelf
---@field universe table<string, halo.UniverseUnit>
---@field state table

---@class halo.Order
---@field order "subscribe"|"redeem"|"exit"|"configure"
---@field unit string
---@field amount halo.amount?
---@field max halo.amount?
---@field slope halo.amount?

---@class halo.orders
local orders = {}
halo.orders = orders

---Subscribe `amount` USDS into the Unit.
---@param unit string
---@param amount halo.AmountLike
---@return halo.Order
function orders.subscribe(unit, amount) end

---Redeem `shares` of the Unit.
---@param unit string
---@param shares halo.AmountLike
---@return halo.Order
function orders.redeem(unit, shares) end

---Leave the Unit's subscribe queue.
---@param unit string
---@return halo.Order
function orders.exit(unit) end

---Ask for a new deposit limit into the Unit (SORL-bounded).
---@param unit string
---@param limit { max: halo.AmountLike, slope: halo.AmountLike? }
---@return halo.Order
function orders.configure(unit, limit) end

return halo
