-- Candidate policy for tbill-a, used by docs/replay.md: policies/tbill.lua (v1), but never
-- more than 3,000,000 USDS of subscriptions converts in one settlement.
--
-- What changes versus policies/tbill.lua: only `settle`'s `subscribe` capacity, capped at
-- 3,000,000 USDS (v1 sends up to the manager's capacity and the deposit rate limit, 10M a day).
-- Every other hook (signals, respond, migrate) and the rest of the decision (redeem, exchange
-- rate, note) are v1's, unchanged.
--
-- Why it is an example: it is never deployed. It is the candidate `halo replay` runs against the
-- journal of the shipped three-week feed, to show what a smaller capacity would have done:
-- a backlog that builds up every day and converts later, at higher rates (docs/replay.md).
--
-- It builds on v1 with `require "tbill"` (`require` finds the stdlib and the policy's own
-- folder), so it lives next to policies/tbill.lua:
--   halo check policies/tbill-capped.lua

local halo = require "halo"
local v1 = require "tbill"

local P = {}
for name, hook in pairs(v1) do P[name] = hook end   -- every v1 hook, as is

function P.settle(ctx)
  local decision = v1.settle(ctx)
  local cap = halo.amount("3000000")
  if decision.subscribe > cap then decision.subscribe = cap end
  return decision
end

return P
