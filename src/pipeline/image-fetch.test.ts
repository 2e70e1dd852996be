// The image fetcher against a real local HTTP server: what it fetches, and every way it refuses.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ImageFetchError } from '../core/errors.js';
import type { ImagesRuntime } from '../config/runtime.js';
import { ImageFetcher, isForbiddenAddress } from './image-fetch.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

describe('image fetch', () => {
  let server: Server;
  let port = 0;
  const fetcher = new ImageFetcher();
  const cfg = (over: Partial<ImagesRuntime> = {}): ImagesRuntime => ({ maxBytes: 1024, timeoutMs: 2_000, allowHosts: new Set(['127.0.0.1']), ...over });

  before(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? '/';
      if (path === '/cat.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
      if (path === '/big.png') return void res.writeHead(200, { 'content-type': 'image/png', 'content-length': '4096' }).end(Buffer.alloc(4096));
      if (path === '/chunked.png') {
        res.writeHead(200, { 'content-type': 'image/png' });
        for (let i = 0; i < 8; i++) res.write(Buffer.alloc(512));
        return void res.end();
      }
      if (path === '/page') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
      if (path === '/missing.png') return void res.writeHead(404).end();
      if (path === '/to-localhost') return void res.writeHead(302, { location: `http://localhost:${port}/cat.png` }).end();
      if (path === '/to-cat') return void res.writeHead(301, { location: '/cat.png' }).end();
      if (path === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
      if (path === '/hang') return; // never answers
      res.writeHead(500).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await fetcher.close();
  });

  const refused = async (url: string, code: string, c: ImagesRuntime = cfg()): Promise<ImageFetchError> => {
    const err = await fetcher.fetch(url, 'messages[0].content[1]', c).then(
      () => assert.fail(`expected ${url} to be refused`),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ImageFetchError, String(err));
    assert.equal(err.code, code, err.message);
    assert.equal(err.status, 400);
    assert.equal(err.param, 'messages[0].content[1]');
    return err;
  };

  it('fetches an image from an allowed host, following a redirect', async () => {
    assert.deepEqual(await fetcher.fetch(`http://127.0.0.1:${port}/cat.png`, 'p', cfg()), { mimeType: 'image/png', bytes: PNG });
    assert.deepEqual((await fetcher.fetch(`http://127.0.0.1:${port}/to-cat`, 'p', cfg())).bytes, PNG);
  });

  it('refuses loopback by literal address, by a name resolving to it, and by a redirect to such a name', async () => {
    await refused(`http://127.0.0.1:${port}/cat.png`, 'image_url_forbidden', cfg({ allowHosts: new Set() }));
    await refused(`http://localhost:${port}/cat.png`, 'image_url_forbidden', cfg({ allowHosts: new Set() }));
    await refused(`http://[::1]:${port}/cat.png`, 'image_url_forbidden', cfg({ allowHosts: new Set() }));
    await refused(`http://127.0.0.1:${port}/to-localhost`, 'image_url_forbidden');
    await refused('http://169.254.169.254/latest/meta-data', 'image_url_forbidden', cfg({ allowHosts: new Set() }));
  });

  it('refuses other schemes and URLs with credentials', async () => {
    await refused('file:///etc/passwd', 'image_url_forbidden');
    await refused('ftp://example.com/a.png', 'image_url_forbidden');
    await refused(`http://user:pw@127.0.0.1:${port}/cat.png`, 'image_url_forbidden');
    await refused('not a url', 'image_fetch_failed');
  });

  it('caps the size whether or not the length is declared', async () => {
    await refused(`http://127.0.0.1:${port}/big.png`, 'image_too_large');
    await refused(`http://127.0.0.1:${port}/chunked.png`, 'image_too_large');
    assert.equal((await fetcher.fetch(`http://127.0.0.1:${port}/chunked.png`, 'p', cfg({ maxBytes: 4096 }))).bytes.length, 4096);
  });

  it('refuses what is not an image, a failed status, a redirect loop and a silent server', async () => {
    await refused(`http://127.0.0.1:${port}/page`, 'image_fetch_failed');
    await refused(`http://127.0.0.1:${port}/missing.png`, 'image_fetch_failed');
    await refused(`http://127.0.0.1:${port}/loop`, 'image_fetch_failed');
    const e = await refused(`http://127.0.0.1:${port}/hang`, 'image_fetch_failed', cfg({ timeoutMs: 150 }));
    assert.match(e.message, /within 150 ms/);
  });

  it('classifies addresses: private, loopback, link-local, mapped and special ranges are internal', () => {
    for (const a of ['10.1.2.3', '172.16.5.4', '172.31.255.255', '192.168.1.1', '127.0.0.53', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd12:3456::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', 'ff02::1', 'bogus']) {
      assert.equal(isForbiddenAddress(a), true, a);
    }
    for (const a of ['8.8.8.8', '172.32.0.1', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) assert.equal(isForbiddenAddress(a), false, a);
  });
});
