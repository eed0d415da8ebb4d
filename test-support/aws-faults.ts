/**
 * Fault injection shared by the stand-ins of services whose wire protocol differs (JSON 1.1 for
 * CloudWatch Logs, Query/XML for ELBv2): the rules are the same, each server turns the
 * {@link InjectedFault} into its own error shape.
 */

/** Fault injection of one stand-in; every rule applies until {@link StandInFaults.clear}. */
export interface StandInFaults {
  /** The next `count` calls of `operation` answer the service's throttling error. */
  throttle(operation: string, count: number): void;
  /** Every call of `operation` answers the service's access-denied error, as IAM does for a missing permission. */
  deny(operation: string): void;
  /** Every call of `operation` (or of every operation for `'*'`) is answered `latencyInMs` later. */
  latency(operation: string, latencyInMs: number): void;
  /** Removes every rule and resets {@link StandInFaults.injected}. */
  clear(): void;
  /** Calls answered with an injected error, per operation. */
  readonly injected: Readonly<Record<string, number>>;
}

/** An error a rule injects: the server answers it in its protocol. */
export interface InjectedFault {
  readonly code: string;
  readonly message: string;
  readonly statusCode: number;
}

/** How one service spells its errors. */
export interface FaultStyle {
  /** IAM action prefix, e.g. `logs`, `elasticloadbalancing`. */
  readonly iamPrefix: string;
  /** e.g. `AccessDeniedException` (JSON services) or `AccessDenied` (Query services). */
  readonly accessDeniedCode: string;
  /** HTTP status of the access-denied answer (JSON services answer 400, Query services 403). */
  readonly accessDeniedStatusCode: number;
  /** e.g. `ThrottlingException` or `Throttling`. */
  readonly throttlingCode: string;
  /** The resource named in the access-denied message. */
  readonly resource: string;
}

/** Rules plus the check a server runs before each call (it throws what it returns). */
export function createFaults(style: FaultStyle): { readonly faults: StandInFaults; before(operation: string): Promise<InjectedFault | undefined> } {
  const throttles = new Map<string, number>();
  const denied = new Set<string>();
  const latencies = new Map<string, number>();
  const injected: Record<string, number> = {};
  const count = (op: string): void => {
    injected[op] = (injected[op] ?? 0) + 1;
  };
  const faults: StandInFaults = {
    throttle: (operation, n) => throttles.set(operation, (throttles.get(operation) ?? 0) + n),
    deny: (operation) => denied.add(operation),
    latency: (operation, ms) => latencies.set(operation, ms),
    clear: () => {
      throttles.clear();
      denied.clear();
      latencies.clear();
      for (const key of Object.keys(injected)) delete injected[key];
    },
    injected,
  };
  const before = async (operation: string): Promise<InjectedFault | undefined> => {
    const delay = latencies.get(operation) ?? latencies.get('*');
    if (delay) await new Promise((r) => setTimeout(r, delay));
    if (denied.has(operation)) {
      count(operation);
      const action = `${style.iamPrefix}:${operation}`;
      return {
        code: style.accessDeniedCode,
        statusCode: style.accessDeniedStatusCode,
        message: `User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ${action} on resource: ${style.resource} because no identity-based policy allows the ${action} action`,
      };
    }
    const left = throttles.get(operation) ?? 0;
    if (left > 0) {
      throttles.set(operation, left - 1);
      count(operation);
      return { code: style.throttlingCode, statusCode: 400, message: 'Rate exceeded' };
    }
    return undefined;
  };
  return { faults, before };
}
