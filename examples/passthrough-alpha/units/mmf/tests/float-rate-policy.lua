-- A deliberately broken mmf-a policy, used by policy-failure.yaml: it returns the exchange
-- rate as a Lua float (1.0001), which the runtime refuses as `bad-decision`. Amounts must
-- be halo.amount values or decimal strings ("1.0001"): a float is not exact.
local halo = require "halo"

local P = {}

function P.settle(ctx)
  return {
    subscribe = ctx.queues.subscribe.total_underlying,
    redeem = halo.zero(),
    exchange_rate = 1.0001,
  }
end

return P
