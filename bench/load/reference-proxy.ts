// The floor the gateway is judged against: the least a Node proxy can do for the same request —
// node:http in, an undici Pool out, the body parsed and the model renamed (as the gateway does),
// the answer or the stream piped back. No auth, no accounting, no logs. `npm run bench --
// --target reference-proxy` measures it in place of the gateway, on the same machine and load.
//   node dist/bench/load/reference-proxy.js --port N --upstream http://127.0.0.1:M --model M
import { createServer, type IncomingMessage } from 'node:http';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const { values } = parseArgs({ options: { port: { type: 'string' }, upstream: { type: 'string' }, model: { type: 'string' } }, strict: true });
const pool = new Pool(values.upstream ?? 'http://127.0.0.1:1', { connections: 256, pipelining: 1 });

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const server = createServer({ keepAlive: true, noDelay: true }, (req, res) => {
  if (req.url === '/health/live') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  void (async () => {
    try {
      const body = JSON.parse((await readAll(req)).toString('utf8')) as Record<string, unknown>;
      const upstream = await pool.request({
        method: 'POST',
        path: req.url ?? '/',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...body, model: values.model }),
      });
      res.writeHead(upstream.statusCode, { 'content-type': String(upstream.headers['content-type'] ?? 'application/json') });
      for await (const chunk of upstream.body) res.write(chunk as Buffer);
      res.end();
    } catch (err) {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(err));
    }
  })();
});

server.listen(Number(values.port ?? 0), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  void pool.close().then(() => process.exit(0));
  server.closeAllConnections();
});
