import { loadConfigFile } from '../config/load.js';
import { ConfigError, formatProblem } from '../config/problems.js';

/** `tollgate config check FILE`: prints every problem with its path, expected and actual value. */
export function runConfigCheck(file: string | undefined, out: (s: string) => void, err: (s: string) => void): number {
  if (!file) {
    err('usage: tollgate config check FILE');
    return 2;
  }
  try {
    const cfg = loadConfigFile(file);
    const groups = new Set([...cfg.models.values()].map((g) => g.name));
    out(`${file}: OK — ${cfg.providers.size} provider(s), ${groups.size} model group(s), ${cfg.keysByHash.size} key(s)`);
    for (const [name, reason] of cfg.disabledProviders) out(`  note: provider '${name}' is switched off (${reason})`);
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      err(`${file}: ${e.problems.length} problem(s)`);
      for (const p of e.problems) err('  ' + formatProblem(p, file));
      return 1;
    }
    throw e;
  }
}
