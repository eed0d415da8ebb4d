import { Construct } from 'constructs';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { ecrLifecyclePolicy } from '../config/iam-policies';

/** Props of {@link ContainerRepository}. */
export interface ContainerRepositoryProps {
  readonly name: string;
  /**
   * Tagged images kept by the lifecycle policy (older ones expire).
   * @default 30
   */
  readonly keepImageCount?: number;
  /**
   * Customer-managed KMS key of the images (`encryption.encryptContainerRepository`). ECR sets it at
   * creation: adding or removing it replaces the repository, images included.
   * @default - AES256 (ECR's own keys)
   */
  readonly kmsKeyArn?: string;
}

/** ECR repository of the service's image: immutable tags, scan on push, lifecycle policy. */
export class ContainerRepository extends Construct {
  readonly repository: EcrRepository;

  constructor(scope: Construct, id: string, props: ContainerRepositoryProps) {
    super(scope, id);
    this.repository = new EcrRepository(this, 'Repository', {
      name: props.name,
      // A tag names one build forever, so a task definition always runs the image it was released with.
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [props.kmsKeyArn === undefined ? { encryptionType: 'AES256' } : { encryptionType: 'KMS', kmsKey: props.kmsKeyArn }],
    });
    new EcrLifecyclePolicy(this, 'LifecyclePolicy', {
      repository: this.repository.name,
      policy: JSON.stringify(ecrLifecyclePolicy(props.keepImageCount ?? 30)),
    });
  }
}
