// Whether a deployment can serve a request at all (issue 4, FAILURE-MODES R4): a text-only model
// cannot take the client's image, a model without tools cannot take a tool definition. Such a target
// is left out of the plan with the reason recorded — never called to fail, never handed a request
// with the image quietly removed. Provider defaults come from the provider module; a deployment's
// `capabilities:` in config overrides them for its model.
import type { ChatRequest } from '../core/chat.js';
import type { DeploymentRuntime } from '../config/runtime.js';
import { providerModule } from '../providers/registry.js';
import type { CapabilityCheck } from './attempt-plan.js';

/** True when any message carries an image part (user turns, tool results). */
export function hasImageInput(req: ChatRequest): boolean {
  for (const m of req.messages) for (const p of m.content) if (p.type === 'image') return true;
  return false;
}

/**
 * The planner's capability check for this request, or undefined when the request needs nothing a
 * deployment could lack (the common case costs no per-deployment work).
 */
export function targetFit(req: ChatRequest): CapabilityCheck | undefined {
  const images = hasImageInput(req);
  const tools = (req.tools?.length ?? 0) > 0;
  if (!images && !tools) return undefined;
  return (d) => {
    if (images && d.capabilities?.images === false) return `${d.id} takes no image input (capabilities.images: false)`;
    if (tools && d.capabilities?.tools === false) return `${d.id} takes no tools (capabilities.tools: false)`;
    return undefined;
  };
}

/** The deployment continues a trailing assistant message (config overrides the provider's default). */
export function canPrefill(d: DeploymentRuntime): boolean {
  return d.capabilities?.assistantPrefill ?? providerModule(d.provider.type).capabilities.assistantPrefill === true;
}
