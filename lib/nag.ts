/**
 * cdk-nag acknowledgements shared by several stacks. Each names one finding on one construct and
 * says why it stands; stack-wide or rule-wide acknowledgements are not used.
 */
import { type App, CfnResource, Stack, Token, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** The packs every synthesis runs (bin/app.ts and the template tests); any finding fails it. */
export function addNagPacks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app));
}

/** One finding of several packs acknowledged on one construct for one reason. */
export function acknowledge(scope: IConstruct, ids: readonly string[], reason: string): void {
  for (const id of ids) Validations.of(scope).acknowledge({ id, reason });
}

/** The Lambda behind every AwsCustomResource of a stack, created once per stack by aws-cdk-lib. */
const AWS_CUSTOM_RESOURCE_PROVIDER_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

export function acknowledgeAwsCustomResourceProvider(stack: Stack): void {
  const provider = stack.node.tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER_ID);
  if (!provider) return;
  Validations.of(provider).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'The AwsCustomResource provider function only writes its own logs; its API permissions are the narrow statements of each call.',
  });
  acknowledge(
    provider,
    ['NIST.800.53.R5-LambdaConcurrency', 'NIST.800.53.R5-LambdaDLQ', 'NIST.800.53.R5-LambdaInsideVPC'],
    'CloudFormation invokes this provider synchronously during deploys only: no concurrency to cap, no events to dead-letter, and it calls public AWS APIs only.',
  );
  for (const child of stack.node.findAll()) {
    if (child.node.id === 'CustomResourcePolicy') acknowledgeInlinePolicy(child);
  }
}

/** aws-cdk-lib keeps a role's grants in one policy attached to that role alone. */
export function acknowledgeInlinePolicy(scope: IConstruct): void {
  Validations.of(scope).acknowledge({
    id: 'NIST.800.53.R5-IAMNoInlinePolicy',
    reason: "The policy holds this role's own grants and is attached to it alone; a managed policy would add a reusable attachment point and nothing else.",
  });
}

/** `asset.grantRead(role)`: read-only object actions on the CDK asset bucket. */
export function acknowledgeAssetRead(role: IConstruct): void {
  for (const finding of ['Action::s3:GetBucket*', 'Action::s3:GetObject*', 'Action::s3:List*']) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[${finding}]`,
      reason: 'Granted by Asset.grantRead: read-only access to the CDK asset this role runs.',
    });
  }
  // cdk-nag prints the bucket as the template has it: literal account and region when the stack's
  // environment is set, pseudo parameters when it is not (the partition is literal under
  // @aws-cdk/core:enablePartitionLiterals once the region is known).
  const stack = Stack.of(role);
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:${partition}:s3:::cdk-hnb659fds-assets-${account}-${region}/*]`,
    reason: 'Granted by Asset.grantRead: the bootstrap asset bucket holds the asset under a content-hash key.',
  });
}

/** Instance roles of EC2 hosts reached through Session Manager and publishing agent metrics. */
export function acknowledgeInstanceRolePolicies(role: IConstruct): void {
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
    reason: 'Session Manager replaces SSH on the hosts; this is the managed policy AWS maintains for it.',
  });
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/CloudWatchAgentServerPolicy]',
    reason: 'The CloudWatch agent publishes the memory and disk metrics the alarms read.',
  });
}

/**
 * The Flink start resource's functions and the provider framework around them (lib/flink-stack.ts):
 * deploy-time Lambdas and a waiter state machine CloudFormation drives through the framework.
 */
export function acknowledgeStartProvider(stack: Stack, scope: IConstruct): void {
  const resources = scope.node.findAll().filter((c): c is CfnResource => c instanceof CfnResource);
  // The framework's functions invoke the start functions, which live beside the provider.
  const functions = stack.node.findAll().filter((c): c is CfnResource => c instanceof CfnResource && c.cfnResourceType === 'AWS::Lambda::Function');
  for (const r of resources) {
    if (r.cfnResourceType === 'AWS::Lambda::Function') {
      acknowledge(
        r,
        ['NIST.800.53.R5-LambdaConcurrency', 'NIST.800.53.R5-LambdaDLQ', 'NIST.800.53.R5-LambdaInsideVPC', 'AwsSolutions-L1'],
        'A deploy-time function of the Flink start resource: invoked through the provider framework only (no concurrency to cap, no events to dead-letter), calling public AWS APIs; the framework pins its own runtime.',
      );
    }
    if (r.cfnResourceType === 'AWS::IAM::Role') {
      Validations.of(r).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'A deploy-time function of the Flink start resource: the managed policy only lets it write its own logs.',
      });
    }
    if (r.cfnResourceType === 'AWS::IAM::Policy') {
      acknowledgeInlinePolicy(r);
      for (const fn of functions) {
        Validations.of(r).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(fn)}.Arn>:*]`,
          reason: 'The provider framework invokes this one function (any version or alias of it).',
        });
      }
    }
    if (r.cfnResourceType === 'AWS::StepFunctions::StateMachine') {
      acknowledge(
        r,
        ['AwsSolutions-SF1', 'AwsSolutions-SF2', 'NIST.800.53.R5-StepFunctionStateMachineXray'],
        "The provider framework's waiter only re-invokes isComplete every 30 s during a deploy; its executions are in its log group, and there is nothing to trace.",
      );
    }
  }
}
