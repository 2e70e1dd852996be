// For providers that cannot fetch image URLs themselves (capabilities.imageUrls === false): a copy of
// the frozen request whose http(s) image parts are data: URLs. The client's request is untouched, so
// a fallback to a provider that does take URLs still gets the URL exactly as sent (R3/R4); the copy
// is made once per request and shared by every attempt that needs it.
import type { ChatMessage, ChatRequest, ContentPart } from '../core/chat.js';
import { deepFreeze } from '../core/freeze.js';
import type { ImagesRuntime } from '../config/runtime.js';
import type { ImageFetcher } from './image-fetch.js';

const isRemote = (p: ContentPart): boolean => p.type === 'image' && !p.url.startsWith('data:');

export function hasRemoteImages(req: ChatRequest): boolean {
  return req.messages.some((m) => m.content.some(isRemote));
}

export async function inlineImages(req: ChatRequest, fetcher: ImageFetcher, cfg: ImagesRuntime): Promise<ChatRequest> {
  const jobs: Promise<void>[] = [];
  const inlined = new Map<string, string>();
  req.messages.forEach((m, i) =>
    m.content.forEach((p, j) => {
      if (p.type !== 'image' || !isRemote(p) || inlined.has(p.url)) return;
      inlined.set(p.url, '');
      jobs.push(
        fetcher.fetch(p.url, `messages[${i}].content[${j}]`, cfg).then((img) => {
          inlined.set(p.url, `data:${img.mimeType};base64,${img.bytes.toString('base64')}`);
        }),
      );
    }),
  );
  await Promise.all(jobs);
  const messages = req.messages.map((m): ChatMessage => {
    if (!m.content.some(isRemote)) return m;
    const content = m.content.map((p) => (p.type === 'image' && isRemote(p) ? { ...p, url: inlined.get(p.url)! } : p));
    return { ...m, content } as ChatMessage;
  });
  return deepFreeze({ ...req, messages });
}
