// The simulator's own endpoints, for tests and benchmarks (never recorded, never authenticated):
//   GET    /_mock/stats              the bill: { requests, received, errors, by_model }
//   POST   /_mock/reset              clear stats, recorded requests, fault rules, seen models
//   POST   /_mock/faults             add a rule { match?, faults, times? } → { id }
//   GET    /_mock/faults             list active rules → { data: [...] }
//   DELETE /_mock/faults             remove all rules
//   GET    /_mock/requests?limit=N   the last N recorded requests, newest last → [ {method,path,query,headers,body} ]
//   GET    /_mock/barriers?id=ID     how many requests wait at a barrier → { id, waiting }
//   GET    /_mock/image.png          a 1×1 PNG, so tests have an image URL to send (the gateway
//                                    fetches it for providers that take only inline bytes)

import { GatewayError } from '../core/errors.js';
import type { Exchange } from './exchange.js';
import { writeJson } from './http-io.js';
import { openaiErrorBody } from './openai/wire.js';

const OK = '{"ok":true}';

/** A valid 1×1 transparent PNG (67 bytes). */
export const MOCK_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==', 'base64');

function fail(ex: Exchange, status: number, message: string, code: string): void {
  writeJson(ex.res, status, openaiErrorBody(message, 'invalid_request_error', null, code));
}

function queryParam(ex: Exchange, name: string): string | null {
  return ex.query === '' ? null : new URLSearchParams(ex.query).get(name);
}

function addFault(ex: Exchange): void {
  let body: unknown;
  try {
    body = JSON.parse(ex.body);
  } catch {
    return fail(ex, 400, 'tollgate mock: /_mock/faults expects a JSON body', 'invalid_json');
  }
  try {
    const id = ex.state.faults.add(body);
    writeJson(ex.res, 200, JSON.stringify({ id }));
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    fail(ex, err.status, err.message, err.code);
  }
}

function recorded(ex: Exchange): void {
  const raw = queryParam(ex, 'limit');
  const limit = raw === null ? undefined : Number(raw);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    return fail(ex, 400, 'tollgate mock: limit must be a non-negative integer', 'invalid_value');
  }
  writeJson(ex.res, 200, JSON.stringify(ex.state.recorder.last(limit)));
}

export function handleControl(ex: Exchange): void {
  const { state, req } = ex;
  const route = `${req.method ?? 'GET'} ${ex.path}`;
  switch (route) {
    case 'GET /_mock/stats':
      return writeJson(ex.res, 200, JSON.stringify(state.ledger.snapshot()));
    case 'POST /_mock/reset':
      state.reset();
      return writeJson(ex.res, 200, OK);
    case 'POST /_mock/faults':
      return addFault(ex);
    case 'GET /_mock/faults':
      return writeJson(ex.res, 200, JSON.stringify({ data: state.faults.list() }));
    case 'DELETE /_mock/faults':
      state.faults.clear();
      return writeJson(ex.res, 200, OK);
    case 'GET /_mock/requests':
      return recorded(ex);
    case 'GET /_mock/image.png':
      ex.res.writeHead(200, { 'content-type': 'image/png', 'content-length': MOCK_PNG.length });
      ex.res.end(MOCK_PNG);
      return;
    case 'GET /_mock/barriers': {
      const id = queryParam(ex, 'id') ?? '';
      return writeJson(ex.res, 200, JSON.stringify({ id, waiting: state.barriers.waiting(id) }));
    }
    default:
      return fail(ex, 404, `tollgate mock: no control route ${route}`, 'route_not_found');
  }
}
