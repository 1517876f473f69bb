-- A deliberately broken policy, reloaded by policy-failure.yaml: it returns the exchange
-- rate as a Lua float (1.0), which the runtime refuses as `bad-decision`. Amounts must be
-- halo.amount values or decimal strings ("1"): a float is not exact. The fixture shows the
-- fallback: nothing converts, the previous rate stays, POLICY_FAILURE is raised.
local halo = require "halo"

local P = {}

function P.settle(ctx)
  return { subscribe = ctx.queues.subscribe.total_underlying, redeem = halo.zero(), exchange_rate = 1.0 }
end

return P
