import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledge } from './nag';
import type { CapacityPlan } from './plan';

/**
 * A bucket that receives AWS-delivered access logs (S3 server access logs, ALB access logs): AWS's
 * log delivery only writes to SSE-S3 buckets, and a log bucket does not log itself. Its lifecycle
 * (days kept, and days an expired version lingers in the versioned bucket) is the plan's, which
 * prices what the bucket holds.
 */
export function accessLogBucket(scope: Construct, id: string, plan: CapacityPlan): s3.Bucket {
  const { expirationDays, noncurrentDays } = plan.observability.accessLogs;
  const bucket = new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    versioned: true,
    lifecycleRules: [{ expiration: Duration.days(expirationDays), noncurrentVersionExpiration: Duration.days(noncurrentDays) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  acknowledge(bucket, ['AwsSolutions-S1', 'NIST.800.53.R5-S3BucketLoggingEnabled'], 'This bucket receives access logs; logging it again would recurse.');
  acknowledge(bucket, ['NIST.800.53.R5-S3DefaultEncryptionKMS'], 'AWS delivers S3 server access logs and ALB access logs only to buckets encrypted with SSE-S3.');
  acknowledge(bucket, ['NIST.800.53.R5-S3BucketReplicationEnabled'], `Access logs are kept ${expirationDays} days in one region; they are not worth a second copy.`);
  return bucket;
}
