// The reservation scripts: reserve (check every scope, then write every scope — one script, so
// one atomic step), settle/release, and usage. Key layout: key-layout.ts. Semantics mirror
// memory/counter-table.ts; the conformance suite holds both to the same behaviour.
//
// Leases: every reservation has a deadline in P:leases. reserve and usage first reap the lapsed
// ones (give back reserved budget and concurrency slots, mark the record `expired`), so no
// background job is needed for correctness. A reaped record is kept for the retention period so
// a late settle still adds the spend the provider billed.

import { RETRY_SCAN_LIMIT } from '../counter-store.js';
import { LUA_PRELUDE, LuaScript } from './lua-script.js';

/** Lapsed leases reaped per call; past this the checks stay conservative until the next call. */
const REAP_BATCH = 1000;

const LEASE_HELPERS = `
-- Gives back what a live reservation holds: reserved budget and one concurrency slot per scope.
-- Its RPM/TPM entries stay: the request was made.
local function unreserve(P, r)
  for i = 1, tonumber(r.n) do
    local s = r['s' .. i]
    if r.c ~= '0' then
      redis.call('HINCRBY', P .. ':b:' .. r['p' .. i] .. ':' .. s, 'reserved', '-' .. r.c)
    end
    if redis.call('HINCRBY', P .. ':c', s, -1) <= 0 then redis.call('HDEL', P .. ':c', s) end
  end
end

local function reap(P, now, keep)
  local lk = P .. ':leases'
  local ids = redis.call('ZRANGEBYSCORE', lk, '-inf', now, 'LIMIT', 0, ${REAP_BATCH})
  for _, id in ipairs(ids) do
    local rk = P .. ':r:' .. id
    local r = load(rk)
    if r and r.st == 'live' then
      unreserve(P, r)
      redis.call('HSET', rk, 'st', 'expired')
      redis.call('PEXPIRE', rk, keep)
    end
    redis.call('ZREM', lk, id)
  end
end

-- TPM log members are "<tokens>|<reservation id>".
local function tokensOf(member)
  return tonumber(string.match(member, '^(%d+)|'))
end

local function pruneTpm(zk, sk, cutoff)
  local old = redis.call('ZRANGEBYSCORE', zk, '-inf', cutoff)
  if #old == 0 then return end
  local freed = 0
  for _, m in ipairs(old) do freed = freed + tokensOf(m) end
  redis.call('ZREMRANGEBYSCORE', zk, '-inf', cutoff)
  if redis.call('ZCARD', zk) == 0 then redis.call('DEL', sk) else redis.call('DECRBY', sk, freed) end
end
`;

/**
 * KEYS: P:leases, P:r:<req>.
 * ARGV: P, req, now|'', leaseTtlMs, retentionMs, cost, tokens, n, then per scope:
 *       scope, period, budget|'', rpm|'', tpm|'', maxParallel|''.
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
  local o = 8 + (i - 1) * 6
  local s, p, blim, rpm, tpm, par = ARGV[o + 1], ARGV[o + 2], ARGV[o + 3], ARGV[o + 4], ARGV[o + 5], ARGV[o + 6]
  local b = redis.call('HMGET', P .. ':b:' .. p .. ':' .. s, 'spent', 'reserved')
  local cur = dadd(dec(b[1]), dec(b[2]))
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
  local o = 8 + (i - 1) * 6
  local s, p, rpm, tpm = ARGV[o + 1], ARGV[o + 2], ARGV[o + 4], ARGV[o + 5]
  local bk = P .. ':b:' .. p .. ':' .. s
  if cost ~= '0' then redis.call('HINCRBY', bk, 'reserved', cost) end
  redis.call('HINCRBY', bk, 'requests', 1)
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
 * KEYS: P:leases, P:r:<req>.  ARGV: P, req, retentionMs, actualCost, actualTokens.
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
local r = load(KEYS[2])
if not r then return {0, 'unknown'} end
if r.st == 'settled' then return {0, 'already_settled'} end
local n = tonumber(r.n)
for i = 1, n do
  local bk = P .. ':b:' .. r['p' .. i] .. ':' .. r['s' .. i]
  if dcmp(dadd(dec(redis.call('HGET', bk, 'spent')), actual), INT64_MAX) > 0 then
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
  if actual ~= '0' then redis.call('HINCRBY', P .. ':b:' .. r['p' .. i] .. ':' .. s, 'spent', actual) end
  if string.find(r['f' .. i], 't', 1, true) then
    -- Tokens stay attributed to the admission instant; correct the entry while it is in the log.
    local zk, sk = P .. ':tpm:' .. s, P .. ':tpms:' .. s
    local old = r.k .. '|' .. rid
    local score = redis.call('ZSCORE', zk, old)
    if score then
      redis.call('ZREM', zk, old)
      redis.call('ZADD', zk, score, atok .. '|' .. rid)
      local d = tonumber(atok) - tonumber(r.k)
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
 * KEYS: P:leases.  ARGV: P, now|'', retentionMs, scope, period.
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
local zr = P .. ':rpm:' .. s
redis.call('ZREMRANGEBYSCORE', zr, '-inf', cutoff)
local zk, sk = P .. ':tpm:' .. s, P .. ':tpms:' .. s
pruneTpm(zk, sk, cutoff)
return {dec(b[1]), dec(b[2]), b[3] or '0', redis.call('HGET', P .. ':c', s) or '0',
  tostring(redis.call('ZCARD', zr)), redis.call('GET', sk) or '0'}
`,
  1,
);
