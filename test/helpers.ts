import { CAPACITY_CONFIGS } from '../lib/capacity-config';
import type { CapacityConfig, EnvironmentName } from '../lib/config/schema';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** A copy of an environment's config with some fields replaced (deep merge). */
export function configWith(env: EnvironmentName, patch: DeepPartial<CapacityConfig>): CapacityConfig {
  return merge(CAPACITY_CONFIGS[env], patch) as CapacityConfig;
}

function merge(base: unknown, patch: unknown): unknown {
  if (patch === undefined) return base;
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch) || base === null || typeof base !== 'object') return patch;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  // A key present with the value undefined removes the field.
  for (const [key, value] of Object.entries(patch)) out[key] = value === undefined ? undefined : merge(out[key], value);
  return out;
}
