// Request ids are ULIDs: 48 bits of milliseconds then 80 random bits, Crockford base32, so they
// sort by time in logs and the ledger. Random bits come from a pooled buffer to keep this cheap
// on the hot path.
import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const POOL = Buffer.alloc(10 * 512);
let offset = POOL.length;

export function newRequestId(now = Date.now()): string {
  if (offset + 10 > POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  let out = '';
  let t = now;
  const time: string[] = new Array(10);
  for (let i = 9; i >= 0; i--) {
    time[i] = ALPHABET[t % 32]!;
    t = Math.floor(t / 32);
  }
  out = time.join('');
  // 80 random bits = 16 base32 chars; take 5 bits from each of 16 bytes' worth via two 40-bit halves.
  for (let half = 0; half < 2; half++) {
    let bits = 0;
    for (let b = 0; b < 5; b++) bits = bits * 256 + POOL[offset++]!;
    for (let i = 7; i >= 0; i--) out += ALPHABET[Math.floor(bits / 32 ** i) % 32];
  }
  return out;
}
