/**
 * Pure definitions of the CloudWatch alarms that roll a deployment back. No cdktf imports: dimension
 * values are passed in (Terraform references such as a target group's `arn_suffix` are fine).
 */

/** CodeDeploy accepts at most this many alarms per deployment group. */
export const MAX_DEPLOYMENT_GROUP_ALARMS = 10;

/** The target groups the alarms watch. */
export type TargetGroupColour = 'blue' | 'green';

/** One alarm, in the shape of `aws_cloudwatch_metric_alarm`'s arguments. */
export interface AlarmDefinition {
  /** Construct id (PascalCase, stable). */
  readonly id: string;
  readonly alarmName: string;
  readonly alarmDescription: string;
  readonly namespace: 'AWS/ApplicationELB';
  readonly metricName: string;
  readonly statistic: 'Sum' | 'Maximum';
  readonly comparisonOperator: 'GreaterThanOrEqualToThreshold';
  readonly threshold: number;
  readonly periodInSeconds: number;
  readonly evaluationPeriods: number;
  /** An idle target group has no data; that must not count as a failure. */
  readonly treatMissingData: 'notBreaching';
  readonly dimensions: Readonly<Record<string, string>>;
}

/** Inputs of {@link buildAlarmDefinitions}. */
export interface AlarmInputs {
  /** Prefix of every alarm name. */
  readonly namePrefix: string;
  /** `arn_suffix` of the load balancer. */
  readonly loadBalancerArnSuffix: string;
  /** `arn_suffix` of each target group. */
  readonly targetGroupArnSuffixes: Readonly<Record<TargetGroupColour, string>>;
  readonly target5xxThreshold: number;
  readonly periodInSeconds: number;
  readonly evaluationPeriods: number;
  /**
   * Who rolls a deployment back when an alarm fires (its description says so).
   * @default 'CodeDeploy'
   */
  readonly rolledBackBy?: 'CodeDeploy' | 'ECS';
}

const COLOURS: readonly TargetGroupColour[] = ['blue', 'green'];

/** Number of alarms {@link buildAlarmDefinitions} creates (counted against CodeDeploy's limit of 10). */
export function generatedAlarmCount(): number {
  return COLOURS.length * 2;
}

/**
 * The rollback alarms: target 5xx responses and unhealthy hosts, on each target group. Both colours
 * are watched because the live and the idle group swap at every release.
 */
export function buildAlarmDefinitions(inputs: AlarmInputs): AlarmDefinition[] {
  return COLOURS.flatMap((colour): AlarmDefinition[] => {
    const Colour = colour === 'blue' ? 'Blue' : 'Green';
    const dimensions = { LoadBalancer: inputs.loadBalancerArnSuffix, TargetGroup: inputs.targetGroupArnSuffixes[colour] };
    const common = {
      namespace: 'AWS/ApplicationELB' as const,
      comparisonOperator: 'GreaterThanOrEqualToThreshold' as const,
      periodInSeconds: inputs.periodInSeconds,
      evaluationPeriods: inputs.evaluationPeriods,
      treatMissingData: 'notBreaching' as const,
      dimensions,
    };
    return [
      {
        ...common,
        id: `${Colour}Target5xxAlarm`,
        alarmName: `${inputs.namePrefix}-${colour}-target-5xx`,
        alarmDescription: `Targets of the ${colour} target group answered ${inputs.target5xxThreshold} or more 5xx responses; ${inputs.rolledBackBy ?? 'CodeDeploy'} rolls back a running deployment.`,
        metricName: 'HTTPCode_Target_5XX_Count',
        statistic: 'Sum',
        threshold: inputs.target5xxThreshold,
      },
      {
        ...common,
        id: `${Colour}UnhealthyHostsAlarm`,
        alarmName: `${inputs.namePrefix}-${colour}-unhealthy-hosts`,
        alarmDescription: `The ${colour} target group has an unhealthy target; ${inputs.rolledBackBy ?? 'CodeDeploy'} rolls back a running deployment.`,
        metricName: 'UnHealthyHostCount',
        statistic: 'Maximum',
        threshold: 1,
      },
    ];
  });
}
