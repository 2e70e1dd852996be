// Fetches an image a client referenced by URL, for providers that only accept inline bytes (Gemini,
// Bedrock). The URL is the client's, so the fetch is hostile by default: http(s) only, a size cap
// enforced while reading, a timeout, at most three redirects (each re-checked), an image/* content
// type, and no private, loopback, link-local or otherwise internal address — checked on the address
// actually connected to (a DNS lookup hook), so a name that resolves to 127.0.0.1, or re-resolves
// there later (DNS rebinding), is refused too. Hosts in `allowHosts` skip the address check (tests,
// internal image stores an operator trusts).
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import { ImageFetchError } from '../core/errors.js';
import type { ImagesRuntime } from '../config/runtime.js';

const MAX_REDIRECTS = 3;

/** Addresses a client-supplied URL must never reach (RFC 6890 special-purpose ranges and friends). */
const FORBIDDEN = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) FORBIDDEN.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['2001:db8::', 32],
] as const) FORBIDDEN.addSubnet(net, bits, 'ipv6');

/** True when an address is internal. IPv4-mapped IPv6 (::ffff:10.0.0.1) is judged by its IPv4 part. */
export function isForbiddenAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return FORBIDDEN.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return FORBIDDEN.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

class ForbiddenAddress extends Error {}

/** A net.lookup that refuses to hand out internal addresses, so the check holds at connect time. */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, '', 0);
    const ok = addresses.filter((a) => !isForbiddenAddress(a.address));
    if (ok.length === 0) return callback(new ForbiddenAddress(`${hostname} resolves only to internal addresses`), '', 0);
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, ok);
    return callback(null, ok[0]!.address, ok[0]!.family);
  });
};

export interface FetchedImage {
  readonly mimeType: string;
  readonly bytes: Buffer;
}

export class ImageFetcher {
  readonly #guarded = new Agent({ connect: { lookup: guardedLookup }, keepAliveTimeout: 10_000 });
  readonly #trusted = new Agent({ keepAliveTimeout: 10_000 });

  async fetch(rawUrl: string, param: string, cfg: ImagesRuntime): Promise<FetchedImage> {
    let url = parse(rawUrl, param);
    const signal = AbortSignal.timeout(cfg.timeoutMs);
    for (let hop = 0; ; hop++) {
      const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
      const trusted = cfg.allowHosts.has(host);
      if (!trusted && isIP(host) !== 0 && isForbiddenAddress(host)) {
        throw new ImageFetchError('image_url_forbidden', param, `The image URL points to an internal address (${host}); the gateway does not fetch those`);
      }
      let res: Awaited<ReturnType<typeof request>>;
      try {
        res = await request(url, { dispatcher: trusted ? this.#trusted : this.#guarded, signal, headers: { accept: 'image/*' } });
      } catch (err) {
        if (err instanceof ForbiddenAddress || (err as { cause?: unknown }).cause instanceof ForbiddenAddress) {
          throw new ImageFetchError('image_url_forbidden', param, `The image URL's host ${host} resolves to an internal address; the gateway does not fetch those`, err);
        }
        const why = signal.aborted ? `no answer within ${cfg.timeoutMs} ms` : ((err as Error).message ?? String(err));
        throw new ImageFetchError('image_fetch_failed', param, `The image at ${redact(url)} could not be fetched: ${why}`, err);
      }
      if (res.statusCode >= 300 && res.statusCode < 400 && typeof res.headers['location'] === 'string') {
        await res.body.dump();
        if (hop >= MAX_REDIRECTS) throw new ImageFetchError('image_fetch_failed', param, `The image URL redirected more than ${MAX_REDIRECTS} times`);
        url = parse(new URL(res.headers['location'], url).href, param);
        continue;
      }
      if (res.statusCode !== 200) {
        await res.body.dump();
        throw new ImageFetchError('image_fetch_failed', param, `The image at ${redact(url)} answered HTTP ${res.statusCode}`);
      }
      const type = String(res.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!type.startsWith('image/')) {
        await res.body.dump();
        throw new ImageFetchError('image_fetch_failed', param, `The URL is not an image (content-type '${type || 'none'}')`);
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > cfg.maxBytes) {
        res.body.on('error', () => {}); // the abort below is ours, not news
        res.body.destroy();
        throw tooLarge(param, cfg.maxBytes);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      try {
        for await (const chunk of res.body) {
          size += (chunk as Buffer).length;
          if (size > cfg.maxBytes) break; // leaving the loop destroys the body
          chunks.push(chunk as Buffer);
        }
      } catch (err) {
        throw new ImageFetchError('image_fetch_failed', param, `Reading the image at ${redact(url)} failed: ${signal.aborted ? `no answer within ${cfg.timeoutMs} ms` : (err as Error).message}`, err);
      }
      if (size > cfg.maxBytes) throw tooLarge(param, cfg.maxBytes);
      return { mimeType: type, bytes: Buffer.concat(chunks, size) };
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.#guarded.close(), this.#trusted.close()]);
  }
}

function parse(raw: string, param: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ImageFetchError('image_fetch_failed', param, 'The image URL is not a valid absolute URL');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new ImageFetchError('image_url_forbidden', param, `Image URLs must be http(s), not ${u.protocol}`);
  if (u.username !== '' || u.password !== '') throw new ImageFetchError('image_url_forbidden', param, 'Image URLs must not carry credentials');
  return u;
}

function tooLarge(param: string, max: number): ImageFetchError {
  return new ImageFetchError('image_too_large', param, `The image is larger than the gateway's limit of ${max} bytes (images.max_bytes)`);
}

/** Origin and path only: query strings of signed URLs are secrets. */
function redact(u: URL): string {
  return `${u.origin}${u.pathname}`;
}
