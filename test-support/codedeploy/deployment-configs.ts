/**
 * CodeDeploy's predefined ECS deployment configurations and the traffic schedule each one implies.
 * Pure module: the stand-in's state machine asks it where green's weight should be after a given
 * number of (simulated) minutes of traffic shifting.
 */

/** The traffic routing part of a deployment configuration, as the API returns it. */
export interface TrafficRoutingConfig {
  readonly type: 'AllAtOnce' | 'TimeBasedCanary' | 'TimeBasedLinear';
  readonly timeBasedCanary?: { readonly canaryPercentage: number; readonly canaryInterval: number };
  readonly timeBasedLinear?: { readonly linearPercentage: number; readonly linearInterval: number };
}

/** A deployment configuration of the ECS compute platform. */
export interface EcsDeploymentConfig {
  readonly deploymentConfigName: string;
  readonly trafficRoutingConfig: TrafficRoutingConfig;
}

/** CodeDeploy's predefined ECS configurations (names and parameters as AWS documents them). */
export const PREDEFINED_ECS_CONFIGS: readonly EcsDeploymentConfig[] = [
  { deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce', trafficRoutingConfig: { type: 'AllAtOnce' } },
  {
    deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent5Minutes',
    trafficRoutingConfig: { type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 10, canaryInterval: 5 } },
  },
  {
    deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent15Minutes',
    trafficRoutingConfig: { type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 10, canaryInterval: 15 } },
  },
  {
    deploymentConfigName: 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes',
    trafficRoutingConfig: { type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 10, linearInterval: 1 } },
  },
  {
    deploymentConfigName: 'CodeDeployDefault.ECSLinear10PercentEvery3Minutes',
    trafficRoutingConfig: { type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 10, linearInterval: 3 } },
  },
];

/** One step of a traffic shift: from `atMinute` minutes after AllowTraffic started, green gets `greenPercent`. */
export interface TrafficStep {
  readonly atMinute: number;
  readonly greenPercent: number;
}

/**
 * The schedule of green's weight during AllowTraffic. All-at-once: one step to 100. Canary: the
 * canary percentage at once, the rest after the interval. Linear: the percentage every interval
 * until 100 (the last increment may be smaller).
 */
export function trafficSchedule(config: TrafficRoutingConfig): TrafficStep[] {
  if (config.type === 'TimeBasedCanary' && config.timeBasedCanary) {
    const { canaryPercentage, canaryInterval } = config.timeBasedCanary;
    return [
      { atMinute: 0, greenPercent: canaryPercentage },
      { atMinute: canaryInterval, greenPercent: 100 },
    ];
  }
  if (config.type === 'TimeBasedLinear' && config.timeBasedLinear) {
    const { linearPercentage, linearInterval } = config.timeBasedLinear;
    const steps: TrafficStep[] = [];
    for (let i = 0, percent = linearPercentage; ; i += 1, percent += linearPercentage) {
      steps.push({ atMinute: i * linearInterval, greenPercent: Math.min(100, percent) });
      if (percent >= 100) break;
    }
    return steps;
  }
  return [{ atMinute: 0, greenPercent: 100 }];
}

/** Minutes of traffic shifting a configuration takes (0 for all-at-once). */
export function shiftDurationInMinutes(config: TrafficRoutingConfig): number {
  const steps = trafficSchedule(config);
  return steps[steps.length - 1]!.atMinute;
}
