local P = {}
function P.settle(ctx)
  local t = setmetatable({}, {__index = function(t, k) return k end})
  local s = {}
  for i = 1, 1e9 do s[#s + 1] = string.rep("x", 1024) end
  return { subscribe = t, redeem = t }
end
return P
