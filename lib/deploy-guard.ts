/**
 * Refuses a deploy of an environment whose access settings are still placeholders, while its
 * synthesis keeps working without credentials (`npm run main`, the tests, `cdk diff`).
 *
 * Each stack of such an environment carries a CloudFormation rule whose assertion cannot hold and
 * whose description names the setting. CloudFormation evaluates rules when it creates a change set,
 * before it creates or changes any resource, so `cdk deploy` (or any pipeline deploying the
 * templates) stops at the first stack with the message. Synthesis prints the same as a warning.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/rules-section-structure.html
 */
import { Annotations, CfnRule, Fn, type Stack } from 'aws-cdk-lib';
import type { PlaceholderSetting } from './plan';

export const PLACEHOLDER_RULE_ID = 'RefuseDeployWithPlaceholderSettings';

export function refuseDeployWithPlaceholders(stack: Stack, environment: string, placeholders: readonly PlaceholderSetting[]): void {
  if (placeholders.length === 0) return;
  new CfnRule(stack, PLACEHOLDER_RULE_ID, {
    assertions: placeholders.map((p) => ({
      // Compares the placeholder with a value it can never equal: the assertion always fails.
      assert: Fn.conditionEquals(p.value, `a real ${p.field}`),
      assertDescription: placeholderMessage(environment, p),
    })),
  });
  Annotations.of(stack).addWarningV2(
    'metricstream:placeholder-settings',
    `deploying this stack will fail before any resource is created: ${placeholders.map((p) => placeholderMessage(environment, p)).join('; ')}`,
  );
}

export function placeholderMessage(environment: string, p: PlaceholderSetting): string {
  return `capacity config "${environment}": ${p.field} ("${p.value}") ${p.reason}; set it in lib/capacity-config.ts before deploying`;
}
