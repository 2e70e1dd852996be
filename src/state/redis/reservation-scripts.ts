// The reservation scripts: reserve (check every scope, then write every scope — one script, so
// one atomic step), settle/release, and usage. Key layout: key-layout.ts. Semantics mirror
// memory/counter-table.ts; the conformance suite holds both to the same behaviour.
//
// Leases: every reservation has a deadline in P:leases. reserve and usage first reap the lapsed
// ones (give back reserved budget and concurrency slots, mark the record `expired`), so no
// background job is needed for correctness. A reaped record is kept for the retention period so
// a late settle still adds the spend the provider billed.

import { RETRY_SCAN_LIMIT } from '../counter-store.js';
import { LEASE_HELPERS } from './reservation-helpers.js';
import { LUA_PRELUDE, LuaScript } from './lua-script.js';

/**
 * KEYS: P:leases, P:r:<req>.
 * ARGV: P, req, now|'', leaseTtlMs, retentionMs, cost, tokens, n, then per scope:
 *       scope, period, budget|'', rpm|'', tpm|'', maxParallel|'', bucketMs|'', buckets|'', retainUntil|''.
 * Returns {1, expiresAt} | {0, scopeIndex, limit, limitValue, current, retryAfterMs|-1} | {2, state}.
 */
export const reserveScript = new LuaScript(
  'reserve',
  `${LUA_PRELUDE}
${LEASE_HELPERS}
local P, rid = ARGV[1], ARGV[2]
if KEYS[1] ~= P .. ':leases' or KEYS[2] ~= P .. ':r:' .. rid then
  return redis.error_reply('ERR tollgate: keys do not match the org prefix')
end
local now = clock(ARGV[3])
local leaseTtl, keep = tonumber(ARGV[4]), tonumber(ARGV[5])
local cost, tokens, n = ARGV[6], tonumber(ARGV[7]), tonumber(ARGV[8])
reap(P, now, keep)
local st = redis.call('HGET', KEYS[2], 'st')
if st then return {2, st} end

local cutoff = now - WINDOW
local ck = P .. ':c'

-- Phase 1: check every scope. Nothing below writes a counter until all have passed.
for i = 1, n do
  local o = 8 + (i - 1) * 9
  local s, p, blim, rpm, tpm, par = ARGV[o + 1], ARGV[o + 2], ARGV[o + 3], ARGV[o + 4], ARGV[o + 5], ARGV[o + 6]
  local wms, wn = ARGV[o + 7], ARGV[o + 8]
  local b = redis.call('HMGET', P .. ':b:' .. p .. ':' .. s, 'spent', 'reserved')
  local cur = dadd(dec(b[1]), dec(b[2]))
  if wms ~= '' then
    -- Rolling: the live reservations plus what the window's buckets spent.
    local spent = windowSum(P, p, s, math.floor(now / tonumber(wms)), tonumber(wn))
    cur = dadd(dec(b[2]), spent)
  end
  -- Unlimited still means "fits in int64", so HINCRBY below can never fail half-way.
  local lim = blim
  if lim == '' then lim = INT64_MAX end
  if dcmp(dadd(cur, cost), lim) > 0 then return {0, i, 'budget', lim, cur, -1} end
  if rpm ~= '' then
    local zk = P .. ':rpm:' .. s
    redis.call('ZREMRANGEBYSCORE', zk, '-inf', cutoff)
    local cnt, L = redis.call('ZCARD', zk), tonumber(rpm)
    if cnt + 1 > L then
      local retry = -1
      if L > 0 then
        -- The (cnt - L + 1)-th oldest entry must leave the window before one more fits.
        local e = redis.call('ZRANGE', zk, cnt - L, cnt - L, 'WITHSCORES')
        if e[2] then retry = math.max(1, tonumber(e[2]) + WINDOW - now) end
      end
      return {0, i, 'rpm', rpm, tostring(cnt), retry}
    end
  end
  if tpm ~= '' then
    local zk, sk = P .. ':tpm:' .. s, P .. ':tpms:' .. s
    pruneTpm(zk, sk, cutoff)
    local sum, L = tonumber(redis.call('GET', sk) or '0'), tonumber(tpm)
    if sum + tokens > L then
      -- Walk the oldest entries until enough tokens would have left. Bounded, so a storm of
      -- refusals cannot make Redis scan huge logs: past the bound the hint is a lower bound.
      local need, freed, start, retry = sum + tokens - L, 0, 0, -1
      while retry == -1 and start < ${RETRY_SCAN_LIMIT} do
        local page = redis.call('ZRANGE', zk, start, start + 99, 'WITHSCORES')
        if #page == 0 then break end
        for j = 1, #page, 2 do
          freed = freed + tokensOf(page[j])
          if freed >= need or (start + (j + 1) / 2 >= ${RETRY_SCAN_LIMIT}) then
            retry = math.max(1, tonumber(page[j + 1]) + WINDOW - now)
            break
          end
        end
        start = start + 100
      end
      return {0, i, 'tpm', tpm, tostring(sum), retry}
    end
  end
  if par ~= '' then
    local f = tonumber(redis.call('HGET', ck, s) or '0')
    if f + 1 > tonumber(par) then return {0, i, 'concurrency', par, tostring(f), -1} end
  end
end

-- Phase 2: every scope passed; reserve on all of them.
local exp = now + leaseTtl
local rec = {'st', 'live', 'c', cost, 'k', ARGV[7], 'n', ARGV[8], 'x', exp}
for i = 1, n do
  local o = 8 + (i - 1) * 9
  local s, p, rpm, tpm = ARGV[o + 1], ARGV[o + 2], ARGV[o + 4], ARGV[o + 5]
  local wms, wn = ARGV[o + 7], ARGV[o + 8]
  local bk = P .. ':b:' .. p .. ':' .. s
  if cost ~= '0' then redis.call('HINCRBY', bk, 'reserved', cost) end
  if ARGV[o + 9] ~= '' then redis.call('PEXPIREAT', bk, ARGV[o + 9]) end
  if wms == '' then
    redis.call('HINCRBY', bk, 'requests', 1)
  else
    -- The admission bucket takes the request now and the spend at settlement; it expires once
    -- it has left every window (plus one bucket of slack for a late settle).
    local idx = math.floor(now / tonumber(wms))
    local wk = bucketKey(P, p, idx, s)
    redis.call('HINCRBY', wk, 'requests', 1)
    redis.call('PEXPIRE', wk, (tonumber(wn) + 1) * tonumber(wms))
    rec[#rec + 1] = 'q' .. i
    rec[#rec + 1] = string.format('%d', idx)
    rec[#rec + 1] = 'w' .. i
    rec[#rec + 1] = string.format('%d', (tonumber(wn) + 1) * tonumber(wms))
  end
  local flags = ''
  if rpm ~= '' then
    local zk = P .. ':rpm:' .. s
    redis.call('ZADD', zk, now, rid)
    redis.call('PEXPIRE', zk, WINDOW + 5000)
    flags = flags .. 'r'
  end
  if tpm ~= '' then
    local zk, sk = P .. ':tpm:' .. s, P .. ':tpms:' .. s
    redis.call('ZADD', zk, now, ARGV[7] .. '|' .. rid)
    redis.call('INCRBY', sk, tokens)
    redis.call('PEXPIRE', zk, WINDOW + 5000)
    redis.call('PEXPIRE', sk, WINDOW + 5000)
    flags = flags .. 't'
  end
  redis.call('HINCRBY', ck, s, 1)
  rec[#rec + 1] = 's' .. i
  rec[#rec + 1] = s
  rec[#rec + 1] = 'p' .. i
  rec[#rec + 1] = p
  rec[#rec + 1] = 'f' .. i
  rec[#rec + 1] = flags
end
redis.call('HSET', KEYS[2], unpack(rec))
redis.call('PEXPIRE', KEYS[2], leaseTtl + keep)
redis.call('ZADD', KEYS[1], exp, rid)
return {1, exp}
`,
  2,
);

/**
 * KEYS: P:leases, P:r:<req>.  ARGV: P, req, settledRetentionMs, actualCost, actualTokens, m, then m
 * scopes to bill ('*' instead of m: every scope), then k and k (scope, cost) pairs: what those
 * billed scopes are charged instead of actualCost. Unbilled scopes give back their reservation only.
 * Returns {1, afterExpiry 0|1} | {0, 'unknown'|'already_settled'}.
 */
export const settleScript = new LuaScript(
  'settle',
  `${LUA_PRELUDE}
${LEASE_HELPERS}
local P, rid = ARGV[1], ARGV[2]
if KEYS[1] ~= P .. ':leases' or KEYS[2] ~= P .. ':r:' .. rid then
  return redis.error_reply('ERR tollgate: keys do not match the org prefix')
end
local keep, actual, atok = tonumber(ARGV[3]), ARGV[4], ARGV[5]
local all = ARGV[6] == '*'
local r = load(KEYS[2])
if not r then return {0, 'unknown'} end
if r.st == 'settled' then return {0, 'already_settled'} end
local n = tonumber(r.n)
local billed = {}
local o = 7
if not all then
  for j = 1, tonumber(ARGV[6]) do billed[ARGV[6 + j]] = true end
  o = 7 + tonumber(ARGV[6])
end
local own = {}
for j = 1, tonumber(ARGV[o]) do own[ARGV[o + 2 * j - 1]] = ARGV[o + 2 * j] end
local function bills(s) return all or billed[s] == true end
local function costOf(s) return own[s] or actual end
-- Where scope i's spend goes: its admission bucket (rolling) or its period cell.
local function spendKey(i)
  if r['q' .. i] then return bucketKey(P, r['p' .. i], tonumber(r['q' .. i]), r['s' .. i]) end
  return P .. ':b:' .. r['p' .. i] .. ':' .. r['s' .. i]
end
for i = 1, n do
  local bk = spendKey(i)
  if bills(r['s' .. i]) and dcmp(dadd(dec(redis.call('HGET', bk, 'spent')), costOf(r['s' .. i])), INT64_MAX) > 0 then
    return redis.error_reply('ERR tollgate: spend would pass 2^63 nano-dollars on ' .. bk)
  end
end
-- A lapsed lease not reaped yet still holds its reservation: settle it as live.
local live = r.st == 'live'
if live then
  unreserve(P, r)
  redis.call('ZREM', KEYS[1], rid)
end
for i = 1, n do
  local s = r['s' .. i]
  local here = bills(s)
  local tok = atok
  if not here then tok = '0' end
  local cost = costOf(s)
  if here and cost ~= '0' then
    local sk = spendKey(i)
    redis.call('HINCRBY', sk, 'spent', cost)
    if r['w' .. i] then redis.call('PEXPIRE', sk, tonumber(r['w' .. i])) end
  end
  if string.find(r['f' .. i], 't', 1, true) then
    -- Tokens stay attributed to the admission instant; correct the entry while it is in the log.
    local zk, sk = P .. ':tpm:' .. s, P .. ':tpms:' .. s
    local old = r.k .. '|' .. rid
    local score = redis.call('ZSCORE', zk, old)
    if score then
      redis.call('ZREM', zk, old)
      redis.call('ZADD', zk, score, tok .. '|' .. rid)
      local d = tonumber(tok) - tonumber(r.k)
      if d ~= 0 then redis.call('INCRBY', sk, d) end
    end
  end
end
redis.call('HSET', KEYS[2], 'st', 'settled', 'a', actual, 'ak', atok)
redis.call('PEXPIRE', KEYS[2], keep)
if live then return {1, 0} end
return {1, 1}
`,
  2,
);

/**
 * KEYS: P:leases.  ARGV: P, now|'', retentionMs, scope, period, bucketMs|'', buckets|''.
 * Returns {spent, reserved, requests, inFlight, requestsLastMinute, tokensLastMinute} as strings.
 */
export const usageScript = new LuaScript(
  'usage',
  `${LUA_PRELUDE}
${LEASE_HELPERS}
local P = ARGV[1]
if KEYS[1] ~= P .. ':leases' then return redis.error_reply('ERR tollgate: keys do not match the org prefix') end
local now, keep, s, p = clock(ARGV[2]), tonumber(ARGV[3]), ARGV[4], ARGV[5]
reap(P, now, keep)
local cutoff = now - WINDOW
local b = redis.call('HMGET', P .. ':b:' .. p .. ':' .. s, 'spent', 'reserved', 'requests')
if ARGV[6] ~= '' then
  local spent, requests = windowSum(P, p, s, math.floor(now / tonumber(ARGV[6])), tonumber(ARGV[7]))
  b[1] = spent
  b[3] = tostring(requests)
end
local zr = P .. ':rpm:' .. s
redis.call('ZREMRANGEBYSCORE', zr, '-inf', cutoff)
local zk, sk = P .. ':tpm:' .. s, P .. ':tpms:' .. s
pruneTpm(zk, sk, cutoff)
return {dec(b[1]), dec(b[2]), b[3] or '0', redis.call('HGET', P .. ':c', s) or '0',
  tostring(redis.call('ZCARD', zr)), redis.call('GET', sk) or '0'}
`,
  1,
);
