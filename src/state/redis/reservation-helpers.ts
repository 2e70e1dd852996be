// Lua helpers shared by the reservation scripts (reservation-scripts.ts): giving back a lease,
// reaping lapsed ones, rolling-budget buckets, the TPM log. Included after LUA_PRELUDE.

/** Lapsed leases reaped per call; past this the checks stay conservative until the next call. */
const REAP_BATCH = 1000;

export const LEASE_HELPERS = `
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

-- A rolling budget's bucket cell: spent and requests admitted in one bucket of the series.
local function bucketKey(P, p, idx, s)
  return P .. ':w:' .. p .. ':' .. string.format('%d', idx) .. ':' .. s
end

-- Spent and requests over the window ending in bucket \`cur\` (decimal string, number).
local function windowSum(P, p, s, cur, n)
  local spent, requests = '0', 0
  for idx = cur - n + 1, cur do
    local c = redis.call('HMGET', bucketKey(P, p, idx, s), 'spent', 'requests')
    spent = dadd(spent, dec(c[1]))
    requests = requests + tonumber(c[2] or '0')
  end
  return spent, requests
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

