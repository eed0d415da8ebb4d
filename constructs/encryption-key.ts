import { Construct } from 'constructs';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { kmsKeyPolicy } from '../config/security-policies';

/** Props of {@link EncryptionKey}. */
export interface EncryptionKeyProps {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  /** `amazonaws.com` (or `amazonaws.com.cn`): the end of service principals. */
  readonly dnsSuffix: string;
  /** `alias/<stack>`. */
  readonly alias: string;
}

/**
 * The environment's customer-managed KMS key (`encryption.createKmsKey`): symmetric, rotated yearly,
 * its policy letting the account administer it through IAM and CloudWatch Logs of the region use it
 * for the account's log groups (config/security-policies.ts). A deleted key waits 30 days, the longest
 * window, so a mistaken destroy can be undone (`CancelKeyDeletion`).
 */
export class EncryptionKey extends Construct {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    this.key = new KmsKey(this, 'Key', {
      description: `${props.alias.replace(/^alias\//, '')}: log groups and the AppSpec bucket`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: JSON.stringify(kmsKeyPolicy(props)),
    });
    new KmsAlias(this, 'Alias', { name: props.alias, targetKeyId: this.key.keyId });
  }
}
