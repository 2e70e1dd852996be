// Virtual-key authentication. Keys are looked up by their SHA-256 hash, so the gateway never keeps,
// logs or echoes a raw key — error messages never include what the client sent.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { RuntimeConfig } from '../config/runtime.js';

/** The client's key from `Authorization: Bearer`, or a surface's own header (`api-key`, `x-api-key`). */
export function presentedKey(h: IncomingHttpHeaders): string | undefined {
  const auth = h.authorization;
  if (auth !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return m ? m[1] : undefined;
  }
  const k = h['api-key'] ?? h['x-api-key'];
  return typeof k === 'string' && k !== '' ? k : undefined;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Constant-time check of the admin key against its configured hash. */
export function isAdmin(cfg: RuntimeConfig, h: IncomingHttpHeaders): boolean {
  const want = cfg.server.adminKeyHash;
  const key = presentedKey(h);
  if (!want || key === undefined) return false;
  return timingSafeEqual(Buffer.from(hashKey(key), 'hex'), Buffer.from(want, 'hex'));
}
