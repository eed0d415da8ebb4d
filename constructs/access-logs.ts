import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { accessLogBucketPolicy } from '../config/security-policies';

/** Key prefix of every load balancer's access logs (each log file name holds its load balancer's name and id). */
export const ACCESS_LOG_PREFIX = 'alb';

/** Props of {@link AccessLogBucket}. */
export interface AccessLogBucketProps {
  readonly bucketPrefix: string;
  readonly region: string;
  readonly partition: string;
  readonly accountId: string;
  /** Days before a log object, and each old version of one, is deleted. */
  readonly retentionInDays: number;
  /**
   * Let `terraform destroy` delete the bucket with its logs. Off while the load balancers are
   * protected from deletion: the record of their traffic is kept as long as they are.
   */
  readonly forceDestroy: boolean;
}

/**
 * The environment's bucket of ALB access logs: Elastic Load Balancing's log delivery may write
 * under `alb/AWSLogs/<account>/` (the principal AWS documents for the region), SSE-S3 (the only
 * encryption access logs support: Elastic Load Balancing user guide, "Enable access logs"), versioned,
 * public access blocked, ACLs disabled, TLS only, and a lifecycle rule deleting logs after the
 * retention. A load balancer enabling its logs must wait for {@link ready}: ELB checks that it may
 * write when the logs are turned on.
 */
export class AccessLogBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly ready: readonly ITerraformDependable[];

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, 'Bucket', { bucketPrefix: props.bucketPrefix, forceDestroy: props.forceDestroy });
    const bucket = this.bucket.id;
    new S3BucketOwnershipControls(this, 'OwnershipControls', { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    const publicAccess = new S3BucketPublicAccessBlock(this, 'PublicAccessBlock', {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const versioning = new S3BucketVersioningA(this, 'Versioning', { bucket, versioningConfiguration: { status: 'Enabled' } });
    const encryption = new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    new S3BucketLifecycleConfiguration(this, 'Retention', {
      bucket,
      rule: [
        {
          id: 'expire-access-logs',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          expiration: [{ days: props.retentionInDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.retentionInDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
      // The provider asks for versioning first when a rule acts on noncurrent versions.
      dependsOn: [versioning],
    });
    const policy = new S3BucketPolicy(this, 'Policy', {
      bucket,
      policy: JSON.stringify(
        accessLogBucketPolicy({ bucketArn: this.bucket.arn, region: props.region, partition: props.partition, accountId: props.accountId, prefixes: [ACCESS_LOG_PREFIX] }),
      ),
      // S3 rejects a bucket policy while the public access block is still being applied.
      dependsOn: [publicAccess],
    });
    this.ready = [policy, encryption];
  }
}
