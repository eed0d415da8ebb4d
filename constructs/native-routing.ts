import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import type { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import type { ITerraformDependable } from 'cdktf';
import { assumeRolePolicy } from '../config/iam-policies';
import { ecsInfrastructurePolicy, hookInvokePolicy } from '../config/native-iam';
import type { ResolvedNativeRoute } from '../config/native';

/**
 * Listener rule attributes ECS rewrites during every ECS-native deployment (Terraform names, emitted
 * verbatim): the forward action's target group weights. ECS moves test traffic to green on the test
 * rule, then production traffic (at once, in linear steps, or canary then the rest) on the production
 * rule, and leaves both on the revision it deployed. Without the ignore, the next plan would put the
 * configured weights back: mid-deployment that undoes ECS's shift, after one it sends production to
 * the target group ECS is draining (terraform-aws-modules/terraform-aws-alb#409 reports the drift).
 */
export const ECS_OWNED_RULE_ATTRIBUTES = ['action'];

/** Props of {@link NativeListenerRules}. */
export interface NativeListenerRulesProps {
  readonly route: ResolvedNativeRoute;
  readonly productionListener: LbListener;
  readonly testListener: LbListener;
  /** The target group serving production when the rules are created (ECS's `targetGroupArn`). */
  readonly primary: LbTargetGroup;
  /** The other one (ECS's `alternateTargetGroupArn`), where green's tasks go. */
  readonly alternate: LbTargetGroup;
}

/**
 * The production and test rule of an ECS-native service: the same host and/or path conditions and
 * priority on the production and the test listener, each a forward weighted over both target groups
 * (production: primary 100, alternate 0; test: alternate 100, primary 0), so each target group is
 * associated with a rule as ECS requires ("Migrate CodeDeploy blue/green deployments to Amazon ECS
 * blue/green deployments": both target groups must be associated with the production or test rule).
 * From then on ECS owns the weights ({@link ECS_OWNED_RULE_ATTRIBUTES}).
 */
export class NativeListenerRules extends Construct {
  readonly productionRule: LbListenerRule;
  readonly testRule: LbListenerRule;

  constructor(scope: Construct, id: string, props: NativeListenerRulesProps) {
    super(scope, id);
    const r = props.route;
    const condition = [...(r.hosts.length > 0 ? [{ hostHeader: { values: [...r.hosts] } }] : []), ...(r.paths.length > 0 ? [{ pathPattern: { values: [...r.paths] } }] : [])];
    const forward = (primaryWeight: number) => [
      {
        type: 'forward',
        forward: {
          targetGroup: [
            { arn: props.primary.arn, weight: primaryWeight },
            { arn: props.alternate.arn, weight: 100 - primaryWeight },
          ],
          stickiness: { enabled: false, duration: 1 },
        },
      },
    ];
    const common = { priority: r.priority, condition, dependsOn: [props.primary, props.alternate], lifecycle: { ignoreChanges: ECS_OWNED_RULE_ATTRIBUTES } };
    this.productionRule = new LbListenerRule(this, 'ProductionRule', { listenerArn: props.productionListener.arn, action: forward(100), ...common });
    this.testRule = new LbListenerRule(this, 'TestRule', { listenerArn: props.testListener.arn, action: forward(0), ...common });
  }
}

/** Props of {@link NativeDeploymentRoles}. */
export interface NativeDeploymentRolesProps {
  readonly targetGroups: readonly LbTargetGroup[];
  readonly rules: NativeListenerRules;
  readonly listeners: readonly LbListener[];
  readonly hookFunctionArn: string;
  readonly names: { readonly infrastructureRole: string; readonly hookInvokeRole: string };
}

/**
 * The two roles ECS assumes for one service (trust: `ecs.amazonaws.com`): the infrastructure role for
 * load balancers (`load_balancer.advanced_configuration.role_arn`), with an inline policy scoped to the
 * service's target groups, rules and listeners instead of AWS's managed policy on every one of the
 * account; and the role that invokes its hook (`lifecycle_hook.role_arn`), `lambda:InvokeFunction` on
 * that function only (config/native-iam.ts).
 */
export class NativeDeploymentRoles extends Construct {
  readonly infrastructureRole: IamRole;
  readonly hookInvokeRole: IamRole;
  /** The roles' policies: the service must wait for them (ECS checks the roles when it takes them). */
  readonly ready: readonly ITerraformDependable[];

  constructor(scope: Construct, id: string, props: NativeDeploymentRolesProps) {
    super(scope, id);
    const trust = JSON.stringify(assumeRolePolicy('ecs.amazonaws.com'));
    this.infrastructureRole = new IamRole(this, 'InfrastructureRole', { name: props.names.infrastructureRole, assumeRolePolicy: trust });
    const lb = new IamRolePolicy(this, 'InfrastructureRolePolicy', {
      role: this.infrastructureRole.id,
      name: 'shift-traffic-on-own-rules',
      policy: JSON.stringify(
        ecsInfrastructurePolicy({
          targetGroupArns: props.targetGroups.map((t) => t.arn),
          listenerRuleArns: [props.rules.productionRule.arn, props.rules.testRule.arn],
          listenerArns: props.listeners.map((l) => l.arn),
        }),
      ),
    });
    this.hookInvokeRole = new IamRole(this, 'HookInvokeRole', { name: props.names.hookInvokeRole, assumeRolePolicy: trust });
    const invoke = new IamRolePolicy(this, 'HookInvokeRolePolicy', {
      role: this.hookInvokeRole.id,
      name: 'invoke-own-hook',
      policy: JSON.stringify(hookInvokePolicy({ functionArn: props.hookFunctionArn })),
    });
    this.ready = [lb, invoke];
  }
}
