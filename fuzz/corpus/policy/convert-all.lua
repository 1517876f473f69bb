local halo = require "halo"
local P = {}
function P.settle(ctx)
  return { subscribe = ctx.queues.subscribe.total_underlying, redeem = halo.amount(0),
           exchange_rate = ctx.report and ctx.report.nav or ctx.exchange_rate }
end
function P.signals(ctx)
  if ctx.report == nil then return { halo.signal("STALE_REPORT", "warning", "no report") } end
  return {}
end
function P.respond(ctx, raised) return { halo.actions.halt_subscriptions("stale") } end
return P
