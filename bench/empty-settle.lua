-- The empty policy of `halo bench`'s policy_call_empty figure: settle returns at once, so a call
-- costs what the host adds (building the ctx, the call, reading the decision back).
return { settle = function(ctx) return {} end }
