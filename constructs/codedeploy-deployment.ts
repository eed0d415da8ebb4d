import { Construct } from 'constructs';
import { CodedeployApp } from '@cdktf/provider-aws/lib/codedeploy-app';
import { CodedeployDeploymentConfig } from '@cdktf/provider-aws/lib/codedeploy-deployment-config';
import { CodedeployDeploymentGroup } from '@cdktf/provider-aws/lib/codedeploy-deployment-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Fn, Lazy, type ITerraformDependable } from 'cdktf';
import type { ResolvedDeployment } from '../config/resolve';
import { assumeRolePolicy, codeDeployRevisionPolicy, managedPolicyArn, MANAGED_POLICIES, type PolicyDocument } from '../config/iam-policies';
import { codeDeployKmsPolicy, codeDeployPassRolePolicy, codeDeployStayInStackPolicy } from '../config/security-policies';
import { trafficConfigName } from '../config/names';

/** Props of {@link CodeDeployApplication}. */
export interface CodeDeployApplicationProps {
  /** ARN of the AppSpec bucket, which CodeDeploy reads revisions from. */
  readonly appSpecBucketArn: string;
  readonly partition: string;
  readonly names: { readonly application: string; readonly role: string };
  /**
   * The key of the AppSpec bucket, when it is customer-managed: the role may decrypt through S3.
   * @default - SSE-S3
   */
  readonly appSpecKey?: { readonly arn: string; readonly region: string; readonly dnsSuffix: string };
}

/** What one service's deployment group makes CodeDeploy act on, registered with {@link CodeDeployApplication.addService}. */
export interface CodeDeployServiceTargets {
  /** The task role and the execution role of its task definition. */
  readonly taskRoleArns: readonly string[];
  /** Its production and test listeners. */
  readonly listenerArns: readonly string[];
  /** Its hook function (unqualified ARN). */
  readonly hookFunctionArn: string;
}

/**
 * The CodeDeploy application (ECS) of an environment and the service role its deployment groups
 * share: `AWSCodeDeployRoleForECSLimited`, reading the AppSpec revisions, passing exactly the services'
 * task and execution roles, and a Deny of listener, rule and function actions outside the
 * environment's services (docs/security.md, CodeDeploy's service role). The last two are built at
 * synth from what the services registered, whenever they were added.
 */
export class CodeDeployApplication extends Construct {
  readonly application: CodedeployApp;
  readonly role: IamRole;
  /** The role's policies: a deployment group must wait for them (CodeDeploy checks them at creation). */
  readonly roleReady: readonly ITerraformDependable[];
  private readonly targets: CodeDeployServiceTargets[] = [];

  constructor(scope: Construct, id: string, props: CodeDeployApplicationProps) {
    super(scope, id);
    this.application = new CodedeployApp(this, 'Application', { name: props.names.application, computePlatform: 'ECS' });
    this.role = new IamRole(this, 'ServiceRole', {
      name: props.names.role,
      assumeRolePolicy: JSON.stringify(assumeRolePolicy('codedeploy.amazonaws.com')),
    });
    // Same construct id as the previous release's AWSCodeDeployRoleForECS attachment: its policy ARN
    // is part of its identity, so the upgrade replaces it; created first, so a running deployment
    // never finds the role without its permissions.
    const managed = new IamRolePolicyAttachment(this, 'ServiceRoleEcsPolicy', {
      role: this.role.name,
      policyArn: managedPolicyArn(props.partition, MANAGED_POLICIES.codeDeployForEcsLimited),
      lifecycle: { createBeforeDestroy: true },
    });
    const inline = (policyId: string, name: string, document: () => PolicyDocument): IamRolePolicy =>
      new IamRolePolicy(this, policyId, { role: this.role.id, name, policy: Lazy.stringValue({ produce: () => JSON.stringify(document()) }) });
    const revisions = new IamRolePolicy(this, 'ServiceRoleRevisionPolicy', {
      role: this.role.id,
      name: 'read-appspec-revisions',
      policy: JSON.stringify(codeDeployRevisionPolicy({ bucketArn: props.appSpecBucketArn })),
    });
    const passRoles = inline('ServiceRolePassRolePolicy', 'codedeploy-pass-task-roles', () => this.passRoleDocument());
    const stayIn = inline('ServiceRoleStayInEnvironmentPolicy', 'codedeploy-stay-in-environment', () => this.stayInDocument());
    const ready: ITerraformDependable[] = [managed, revisions, passRoles, stayIn];
    if (props.appSpecKey) {
      ready.push(inline('ServiceRoleKmsPolicy', 'codedeploy-decrypt-appspec-revisions', () => codeDeployKmsPolicy({ keyArn: props.appSpecKey!.arn, region: props.appSpecKey!.region, dnsSuffix: props.appSpecKey!.dnsSuffix })));
    }
    this.roleReady = ready;
  }

  /** Registers what one service's deployment group makes CodeDeploy act on. */
  addService(targets: CodeDeployServiceTargets): void {
    this.targets.push(targets);
  }

  private passRoleDocument(): PolicyDocument {
    const roles = this.targets.flatMap((t) => t.taskRoleArns);
    // No service registered yet: a valid document that grants nothing.
    if (roles.length === 0) return { Version: '2012-10-17', Statement: [{ Sid: 'NoServiceYet', Effect: 'Deny', Action: 'iam:PassRole', Resource: '*' }] };
    return codeDeployPassRolePolicy({ roleArns: roles });
  }

  private stayInDocument(): PolicyDocument {
    const listenerArns = this.targets.flatMap((t) => t.listenerArns);
    if (listenerArns.length === 0) {
      return { Version: '2012-10-17', Statement: [{ Sid: 'NoServiceYet', Effect: 'Deny', Action: ['elasticloadbalancing:ModifyListener', 'elasticloadbalancing:ModifyRule', 'lambda:InvokeFunction'], Resource: '*' }] };
    }
    return codeDeployStayInStackPolicy({
      listenerArns,
      // `…:listener/app/<lb>/<id>/<listener id>` → `…:listener-rule/app/<lb>/<id>/<listener id>/*`.
      listenerRuleArnPatterns: listenerArns.map((arn) => `${Fn.replace(arn, ':listener/', ':listener-rule/')}/*`),
      hookFunctionArns: this.targets.map((t) => t.hookFunctionArn),
    });
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
