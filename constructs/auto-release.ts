import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { Resource } from '@cdktf/provider-null/lib/resource';
import { autoReleaseCommand, autoReleaseEnvironment, type AutoReleaseInputs } from '../lib/release-env';

/** Props of {@link AutoRelease}. */
export interface AutoReleaseProps {
  readonly release: AutoReleaseInputs;
  /** Everything the release uses must exist before it runs. */
  readonly dependsOn: readonly ITerraformDependable[];
  /**
   * Directory `npm run release` runs in, relative to the synthesized stack's directory.
   * @default '${path.module}/../../..' (the project root, from `cdktf.out/stacks/<stack>`)
   */
  readonly workingDir?: string;
}

/**
 * Starts a CodeDeploy release from `terraform apply` whenever the task definition changes: a
 * `null_resource` whose trigger is the task definition ARN runs `npm run release` with local-exec.
 */
export class AutoRelease extends Construct {
  readonly resource: Resource;

  constructor(scope: Construct, id: string, props: AutoReleaseProps) {
    super(scope, id);
    this.resource = new Resource(this, 'Release', {
      triggers: { task_definition_arn: props.release.taskDefinitionArn },
      dependsOn: [...props.dependsOn],
      provisioners: [
        {
          type: 'local-exec',
          command: autoReleaseCommand(props.release.stackName),
          workingDir: props.workingDir ?? '${path.module}/../../..',
          environment: autoReleaseEnvironment(props.release),
        },
      ],
    });
  }
}
