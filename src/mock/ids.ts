// Response ids (chatcmpl-…, call_…, req_…) must be unique, not secret. A per-process random stem plus a
// counter is unique across mock processes and costs one increment per id instead of a UUID.

import { randomBytes } from 'node:crypto';

export class IdSource {
  private readonly stem = randomBytes(6).toString('hex');
  private seq = 0;

  next(prefix: string): string {
    this.seq += 1;
    return `${prefix}${this.stem}${this.seq.toString(36)}`;
  }
}
