// Test helper: a local HTTP proxy that applies the adapter's `sign` hook to each request and forwards
// it to the simulator, streaming the answer back as it arrives (a cut upstream is cut downstream).
// The shared conformance suite sends encoded requests as they are (it knows no signing step); this
// lets it run against a SigV4-verifying simulator, as the gateway does: encode, sign, send.
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderEndpoint, UpstreamRequest } from '../types.js';

export interface SigningProxy {
  readonly url: string;
  close(): Promise<void>;
}

type Sign = (req: UpstreamRequest, endpoint: ProviderEndpoint, now: number) => Promise<UpstreamRequest>;

/** The headers the adapter encoded; fetch's own (user-agent, accept-encoding…) and x-mock-* faults are not signed. */
const SIGNED = ['content-type', 'accept'];

function pick(headers: IncomingHttpHeaders, names: (name: string) => boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && names(k)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export async function startSigningProxy(target: string, endpoint: ProviderEndpoint, sign: Sign): Promise<SigningProxy> {
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length === 0 ? undefined : Buffer.concat(chunks).toString('utf8');
      const encoded: UpstreamRequest = { method: req.method === 'GET' ? 'GET' : 'POST', path: req.url ?? '/', headers: pick(req.headers, (k) => SIGNED.includes(k)), body };
      sign(encoded, endpoint, Date.now())
        .then((signed) => {
          const faults = pick(req.headers, (k) => k.startsWith('x-mock-'));
          const out = request({ host: upstream.hostname, port: upstream.port, method: signed.method, path: signed.path, headers: { ...signed.headers, ...faults } }, (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.on('data', (c: Buffer) => res.write(c));
            up.on('end', () => res.end());
            // The simulator dropped the connection mid-body: so does the proxy.
            up.on('error', () => res.destroy());
            up.on('aborted', () => res.destroy());
          });
          out.on('error', () => res.destroy());
          out.end(signed.body);
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
