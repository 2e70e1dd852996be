// Fallback groups form a graph; a cycle is a config error, found at load time (R1).

/**
 * The first fallback cycle in a config's groups, as a path that ends where it starts
 * (['a', 'b', 'a']), or undefined. A cycle is a config error: report it at load time.
 * Names that are not groups are ignored here (an unknown fallback is its own config error).
 */
export function findFallbackCycle(groups: Readonly<Record<string, { readonly fallbacks?: readonly string[] }>>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (name: string): string[] | undefined => {
    const s = state.get(name);
    if (s === 'done') return undefined;
    if (s === 'visiting') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'visiting');
    path.push(name);
    for (const next of groups[name]?.fallbacks ?? []) {
      if (!Object.hasOwn(groups, next)) continue;
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of Object.keys(groups)) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return undefined;
}
