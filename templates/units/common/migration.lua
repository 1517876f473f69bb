-- The Halo's generic migration plan, shared by every Unit of passthrough-alpha.
--
-- A migration moves a Unit's assets to another structure when its asset manager can no
-- longer be relied on. The plan walks down the emergency ladder of the Halo Artifact in
-- order, because each rung stops a different flow and the order decides who can be hurt:
--   1. halt subscriptions   - no new Prime money joins a Unit that is winding down;
--   2. zero `deposit`       - nothing more is sent to the manager, instantly (decreases
--                             skip SORL), even if a settlement was already decided;
--   3. skip the next cycle  - no conversion at a price nobody can vouch for;
--   4. freeze the relayer   - the Sentinel itself stops moving funds; what is left in the
--                             ALM proxy waits for the Fortification Conserver.
-- The notes are recorded with the plan so the journal explains what humans do next.

local halo = require "halo"
local actions = halo.actions

local M = {}

--- The plan for `ctx`'s Unit. `extra_notes` (optional) are Unit-specific instructions
--- placed before the freeze, e.g. how the manager should liquidate the position.
function M.plan(ctx, reason, extra_notes)
  reason = reason or "migration requested"
  local plan = {
    actions.note("migration of " .. ctx.unit .. " started at " .. ctx.time_iso .. ": " .. reason),
    actions.halt_subscriptions("migration: " .. reason),
    actions.zero_rate_limit("deposit", "migration: stop sending USDS to the asset manager"),
    actions.skip_cycle("migration: no conversion while the position is unwound"),
  }
  for _, text in ipairs(extra_notes or {}) do
    plan[#plan + 1] = actions.note(text)
  end
  local subscribe = ctx.queues.subscribe.total_underlying
  local redeem = ctx.queues.redeem.total_underlying
  plan[#plan + 1] = actions.note("queued at start: " .. tostring(subscribe) .. " " .. ctx.assets.underlying
    .. " to subscribe (claimable back by exit), " .. tostring(redeem) .. " " .. ctx.assets.share
    .. " to redeem (paid from the unwound position)")
  plan[#plan + 1] = actions.freeze("migration: hand the ALM proxy to the Fortification Conserver")
  return plan
end

return M
