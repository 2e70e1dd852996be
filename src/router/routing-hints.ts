// `x-tollgate-task` and `x-tollgate-max-latency-ms`: what the cost strategy optimises for.
import type { RoutingHints } from './strategies/strategy.js';

export function routingHints(h: Readonly<Record<string, string | string[] | undefined>>): RoutingHints {
  const task = h['x-tollgate-task'];
  const max = Number(h['x-tollgate-max-latency-ms']);
  return {
    ...(typeof task === 'string' && task !== '' ? { task } : {}),
    ...(Number.isFinite(max) && max > 0 ? { maxLatencyMs: max } : {}),
  };
}
