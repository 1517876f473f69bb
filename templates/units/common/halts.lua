-- Bookkeeping for subscription halts a policy starts itself.
--
-- Why: respond() only runs when signals were raised, so a policy that halts subscriptions
-- on a warning needs a signal of its own (ALL_CLEAR, severity info) to lift the halt once
-- the warning is gone. And it must only lift halts *it* started: a halt from governance or
-- from a migration plan is not the policy's to undo. ctx.state remembers which is which and
-- survives hot reloads, so a new policy version keeps honouring an old version's halt.

local halo = require "halo"

local M = {}

-- The `pending` list of the respond() call whose first halt reason was weighed: only the
-- first reason of a call may re-state a halt (see M.halt).
local weighed

--- Adds a halt to `pending` (the list being built in this respond() call) unless
--- subscriptions are already halted or a halt is already pending: one halt, not one per signal.
--- A `sticky` halt is never lifted by ALL_CLEAR: after a real loss a human looks at the
--- Unit before new money comes in, however clean the next report is.
---
--- While our own halt is in force, the first reason of a call is the one that keeps it: when
--- that is no longer the reason the halt was started or last re-stated for (a stale report
--- that resumed while a downgrade still holds), the halt is re-stated with it. The runtime
--- keeps the one halt (halting a halted Unit changes nothing); the decision log, the status
--- page and the later ALL_CLEAR then name the reason that holds now, not the first one.
function M.halt(ctx, pending, reason, sticky)
  if sticky then ctx.state.halt_sticky = true end
  local first = weighed ~= pending
  weighed = pending
  for _, a in ipairs(pending) do
    if a.action == "halt_subscriptions" then return end
  end
  if ctx.flags.subscriptions_halted then
    local ours = ctx.state.halted_by_policy
    if first and ours and ours ~= reason then
      ctx.state.halted_by_policy = reason
      pending[#pending + 1] = halo.actions.halt_subscriptions(reason .. " (was: " .. ours .. ")")
    end
    return
  end
  ctx.state.halted_by_policy = reason
  pending[#pending + 1] = halo.actions.halt_subscriptions(reason)
end

--- ALL_CLEAR when our own halt is in force and nothing else is wrong, else nil.
--- `problems` is the list of signals the policy is raising in this same call.
function M.all_clear(ctx, problems)
  if #problems > 0 or ctx.flags.migrating or ctx.state.halt_sticky then return nil end
  if not (ctx.state.halted_by_policy and ctx.flags.subscriptions_halted) then return nil end
  return halo.signal("ALL_CLEAR", "info",
    "the condition that halted subscriptions (" .. ctx.state.halted_by_policy .. ") has cleared")
end

--- The resume action for ALL_CLEAR; forgets the halt.
function M.resume(ctx, pending)
  if not ctx.state.halted_by_policy then return end
  local why = ctx.state.halted_by_policy
  ctx.state.halted_by_policy = nil
  pending[#pending + 1] = halo.actions.resume_subscriptions("cleared: " .. why)
end

return M
