// GET /admin/logs?key=&model=&status=&limit= — ledger rows, newest first.
import { listLedger } from '../../storage/ledger-queries.js';
import { adminError, ok, type AdminDeps, type AdminResponse } from './admin-api.js';

export async function listLogs(q: URLSearchParams, deps: AdminDeps): Promise<AdminResponse> {
  const limit = q.get('limit') === null ? 100 : Number(q.get('limit'));
  const status = q.get('status') === null ? undefined : Number(q.get('status'));
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return adminError(400, 'invalid_parameter', 'limit must be a whole number from 1 to 1000');
  if (status !== undefined && !Number.isInteger(status)) return adminError(400, 'invalid_parameter', 'status must be an HTTP status code');
  // Rows still batched in memory are written first, so a request that just finished is listed.
  await deps.ledger.flush();
  const rows = await listLedger(deps.storage.db, { key: q.get('key') ?? undefined, model: q.get('model') ?? undefined, status, limit });
  return ok({ data: rows });
}
