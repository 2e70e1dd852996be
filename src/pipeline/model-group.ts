// The model group a request names, checked against the key and the route, and every deployment
// its plan could reach.
import { InvalidRequestError, ModelNotAllowedError, ModelNotFoundError } from '../core/errors.js';
import type { Principal } from '../core/principal.js';
import type { ModelGroupRuntime, RuntimeConfig } from '../config/runtime.js';

export function resolveGroup(cfg: RuntimeConfig, principal: Principal, model: string, kind: 'chat' | 'embeddings'): ModelGroupRuntime {
  const group = cfg.models.get(model);
  if (!group) throw new ModelNotFoundError(model);
  if (principal.models && !principal.models.has(model) && !principal.models.has(group.name)) throw new ModelNotAllowedError(model);
  if (group.kind !== kind) {
    throw new InvalidRequestError(`The model '${model}' serves ${group.kind}, not ${kind}`, 'model', 'wrong_model_kind');
  }
  return group;
}

/** Every deployment id a plan for `group` could include (its own and its fallbacks', transitively). */
export function planIds(group: ModelGroupRuntime, cfg: RuntimeConfig): string[] {
  const ids: string[] = [];
  const seen = new Set<string>();
  const visit = (g: ModelGroupRuntime | undefined) => {
    if (!g || seen.has(g.name)) return;
    seen.add(g.name);
    for (const d of g.deployments) ids.push(d.id);
    for (const f of g.fallbacks) visit(cfg.models.get(f));
  };
  visit(group);
  return ids;
}
