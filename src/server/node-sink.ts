// ResponseSink over node:http. Detects client disconnects (to abort the upstream) and turns
// socket backpressure into a promise the stream relay awaits.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AbortEmitter, type AbortSignalLike } from '../pipeline/abort-emitter.js';
import type { ResponseSink } from '../pipeline/response-sink.js';

/** The abort reason when the client disconnected. */
export class ClientClosedError extends Error {
  constructor() {
    super('the client closed the connection');
    this.name = 'ClientClosedError';
  }
}

export class NodeSink implements ResponseSink {
  readonly #res: ServerResponse;
  #ac: AbortEmitter | undefined;
  #clientGone = false;

  constructor(_req: IncomingMessage, res: ServerResponse) {
    this.#res = res;
    res.once('close', () => {
      if (!res.writableFinished) {
        this.#clientGone = true;
        this.#ac?.abort(new ClientClosedError());
      }
    });
  }

  /** Created on first use: most error responses never need one. */
  get signal(): AbortSignalLike {
    if (!this.#ac) {
      this.#ac = new AbortEmitter();
      if (this.#clientGone) this.#ac.abort(new ClientClosedError());
    }
    return this.#ac;
  }

  get clientGone(): boolean {
    return this.#clientGone;
  }

  abort(reason: Error): void {
    if (!this.signal.aborted) this.#ac!.abort(reason);
  }

  get headersSent(): boolean {
    return this.#res.headersSent;
  }

  send(status: number, headers: Readonly<Record<string, string>>, body: string): void {
    if (this.#res.headersSent || this.#res.destroyed) return;
    this.#res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
    this.#res.end(body);
  }

  startStream(status: number, headers: Readonly<Record<string, string>>): void {
    this.#res.writeHead(status, headers);
    this.#res.flushHeaders();
  }

  write(text: string): Promise<void> | undefined {
    const res = this.#res;
    if (res.destroyed) return undefined;
    if (res.write(text)) return undefined;
    return new Promise((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }

  end(): void {
    if (!this.#res.writableEnded) this.#res.end();
  }
}
