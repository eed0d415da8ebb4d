import { Construct } from 'constructs';
import { CodedeployApp } from '@cdktf/provider-aws/lib/codedeploy-app';
import { CodedeployDeploymentConfig } from '@cdktf/provider-aws/lib/codedeploy-deployment-config';
import { CodedeployDeploymentGroup } from '@cdktf/provider-aws/lib/codedeploy-deployment-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import type { ITerraformDependable } from 'cdktf';
import type { ResolvedDeployment } from '../config/resolve';
import { assumeRolePolicy, codeDeployRevisionPolicy, managedPolicyArn, MANAGED_POLICIES } from '../config/iam-policies';
import { trafficConfigName } from '../config/names';

/** Props of {@link CodeDeployApplication}. */
export interface CodeDeployApplicationProps {
  /** ARN of the AppSpec bucket, which CodeDeploy reads revisions from. */
  readonly appSpecBucketArn: string;
  readonly partition: string;
  readonly names: { readonly application: string; readonly role: string };
}

/**
 * The CodeDeploy application (ECS) of an environment and the service role its deployment groups
 * share: `AWSCodeDeployRoleForECS` plus reading the AppSpec revisions.
 */
export class CodeDeployApplication extends Construct {
  readonly application: CodedeployApp;
  readonly role: IamRole;
  /** The role's policies: a deployment group must wait for them (CodeDeploy checks them at creation). */
  readonly roleReady: readonly ITerraformDependable[];

  constructor(scope: Construct, id: string, props: CodeDeployApplicationProps) {
    super(scope, id);
    this.application = new CodedeployApp(this, 'Application', { name: props.names.application, computePlatform: 'ECS' });
    this.role = new IamRole(this, 'ServiceRole', {
      name: props.names.role,
      assumeRolePolicy: JSON.stringify(assumeRolePolicy('codedeploy.amazonaws.com')),
    });
    const managed = new IamRolePolicyAttachment(this, 'ServiceRoleEcsPolicy', {
      role: this.role.name,
      policyArn: managedPolicyArn(props.partition, MANAGED_POLICIES.codeDeployForEcs),
    });
    const revisions = new IamRolePolicy(this, 'ServiceRoleRevisionPolicy', {
      role: this.role.id,
      name: 'read-appspec-revisions',
      policy: JSON.stringify(codeDeployRevisionPolicy({ bucketArn: props.appSpecBucketArn })),
    });
    this.roleReady = [managed, revisions];
  }
}

/** Props of {@link BlueGreenDeployment}. */
export interface BlueGreenDeploymentProps {
  readonly application: CodeDeployApplication;
  readonly deployment: ResolvedDeployment;
  readonly clusterName: string;
  readonly serviceName: string;
  readonly productionListenerArn: string;
  readonly testListenerArn: string;
  readonly blueTargetGroupName: string;
  readonly greenTargetGroupName: string;
  /** Alarms that roll a deployment back (at most 10, checked by validation). */
  readonly alarmNames: readonly string[];
  readonly names: { readonly deploymentGroup: string; readonly deploymentConfig: string };
}

/** One service's deployment group (ECS blue/green) and, for a custom shift, its traffic config. */
export class BlueGreenDeployment extends Construct {
  readonly deploymentGroup: CodedeployDeploymentGroup;
  /** Name of the deployment configuration the group uses (predefined or created here). */
  readonly deploymentConfigName: string;

  constructor(scope: Construct, id: string, props: BlueGreenDeploymentProps) {
    super(scope, id);
    const d = props.deployment;

    const routing = d.trafficRouting;
    if (routing.type === 'predefined') {
      this.deploymentConfigName = routing.name;
    } else {
      const config = new CodedeployDeploymentConfig(this, 'TrafficConfig', {
        deploymentConfigName: trafficConfigName(props.names.deploymentConfig, routing),
        computePlatform: 'ECS',
        trafficRoutingConfig:
          routing.type === 'canary'
            ? { type: 'TimeBasedCanary', timeBasedCanary: { percentage: routing.percentage, interval: routing.intervalInMinutes } }
            : { type: 'TimeBasedLinear', timeBasedLinear: { percentage: routing.percentage, interval: routing.intervalInMinutes } },
        // Any change replaces the configuration, and CodeDeploy refuses to delete one in use: the new
        // one (a new name) must exist and the group must move to it before the old one goes.
        lifecycle: { createBeforeDestroy: true },
      });
      this.deploymentConfigName = config.deploymentConfigName;
    }

    const alarms = [...props.alarmNames];
    this.deploymentGroup = new CodedeployDeploymentGroup(this, 'DeploymentGroup', {
      appName: props.application.application.name,
      deploymentGroupName: props.names.deploymentGroup,
      serviceRoleArn: props.application.role.arn,
      deploymentConfigName: this.deploymentConfigName,
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      blueGreenDeploymentConfig: {
        deploymentReadyOption:
          d.manualApprovalWaitInMinutes === undefined
            ? { actionOnTimeout: 'CONTINUE_DEPLOYMENT' }
            : { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: d.manualApprovalWaitInMinutes },
        terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: d.terminationWaitTimeInMinutes },
      },
      ecsService: { clusterName: props.clusterName, serviceName: props.serviceName },
      loadBalancerInfo: {
        targetGroupPairInfo: {
          prodTrafficRoute: { listenerArns: [props.productionListenerArn] },
          testTrafficRoute: { listenerArns: [props.testListenerArn] },
          targetGroup: [{ name: props.blueTargetGroupName }, { name: props.greenTargetGroupName }],
        },
      },
      autoRollbackConfiguration: {
        enabled: true,
        events: alarms.length > 0 ? ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] : ['DEPLOYMENT_FAILURE'],
      },
      ...(alarms.length > 0 ? { alarmConfiguration: { enabled: true, alarms } } : {}),
      // CodeDeploy checks its role's permissions when the group is created.
      dependsOn: [...props.application.roleReady],
    });
  }
}
