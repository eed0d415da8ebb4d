import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { buildAlarmDefinitions, type AlarmInputs } from '../config/alarms';

/** Props of {@link DeploymentAlarms}: the inputs of `buildAlarmDefinitions`. */
export type DeploymentAlarmsProps = AlarmInputs;

/** CloudWatch alarms on both target groups that make CodeDeploy roll a deployment back. */
export class DeploymentAlarms extends Construct {
  /**
   * Names of the alarms, for the deployment group's `alarm_configuration`: references to the alarm
   * resources, so Terraform creates the alarms before the deployment group that watches them.
   */
  readonly alarmNames: string[];

  constructor(scope: Construct, id: string, props: DeploymentAlarmsProps) {
    super(scope, id);
    this.alarmNames = buildAlarmDefinitions(props).map((a) => {
      const alarm = new CloudwatchMetricAlarm(this, a.id, {
        alarmName: a.alarmName,
        alarmDescription: a.alarmDescription,
        namespace: a.namespace,
        metricName: a.metricName,
        statistic: a.statistic,
        comparisonOperator: a.comparisonOperator,
        threshold: a.threshold,
        period: a.periodInSeconds,
        evaluationPeriods: a.evaluationPeriods,
        treatMissingData: a.treatMissingData,
        dimensions: { ...a.dimensions },
      });
      return alarm.alarmName;
    });
  }
}
