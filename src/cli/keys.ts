// `tollgate keys create|list|revoke` — a client of the admin API (admin-client.ts), so the CLI and
// the API can never disagree.
import { parseArgs } from 'node:util';
import { adminClient, budgetFromFlags, describeFailure, limitsFromFlags, type AdminReply } from './admin-client.js';

export async function runKeysCommand(args: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: {
      url: { type: 'string' },
      'admin-key': { type: 'string' },
      name: { type: 'string' },
      budget: { type: 'string' },
      period: { type: 'string' },
      window: { type: 'string' },
      rpm: { type: 'string' },
      tpm: { type: 'string' },
      'max-parallel': { type: 'string' },
      expires: { type: 'string' },
      user: { type: 'string' },
      team: { type: 'string' },
      org: { type: 'string' },
      models: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const adminKey = values['admin-key'] ?? process.env['TOLLGATE_ADMIN_KEY'];
  if (!adminKey) {
    err('tollgate keys: set TOLLGATE_ADMIN_KEY (or --admin-key) to the gateway admin key');
    return 2;
  }
  const { call } = adminClient(values.url, adminKey);
  const fail = (r: AdminReply) => {
    err(describeFailure('tollgate keys', r));
    return 1;
  };

  switch (sub) {
    case 'create': {
      if (!values.name) {
        err('tollgate keys create: --name is required');
        return 2;
      }
      let limits: Record<string, number> | undefined;
      try {
        limits = limitsFromFlags(values);
      } catch (e) {
        err(`tollgate keys create: ${(e as Error).message}`);
        return 2;
      }
      const body = {
        name: values.name,
        ...(values.budget !== undefined ? { budget: budgetFromFlags(values) } : {}),
        ...(limits ? { limits } : {}),
        ...(values.expires ? { expires_in: values.expires } : {}),
        ...(values.user ? { user: values.user } : {}),
        ...(values.team ? { team: values.team } : {}),
        ...(values.org ? { org: values.org } : {}),
        ...(values.models ? { models: values.models.split(',').map((m) => m.trim()).filter(Boolean) } : {}),
      };
      const r = await call('POST', '/admin/keys', body);
      if (r.status !== 201) return fail(r);
      if (values.json) out(JSON.stringify(r.json));
      else {
        out(`created key ${String(r.json['id'])} (${String(r.json['name'])})${r.json['expires_at'] ? `, expires ${String(r.json['expires_at'])}` : ''}`);
        out(`key: ${String(r.json['key'])}`);
        out('This is the only time the key is shown. Store it now.');
      }
      return 0;
    }
    case 'list': {
      const r = await call('GET', '/admin/keys');
      if (r.status !== 200) return fail(r);
      const rows = r.json['data'] as Array<Record<string, unknown>>;
      if (values.json) out(JSON.stringify(rows));
      else
        for (const k of rows) {
          const budget = k['budget'] as { usd: number; period: string } | null;
          out(
            [k['id'], k['name'], `${String(k['key_prefix'])}…`, budget ? `$${k['spend_usd']}/$${budget.usd} ${budget.period}` : `$${k['spend_usd']} spent`, k['revoked_at'] ? 'REVOKED' : k['expires_at'] ? `expires ${String(k['expires_at'])}` : 'no expiry']
              .map(String)
              .join('\t'),
          );
        }
      return 0;
    }
    case 'revoke': {
      const id = positionals[0];
      if (!id) {
        err('usage: tollgate keys revoke ID');
        return 2;
      }
      const r = await call('DELETE', `/admin/keys/${encodeURIComponent(id)}`);
      if (r.status !== 200) return fail(r);
      out(`revoked key ${id}`);
      return 0;
    }
    default:
      err('usage: tollgate keys create --name N [--budget USD --period P --rpm N --tpm N --max-parallel N --expires 30d --user U --team T --org O --models a,b] | keys list | keys revoke ID');
      return 2;
  }
}
