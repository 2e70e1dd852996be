// Holds the running RuntimeConfig and swaps it atomically on reload. A request reads `current` once
// at its start and keeps that object, so a reload never changes a request halfway through.
// An invalid new config never replaces the running one.
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { ConfigError, type ConfigProblem } from './problems.js';
import { loadConfigFile } from './load.js';
import type { RuntimeConfig } from './runtime.js';

export type ReloadResult =
  | { readonly ok: true; readonly generation: number; readonly trigger: string }
  | { readonly ok: false; readonly generation: number; readonly trigger: string; readonly problems: readonly ConfigProblem[] };

export class ConfigHolder {
  #current: RuntimeConfig;
  #watcher: FSWatcher | undefined;
  #debounce: NodeJS.Timeout | undefined;
  #listeners: Array<(r: ReloadResult, next: RuntimeConfig | undefined) => void> = [];

  constructor(initial: RuntimeConfig) {
    this.#current = initial;
  }

  get current(): RuntimeConfig {
    return this.#current;
  }

  /** Called after every reload attempt, successful or not (logging, metrics, pool upkeep). */
  onReload(fn: (r: ReloadResult, next: RuntimeConfig | undefined) => void): void {
    this.#listeners.push(fn);
  }

  /** Re-reads the source file; swaps only if it loads and compiles cleanly. */
  reload(trigger: string): ReloadResult {
    const path = this.#current.sourcePath;
    let result: ReloadResult;
    let next: RuntimeConfig | undefined;
    if (!path) {
      result = { ok: false, generation: this.#current.generation, trigger, problems: [{ path: '', message: 'this gateway was not started from a config file' }] };
    } else {
      try {
        next = loadConfigFile(path, { generation: this.#current.generation + 1 });
        this.#current = next;
        result = { ok: true, generation: next.generation, trigger };
      } catch (err) {
        const problems = err instanceof ConfigError ? err.problems : [{ path: '', message: (err as Error).message }];
        result = { ok: false, generation: this.#current.generation, trigger, problems };
      }
    }
    for (const fn of this.#listeners) fn(result, next);
    return result;
  }

  /** Reloads when the file changes (debounced: editors write in several steps). */
  watchFile(debounceMs = 200): void {
    const path = this.#current.sourcePath;
    if (!path || this.#watcher) return;
    // Watch the directory, not the file: editors often save by writing a new file and renaming it.
    const name = basename(path);
    this.#watcher = watch(dirname(path), { persistent: false }, (_event, changed) => {
      if (changed !== null && changed !== name) return;
      clearTimeout(this.#debounce);
      this.#debounce = setTimeout(() => this.reload('file-change'), debounceMs);
    });
    this.#watcher.on('error', () => undefined);
  }

  close(): void {
    clearTimeout(this.#debounce);
    this.#watcher?.close();
    this.#watcher = undefined;
  }
}
