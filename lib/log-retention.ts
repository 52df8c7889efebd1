import type * as logs from 'aws-cdk-lib/aws-logs';
import type { CapacityPlan } from './plan';
import type { LogGroupPlan } from './plan/observability';

/** The plan's retention of one log group, as CloudWatch's enum (the plan holds only values it accepts). */
export function logRetention(plan: CapacityPlan, name: LogGroupPlan['name']): logs.RetentionDays {
  const group = plan.observability.logGroups.find((g) => g.name === name);
  if (!group) throw new Error(`the plan has no log group "${name}"`);
  return group.retentionDays as logs.RetentionDays;
}
