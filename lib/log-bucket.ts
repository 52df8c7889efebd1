import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledge } from './nag';

/** Days access logs are kept. */
export const ACCESS_LOG_DAYS = 90;

/**
 * A bucket that receives AWS-delivered access logs (S3 server access logs, ALB access logs): AWS's
 * log delivery only writes to SSE-S3 buckets, and a log bucket does not log itself.
 */
export function accessLogBucket(scope: Construct, id: string): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    versioned: true,
    lifecycleRules: [{ expiration: Duration.days(ACCESS_LOG_DAYS), noncurrentVersionExpiration: Duration.days(7) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  acknowledge(bucket, ['AwsSolutions-S1', 'NIST.800.53.R5-S3BucketLoggingEnabled'], 'This bucket receives access logs; logging it again would recurse.');
  acknowledge(bucket, ['NIST.800.53.R5-S3DefaultEncryptionKMS'], 'AWS delivers S3 server access logs and ALB access logs only to buckets encrypted with SSE-S3.');
  acknowledge(bucket, ['NIST.800.53.R5-S3BucketReplicationEnabled'], `Access logs are kept ${ACCESS_LOG_DAYS} days in one region; they are not worth a second copy.`);
  return bucket;
}
