import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { renderAppSpecYaml, type AppSpecInput } from '../lib/appspec';
import { tlsOnlyBucketPolicy } from '../config/iam-policies';

/**
 * The bucket of AppSpec revisions (`revisionType: S3`, `bundleType: YAML`), shared by the services of
 * an environment: versioned, encrypted, non-public, TLS-only. Each service writes its own object
 * ({@link AppSpecRevision}).
 */
export class AppSpecBucket extends Construct {
  readonly bucket: S3Bucket;
  /** What must exist before an object is written: versioning (for a version id) and encryption. */
  readonly ready: readonly ITerraformDependable[];

  /**
   * @param props.kmsKeyArn customer-managed key of the bucket's default encryption (SSE-KMS with a
   *   bucket key); without it SSE-S3
   */
  constructor(scope: Construct, id: string, props: { readonly bucketPrefix: string; readonly kmsKeyArn?: string }) {
    super(scope, id);
    this.bucket = new S3Bucket(this, 'Bucket', {
      bucketPrefix: props.bucketPrefix,
      // Only AppSpec files derived from the stack live here; they are re-rendered on every apply.
      forceDestroy: true,
    });
    new S3BucketOwnershipControls(this, 'OwnershipControls', { bucket: this.bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    const publicAccess = new S3BucketPublicAccessBlock(this, 'PublicAccessBlock', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const versioning = new S3BucketVersioningA(this, 'Versioning', { bucket: this.bucket.id, versioningConfiguration: { status: 'Enabled' } });
    const encryption = new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      bucket: this.bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: props.kmsKeyArn === undefined ? { sseAlgorithm: 'AES256' } : { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn },
          bucketKeyEnabled: true,
        },
      ],
    });
    new S3BucketPolicy(this, 'TlsOnlyPolicy', {
      bucket: this.bucket.id,
      policy: JSON.stringify(tlsOnlyBucketPolicy({ bucketArn: this.bucket.arn })),
      // S3 rejects a bucket policy while the public access block is still being applied.
      dependsOn: [publicAccess],
    });
    this.ready = [versioning, encryption];
  }
}

/** Props of {@link AppSpecRevision}. */
export interface AppSpecRevisionProps {
  /** What the AppSpec says; `taskDefinitionArn` may be a Terraform reference. */
  readonly appSpec: AppSpecInput;
  readonly bucket: AppSpecBucket;
  readonly objectKey: string;
}

/** One service's rendered `appspec.yaml` for its current task definition, in the shared bucket. */
export class AppSpecRevision extends Construct {
  readonly object: S3Object;

  constructor(scope: Construct, id: string, props: AppSpecRevisionProps) {
    super(scope, id);
    this.object = new S3Object(this, 'AppSpec', {
      bucket: props.bucket.bucket.id,
      key: props.objectKey,
      content: renderAppSpecYaml(props.appSpec),
      contentType: 'application/yaml',
      // AWSCodeDeployRoleForECSLimited reads only objects carrying this tag (the full policy and the
      // stack's own inline policy read any object of the bucket): keeps a switch to Limited possible.
      tags: { UseWithCodeDeploy: 'true' },
      // Versioning first, so the object has a version id for the release to pin.
      dependsOn: [...props.bucket.ready],
    });
  }
}
