-- tbill-a policy, version 2: keep a buffer of the manager's stated capacity unused.
--
-- Why: in the v1 weeks the manager twice accepted its full stated capacity and then settled
-- the last tranche a day late. v2 sends at most `capacity_buffer_ratio` (default 0.8) of the
-- stated capacity; everything else about v1 is unchanged. It is hot-reloaded over v1 in
-- examples/passthrough-alpha/units/tbill/tests/hot-reload.yaml, and shows how a new
-- version can build on the old one instead of copying it.

local halo = require "halo"
local v1 = require "tbill"

local P = {}
for name, hook in pairs(v1) do P[name] = hook end

---@param ctx halo.Ctx
---@return halo.Decision
function P.settle(ctx)
  local report = ctx.report
  local stale = halo.is_stale(ctx, ctx.params.stale_report_after or "36h")
  if report == nil or stale then return v1.settle(ctx) end

  local ratio = halo.amount(ctx.params.capacity_buffer_ratio or "0.8")
  -- v1 reads report.capacity; a shallow proxy of ctx with a smaller capacity is the least
  -- intrusive way to reuse its whole decision (ctx itself is read-only).
  local buffered = setmetatable({ capacity = report.capacity * ratio }, { __index = report })
  local view = setmetatable({ report = buffered }, { __index = ctx })
  local decision = v1.settle(view)
  decision.note = "v2 (capacity x " .. tostring(ratio) .. "): " .. decision.note
  return decision
end

return P
