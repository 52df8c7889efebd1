import type { CapacityConfig } from '../config/schema';
import { CapacityConfigError } from './errors';

/** The pinned machine image of the environment's hosts. */
export interface HostImagePlan {
  readonly name: string;
  /** The image's id in the planned region; absent when the config has none for it (a what-if region). */
  readonly amiId?: string;
}

export function planHostImage(config: CapacityConfig): HostImagePlan {
  return { name: config.hostImage.name, amiId: config.hostImage.amiIds[config.region] };
}

/**
 * The AMI id the stacks boot. Pricing a what-if region needs no image, synthesizing it does: this
 * fails then, naming the field to fill in.
 */
export function requireAmiId(plan: { readonly environment: string; readonly region: string; readonly hostImage: HostImagePlan }): string {
  if (!plan.hostImage.amiId) {
    throw new CapacityConfigError(
      plan.environment,
      `hostImage.amiIds.${plan.region}`,
      `is missing: the stacks pin the hosts' AMI, so add the id of ${plan.hostImage.name} in ${plan.region} (docs/operations.md, "AMI bump")`,
    );
  }
  return plan.hostImage.amiId;
}
