import type { ConfigHolder } from '../../config/config-holder.js';
import { formatProblem } from '../../config/problems.js';
import type { RuntimeConfig } from '../../config/runtime.js';
import { adminError, ok, type AdminResponse } from './admin-api.js';

/** POST /admin/config/reload: swap in the file's config, or refuse it whole with every problem. */
export function reloadConfig(cfg: RuntimeConfig, holder: ConfigHolder): AdminResponse {
  const r = holder.reload('admin-api');
  if (r.ok) return ok({ status: 'reloaded', generation: r.generation });
  return adminError(422, 'invalid_config', `The new config was refused; generation ${r.generation} keeps running`, {
    problems: r.problems.map((p) => ({ ...p, text: formatProblem(p, cfg.sourcePath) })),
  });
}
