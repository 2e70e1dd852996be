// The translating-provider contract lives in ../types.ts; re-exported here for the adapter's files.
export type { ChatEncodeOptions, EncodedChat, TranslatingProviderModule, TranslationContext } from '../types.js';
