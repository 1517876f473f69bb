-- A pure-Lua stand-in for the runtime's `halo.host` module, for testing stdlib helpers and
-- policies with a bare `lua5.4` (see stdlib/tests/run.lua). Amounts are exact 18-decimal
-- fixed-point numbers on a small big-integer, with the runtime's rounding (toward zero)
-- and its refusals (floats, malformed strings, underflow). It is a test helper, not the
-- runtime: slower, and without the sandbox.

local B = 10000000 -- limb base (10^7): a limb product fits a 64-bit integer with room to carry

local function norm(a)
  while #a > 1 and a[#a] == 0 do a[#a] = nil end
  return a
end

local function from_int(n)
  local a = {}
  repeat a[#a + 1] = n % B; n = n // B until n == 0
  return a
end

local function cmp(a, b)
  if #a ~= #b then return #a < #b and -1 or 1 end
  for i = #a, 1, -1 do
    if a[i] ~= b[i] then return a[i] < b[i] and -1 or 1 end
  end
  return 0
end

local function add(a, b)
  local r, carry = {}, 0
  for i = 1, math.max(#a, #b) do
    local s = (a[i] or 0) + (b[i] or 0) + carry
    r[i] = s % B; carry = s // B
  end
  if carry > 0 then r[#r + 1] = carry end
  return r
end

local function sub(a, b) -- requires a >= b
  local r, borrow = {}, 0
  for i = 1, #a do
    local s = a[i] - (b[i] or 0) - borrow
    if s < 0 then s = s + B; borrow = 1 else borrow = 0 end
    r[i] = s
  end
  return norm(r)
end

local function mul_small(a, s)
  local r, carry = {}, 0
  for i = 1, #a do
    local p = a[i] * s + carry
    r[i] = p % B; carry = p // B
  end
  while carry > 0 do r[#r + 1] = carry % B; carry = carry // B end
  return norm(r)
end

local function mul(a, b)
  local r = {}
  for i = 1, #a + #b do r[i] = 0 end
  for i = 1, #a do
    local carry = 0
    for j = 1, #b do
      local p = r[i + j - 1] + a[i] * b[j] + carry
      r[i + j - 1] = p % B; carry = p // B
    end
    local k = i + #b
    while carry > 0 do
      local p = r[k] + carry
      r[k] = p % B; carry = p // B; k = k + 1
    end
  end
  return norm(r)
end

local function divmod(a, b)
  if #b == 1 and b[1] == 0 then error("amount division by zero", 3) end
  if cmp(a, b) < 0 then return { 0 }, a end
  local q, r = {}, { 0 }
  for i = #a, 1, -1 do
    table.insert(r, 1, a[i]); norm(r)
    local lo, hi = 0, B - 1
    while lo < hi do
      local mid = (lo + hi + 1) // 2
      if cmp(mul_small(b, mid), r) <= 0 then lo = mid else hi = mid - 1 end
    end
    q[i] = lo
    r = sub(r, mul_small(b, lo))
  end
  return norm(q), r
end

local function to_decimal(a)
  local parts = { tostring(a[#a]) }
  for i = #a - 1, 1, -1 do parts[#parts + 1] = string.format("%07d", a[i]) end
  return table.concat(parts)
end

local function from_decimal(s)
  local a = { 0 }
  for i = 1, #s do a = add(mul_small(a, 10), { tonumber(s:sub(i, i)) }) end
  return a
end

local WAD = from_decimal("1000000000000000000")

local Amount = {}
Amount.__index = Amount
Amount.__name = "halo.amount"

local function wrap(units) return setmetatable({ u = units }, Amount) end

local host = {}

function host.is_amount(v) return getmetatable(v) == Amount end

function host.amount(x)
  if host.is_amount(x) then return wrap(x.u) end
  if math.type(x) == "integer" then
    if x < 0 then error("amount cannot be negative: " .. x, 2) end
    return wrap(mul(from_int(x), WAD))
  end
  if math.type(x) == "float" then error("a float is not an amount: " .. tostring(x) .. " (use a decimal string)", 2) end
  if type(x) ~= "string" then error("not an amount: " .. tostring(x), 2) end
  local whole, frac = x:match("^(%d+)%.(%d+)$")
  if not whole then whole, frac = x:match("^(%d+)$"), "" end
  if not whole or #frac > 18 then error("malformed amount: \"" .. x .. "\"", 2) end
  return wrap(from_decimal(whole .. frac .. string.rep("0", 18 - #frac)))
end

local function operand(x, what)
  if host.is_amount(x) then return x.u end
  if math.type(x) == "integer" and x >= 0 then return mul(from_int(x), WAD) end
  error("amount " .. what .. ": operand is not an amount or a non-negative integer: " .. tostring(x), 3)
end

function Amount.__add(a, b) return wrap(add(operand(a, "+"), operand(b, "+"))) end

function Amount.__sub(a, b)
  local x, y = operand(a, "-"), operand(b, "-")
  if cmp(x, y) < 0 then error("amount underflow", 2) end
  return wrap(sub(x, y))
end

function Amount.__mul(a, b)
  if not host.is_amount(a) then a, b = b, a end
  if math.type(b) == "integer" then
    if b < 0 then error("amount * negative integer", 2) end
    return wrap(mul(a.u, from_int(b)))
  end
  if math.type(b) == "float" then error("fake host: amount * float is not supported", 2) end
  return wrap((divmod(mul(a.u, b.u), WAD)))
end

function Amount.__div(a, b)
  if not host.is_amount(a) then error("only an amount can be divided", 2) end
  if math.type(b) == "integer" then return wrap((divmod(a.u, from_int(b)))) end
  return wrap((divmod(mul(a.u, WAD), operand(b, "/"))))
end

function Amount.__eq(a, b) return cmp(a.u, b.u) == 0 end
function Amount.__lt(a, b) return cmp(operand(a, "<"), operand(b, "<")) < 0 end
function Amount.__le(a, b) return cmp(operand(a, "<="), operand(b, "<=")) <= 0 end

function Amount.__tostring(a)
  local digits = to_decimal(a.u)
  if #digits <= 18 then digits = string.rep("0", 19 - #digits) .. digits end
  local whole, frac = digits:sub(1, -19), digits:sub(-18):gsub("0+$", "")
  if frac == "" then return whole end
  return whole .. "." .. frac
end

function Amount.__concat(a, b) return tostring(a) .. tostring(b) end

function Amount.is_zero(a) return #a.u == 1 and a.u[1] == 0 end
function Amount.min(a, b) b = host.amount(b); return a <= b and a or b end
function Amount.max(a, b) b = host.amount(b); return b <= a and a or b end
function Amount.mul_div(a, b, c)
  return wrap((divmod(mul(a.u, operand(b, "mul_div")), operand(c, "mul_div"))))
end
function Amount.floor(a) return wrap(mul((divmod(a.u, WAD)), WAD)) end
function Amount.units(a) return to_decimal(a.u) end

return host
