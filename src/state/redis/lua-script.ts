// Runs a Lua script by SHA (EVALSHA), loading it with EVAL when the server does not know it yet
// (first use, restart, failover). Works the same on a single Redis and on Redis Cluster, where
// ioredis routes the call by the slot of the first key.

import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

export type RedisClient = Redis | Cluster;

export class LuaScript {
  readonly sha: string;
  constructor(
    readonly name: string,
    readonly source: string,
    readonly keyCount: number,
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(client: RedisClient, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    if (keys.length !== this.keyCount) throw new RangeError(`${this.name} takes ${this.keyCount} keys, got ${keys.length}`);
    try {
      return await client.evalsha(this.sha, this.keyCount, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return await client.eval(this.source, this.keyCount, ...keys, ...args);
    }
  }
}

/**
 * Helpers every script shares. Lua numbers are doubles (exact only to 2^53), so money never
 * becomes a Lua number: it travels as decimal strings, is compared and added digit by digit here,
 * and is written with HINCRBY, which Redis computes in int64.
 */
export const LUA_PRELUDE = `
local INT64_MAX = '9223372036854775807'
local WINDOW = 60000

-- A stored non-negative decimal, '0' when absent (or negative, which only a bug could cause:
-- counting it as 0 keeps the check conservative).
local function dec(v)
  if not v or string.sub(v, 1, 1) == '-' then return '0' end
  return v
end

-- Compares canonical non-negative decimal strings.
local function dcmp(a, b)
  if #a ~= #b then return (#a < #b) and -1 or 1 end
  if a == b then return 0 end
  return (a < b) and -1 or 1
end

local function dadd(a, b)
  local out, i, j, carry = {}, #a, #b, 0
  while i > 0 or j > 0 or carry > 0 do
    local s = carry
    if i > 0 then s = s + string.byte(a, i) - 48 end
    if j > 0 then s = s + string.byte(b, j) - 48 end
    if s >= 10 then carry = 1; s = s - 10 else carry = 0 end
    out[#out + 1] = string.char(s + 48)
    i = i - 1
    j = j - 1
  end
  local r = string.gsub(string.reverse(table.concat(out)), '^0+', '')
  if r == '' then return '0' end
  return r
end

-- The caller's clock when given (tests), else the Redis server's: one clock for every replica.
local function clock(arg)
  if arg ~= '' then return tonumber(arg) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function load(key)
  local flat = redis.call('HGETALL', key)
  if #flat == 0 then return nil end
  local h = {}
  for i = 1, #flat, 2 do h[flat[i]] = flat[i + 1] end
  return h
end
`;
