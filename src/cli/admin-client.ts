// The CLI's side of the admin API: where the gateway is (--url or TOLLGATE_URL, default
// http://127.0.0.1:4000) and the admin key (--admin-key or TOLLGATE_ADMIN_KEY). The CLI only ever
// talks to the API, so the two can never disagree.

export interface AdminReply {
  readonly status: number;
  readonly json: Record<string, unknown>;
}

export interface AdminClient {
  call(method: string, path: string, body?: unknown): Promise<AdminReply>;
}

export function adminClient(url: string | undefined, adminKey: string): AdminClient {
  const base = (url ?? process.env['TOLLGATE_URL'] ?? 'http://127.0.0.1:4000').replace(/\/+$/, '');
  return {
    async call(method, path, body) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    },
  };
}

/** One line naming the status, code and message of an error reply. */
export function describeFailure(command: string, r: AdminReply): string {
  const e = r.json['error'] as { code?: string; message?: string } | undefined;
  return `${command}: ${r.status} ${e?.code ?? ''}: ${e?.message ?? JSON.stringify(r.json)}`;
}

/** `--rpm`, `--tpm`, `--max-parallel` as the API's limits object (undefined when none given). */
export function limitsFromFlags(v: { rpm?: string; tpm?: string; 'max-parallel'?: string }): Record<string, number> | undefined {
  const num = (flag: string, s: string | undefined) => {
    if (s === undefined) return undefined;
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} must be a whole number ≥ 1`);
    return n;
  };
  const l = { rpm: num('rpm', v.rpm), tpm: num('tpm', v.tpm), max_parallel: num('max-parallel', v['max-parallel']) };
  const set = Object.entries(l).filter(([, n]) => n !== undefined);
  return set.length ? (Object.fromEntries(set) as Record<string, number>) : undefined;
}

/** `--budget USD [--period P] [--window rolling]` as the API's budget (`--budget none` removes it). */
export function budgetFromFlags(v: { budget?: string; period?: string; window?: string }): unknown {
  if (v.budget === undefined) return undefined;
  if (v.budget === 'none') return null;
  return { usd: v.budget, period: v.period ?? 'monthly', ...(v.window ? { window: v.window } : {}) };
}
