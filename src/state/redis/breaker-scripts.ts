// Circuit-breaker transitions as Lua, so concurrent outcomes from every replica apply one at a
// time. Same rules as memory/breaker-table.ts. One hash per deployment (key-layout.ts):
//   o  '1' when opened (open or half-open)      f   consecutive failures
//   u  cooldown deadline, only ever raised      ws/wt/wf  failure-rate window start/total/failed
//   pr half-open probes granted in the probe window, which ends at pu
//   sd latest deadline asked for by failures of the current closed streak (applied on opening)

import { LUA_PRELUDE, LuaScript } from './lua-script.js';

const VIEW = `
local function view(open, u, now)
  if not open then return 'closed' end
  if now < u then return 'open' end
  return 'half_open'
end
`;

/**
 * KEYS: breaker hash.  ARGV: now|'', ok '1'|'0', threshold, cooldownMs (already the max of policy
 * and override), ratePermille|'', rateMinRequests, rateWindowMs.
 * Returns {state, openUntil (0 = never), consecutiveFailures}.
 */
export const outcomeScript = new LuaScript(
  'breaker-outcome',
  `${LUA_PRELUDE}
${VIEW}
local k = KEYS[1]
local now, ok, cooldown = clock(ARGV[1]), ARGV[2] == '1', tonumber(ARGV[4])
local h = load(k) or {}
local open = h.o == '1'
local f, u = tonumber(h.f or '0'), tonumber(h.u or '0')
local ws, wt, wf = tonumber(h.ws or '0'), tonumber(h.wt or '0'), tonumber(h.wf or '0')
local pr, pu = tonumber(h.pr or '0'), tonumber(h.pu or '0')
local sd = tonumber(h.sd or '0')
local tripped = false
if ARGV[5] ~= '' then
  if now >= ws + tonumber(ARGV[7]) then ws, wt, wf = now, 0, 0 end
  wt = wt + 1
  if not ok then wf = wf + 1 end
  tripped = wt >= tonumber(ARGV[6]) and wf * 1000 >= tonumber(ARGV[5]) * wt
end
if ok then
  if not open then
    f, sd = 0, 0
  elseif now >= u then
    -- Half-open and a call succeeded: the deployment is back.
    open, f, sd, pr, pu, ws, wt, wf = false, 0, 0, 0, 0, now, 0, 0
  end
  -- A success while still open came from a call admitted before the breaker opened; it must not
  -- end the cooldown early.
elseif open then
  f = f + 1
  u = math.max(u, now + cooldown)
  pr, pu = 0, 0
else
  f = f + 1
  -- Failures before the threshold may carry a longer Retry-After than the one that trips the
  -- breaker (concurrent calls report in any order): keep the longest.
  sd = math.max(sd, now + cooldown)
  if f >= tonumber(ARGV[3]) or tripped then
    open = true
    u = math.max(u, sd)
    sd, pr, pu = 0, 0, 0
  end
end
local o = '0'
if open then o = '1' end
redis.call('HSET', k, 'o', o, 'f', f, 'u', u, 'sd', sd, 'ws', ws, 'wt', wt, 'wf', wf, 'pr', pr, 'pu', pu)
-- Forget an idle breaker a day after its cooldown, never before it ends.
redis.call('PEXPIRE', k, math.max(u - now, sd - now, 0) + 86400000)
return {view(open, u, now), u, f}
`,
  1,
);

/** KEYS: breaker hash.  ARGV: now|''.  Returns {state, openUntil (0 = never), consecutiveFailures}. */
export const stateScript = new LuaScript(
  'breaker-state',
  `${LUA_PRELUDE}
${VIEW}
local now = clock(ARGV[1])
local h = load(KEYS[1]) or {}
local u = tonumber(h.u or '0')
return {view(h.o == '1', u, now), u, tonumber(h.f or '0')}
`,
  1,
);

/**
 * KEYS: breaker hash.  ARGV: now|'', halfOpenProbes, probeTimeoutMs.
 * Returns {allowed 0|1, state, probe 0|1, retryAfterMs|-1}.
 */
export const admitScript = new LuaScript(
  'breaker-admit',
  `${LUA_PRELUDE}
local k = KEYS[1]
local now = clock(ARGV[1])
local h = load(k)
if not h or h.o ~= '1' then return {1, 'closed', 0, -1} end
local u = tonumber(h.u)
if now < u then return {0, 'open', 0, u - now} end
local pr, pu = tonumber(h.pr or '0'), tonumber(h.pu or '0')
if now >= pu then
  -- Probes that never reported (their caller died) stop counting after probeTimeoutMs.
  pr, pu = 0, now + tonumber(ARGV[3])
end
if pr < tonumber(ARGV[2]) then
  redis.call('HSET', k, 'pr', pr + 1, 'pu', pu)
  return {1, 'half_open', 1, -1}
end
return {0, 'half_open', 0, pu - now}
`,
  1,
);
