/**
 * IAM policies of ECS-native services. Pure: ARNs are passed in as strings (Terraform references are
 * fine). Each grants only what its principal needs, on named resources; where Elastic Load Balancing
 * offers no resource-level permission the statement says so.
 */
import type { PolicyDocument } from './iam-policies';

/**
 * Actions of the Elastic Load Balancing API that accept no resource ARN: the Service Authorization
 * Reference ("Actions, resources, and condition keys for Elastic Load Balancing V2") lists no resource
 * type for them, so IAM only accepts `"*"`.
 */
export const ELB_DESCRIBE_ACTIONS = [
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeRules',
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetHealth',
] as const;

/** What the ECS infrastructure role of one service may touch. */
export interface InfrastructureRoleResources {
  /** The service's primary and alternate target groups. */
  readonly targetGroupArns: readonly string[];
  /** Its production and test listener rules. */
  readonly listenerRuleArns: readonly string[];
  /** The listeners those rules are on. */
  readonly listenerArns: readonly string[];
}

/**
 * The Amazon ECS infrastructure role for load balancers of one service, as an inline policy scoped to
 * its own target groups, rules and listeners. It grants the actions of AWS's managed
 * `AmazonECSInfrastructureRolePolicyForLoadBalancers` ("Amazon ECS infrastructure IAM role for load
 * balancers", Amazon ECS Developer Guide), which names every target group, rule and listener of the
 * account (`targetgroup/*`, `listener-rule/app/*`, `listener/app/*`): ECS registers green's tasks in a
 * target group, rewrites the weights of the production and test rules, and reads them back.
 */
export function ecsInfrastructurePolicy(r: InfrastructureRoleResources): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      // Describe* accept no resource ARN (see ELB_DESCRIBE_ACTIONS).
      { Sid: 'ReadLoadBalancing', Effect: 'Allow', Action: [...ELB_DESCRIBE_ACTIONS], Resource: '*' },
      { Sid: 'RegisterTasksInOwnTargetGroups', Effect: 'Allow', Action: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'], Resource: [...r.targetGroupArns] },
      { Sid: 'ShiftTrafficOnOwnRules', Effect: 'Allow', Action: 'elasticloadbalancing:ModifyRule', Resource: [...r.listenerRuleArns] },
      { Sid: 'ModifyOwnListeners', Effect: 'Allow', Action: 'elasticloadbalancing:ModifyListener', Resource: [...new Set(r.listenerArns)] },
    ],
  };
}

/**
 * The role ECS assumes to invoke a lifecycle hook: `lambda:InvokeFunction` on that one function
 * ("Permissions required for Lambda functions in Amazon ECS blue/green deployments", Amazon ECS
 * Developer Guide).
 */
export function hookInvokePolicy(input: { readonly functionArn: string }): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 'InvokeOwnHook', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: input.functionArn }],
  };
}

/** The hook's own permissions as an ECS lifecycle hook: only its logs (ECS reads its answer, it reports nothing). */
export function ecsHookPolicy(input: { readonly logGroupArn: string }): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `${input.logGroupArn}:*` }],
  };
}
