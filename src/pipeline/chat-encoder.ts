// How one chat request becomes each attempt's upstream request: relayed on its own wire, or
// translated by the target's adapter — from the frozen original every time (R4), except that
// providers which cannot fetch image URLs get a copy with the images inlined (fetched once per
// request, shared by the attempts that need it). What a translation dropped is put on the receipt.
import type { Logger } from 'pino';
import type { ChatRequest } from '../core/chat.js';
import { UnsupportedParameterError } from '../core/errors.js';
import type { DeploymentRuntime, ImagesRuntime } from '../config/runtime.js';
import { translatorFor } from '../providers/registry.js';
import { isTranslating, type AnyProviderModule, type UpstreamRequest } from '../providers/types.js';
import type { ImageFetcher } from './image-fetch.js';
import { hasRemoteImages, inlineImages } from './inline-images.js';
import type { Track } from './request-context.js';

export class ChatEncoder {
  #inlined: Promise<ChatRequest> | undefined;

  constructor(
    private readonly req: ChatRequest,
    private readonly images: { readonly fetcher: ImageFetcher; readonly cfg: ImagesRuntime },
    private readonly logger: Logger,
    private readonly requestId: string,
  ) {}

  async encode(m: AnyProviderModule, d: DeploymentRuntime, track: Track): Promise<UpstreamRequest> {
    const req = this.req;
    const tm = translatorFor(d.provider.type, req.source.wire);
    if (!tm) {
      if (isTranslating(m) || m.chatWire !== req.source.wire) throw new UnsupportedParameterError('model', d.id, `(a ${req.source.wire} request) is not supported by`);
      return m.encodeChat(req, d.provider, d.model);
    }
    const source = tm.capabilities.imageUrls === false && hasRemoteImages(req) ? await this.#withInlineImages() : req;
    const e = tm.encodeChat(source, d.provider, d.model, { dropParams: d.dropParams, defaultMaxTokens: d.defaultMaxTokens });
    track.receipt = { ...track.receipt, dropped: e.dropped, defaultedMaxTokens: e.defaultedMaxTokens };
    if (e.ignored.length > 0) this.logger.debug({ request_id: this.requestId, ignored: e.ignored }, 'hints without an equivalent on the target were left out');
    return e.request;
  }

  #withInlineImages(): Promise<ChatRequest> {
    this.#inlined ??= inlineImages(this.req, this.images.fetcher, this.images.cfg);
    return this.#inlined;
  }
}
