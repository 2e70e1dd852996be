// `tollgate users|teams|orgs create|list|update|delete` — clients of /admin/users, /admin/teams and
// /admin/orgs. The name is the id.
import { parseArgs } from 'node:util';
import { adminClient, budgetFromFlags, describeFailure, limitsFromFlags } from './admin-client.js';

type Kind = 'users' | 'teams' | 'orgs';

const PARENTS: Record<Kind, ReadonlyArray<'team' | 'org'>> = { users: ['team', 'org'], teams: ['org'], orgs: [] };

function usage(kind: Kind): string {
  const parents = PARENTS[kind].map((p) => ` [--${p} ${p.toUpperCase()}]`).join('');
  return `usage: tollgate ${kind} create --name N${parents} [--budget USD --period P --window calendar|rolling --rpm N --tpm N --max-parallel N]
       tollgate ${kind} list [--json]
       tollgate ${kind} update NAME${parents} [--budget USD|none ...]     (pass "" to clear a parent)
       tollgate ${kind} delete NAME [--force]   (--force revokes its keys and detaches its members)`;
}

export async function runEntitiesCommand(kind: Kind, args: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const [sub, ...rest] = args;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        url: { type: 'string' },
        'admin-key': { type: 'string' },
        name: { type: 'string' },
        team: { type: 'string' },
        org: { type: 'string' },
        budget: { type: 'string' },
        period: { type: 'string' },
        window: { type: 'string' },
        rpm: { type: 'string' },
        tpm: { type: 'string' },
        'max-parallel': { type: 'string' },
        force: { type: 'boolean' },
        json: { type: 'boolean' },
      },
    });
  } catch (e) {
    err(`tollgate ${kind}: ${(e as Error).message}\n${usage(kind)}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const adminKey = values['admin-key'] ?? process.env['TOLLGATE_ADMIN_KEY'];
  if (!adminKey) {
    err(`tollgate ${kind}: set TOLLGATE_ADMIN_KEY (or --admin-key) to the gateway admin key`);
    return 2;
  }
  const api = adminClient(values.url, adminKey);
  const fields = (): Record<string, unknown> => {
    const body: Record<string, unknown> = {};
    for (const p of ['team', 'org'] as const) {
      const v = values[p];
      if (v === undefined) continue;
      if (!PARENTS[kind].includes(p)) throw new Error(`--${p} does not apply to ${kind}`);
      body[p] = v === '' ? null : v;
    }
    const budget = budgetFromFlags(values);
    if (budget !== undefined) body['budget'] = budget;
    const limits = limitsFromFlags(values);
    if (limits) body['limits'] = limits;
    return body;
  };
  const show = (e: Record<string, unknown>): string => {
    const b = e['budget'] as { usd: number; period: string; window: string } | null;
    const money = b ? `$${String(e['spend_usd'])}/$${b.usd} ${b.window === 'rolling' ? `rolling ${b.period}` : b.period}` : `$${String(e['spend_usd'])} spent`;
    const parents = PARENTS[kind].map((p) => `${p}=${String(e[p] ?? '-')}`);
    return [e['name'], e['source'], ...parents, money, JSON.stringify(e['limits'] ?? {})].map(String).join('\t');
  };
  const name = positionals[0];
  const path = (n: string) => `/admin/${kind}/${encodeURIComponent(n)}`;
  try {
    switch (sub) {
      case 'create': {
        if (!values.name) {
          err(`tollgate ${kind} create: --name is required`);
          return 2;
        }
        const r = await api.call('POST', `/admin/${kind}`, { name: values.name, ...fields() });
        if (r.status !== 201) return fail(err, `tollgate ${kind} create`, r);
        out(values.json ? JSON.stringify(r.json) : `created ${kind.slice(0, -1)} ${values.name}`);
        return 0;
      }
      case 'list': {
        const r = await api.call('GET', `/admin/${kind}`);
        if (r.status !== 200) return fail(err, `tollgate ${kind} list`, r);
        const rows = r.json['data'] as Array<Record<string, unknown>>;
        if (values.json) out(JSON.stringify(rows));
        else for (const e of rows) out(show(e));
        return 0;
      }
      case 'update': {
        if (!name) break;
        const r = await api.call('PATCH', path(name), fields());
        if (r.status !== 200) return fail(err, `tollgate ${kind} update`, r);
        out(values.json ? JSON.stringify(r.json) : show(r.json));
        return 0;
      }
      case 'delete': {
        if (!name) break;
        const r = await api.call('DELETE', `${path(name)}${values.force ? '?force=true' : ''}`);
        if (r.status !== 200) return fail(err, `tollgate ${kind} delete`, r);
        out(`deleted ${kind.slice(0, -1)} ${name}${values.force ? ` (revoked ${String(r.json['revoked_keys'])} key(s), detached ${String(r.json['detached_members'])} member(s))` : ''}`);
        return 0;
      }
    }
  } catch (e) {
    err(`tollgate ${kind} ${sub}: ${(e as Error).message}`);
    return 2;
  }
  err(usage(kind));
  return 2;
}

function fail(err: (s: string) => void, command: string, r: { status: number; json: Record<string, unknown> }): number {
  err(describeFailure(command, r));
  return 1;
}
