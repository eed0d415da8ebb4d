/**
 * The configuration types of the security controls (docs/security.md) that are sections of their own:
 * the posture, VPC flow logs, ALB access logs, customer-managed encryption, a container's tmpfs mounts
 * and Linux capabilities. The single settings (`loadBalancer.deletionProtection`,
 * `service.readonlyRootFilesystem`, …) are fields of the sections in config/environment.ts. Defaults
 * and ranges live in config/options.ts. Pure: types and AWS's lists of allowed values only.
 */

/**
 * What kind of environment this is. `production` turns on the controls that cost money or get in the
 * way of tearing the environment down (ALB access logs, ALB deletion protection, VPC flow logs);
 * `development` leaves them off. Each can still be set on its own: the posture only picks its default.
 */
export const POSTURES = ['development', 'production'] as const;

/** See {@link POSTURES}. */
export type Posture = (typeof POSTURES)[number];

/** Traffic a flow log records (CreateFlowLogs TrafficType, Amazon EC2 API reference). */
export const FLOW_LOG_TRAFFIC_TYPES = ['ALL', 'ACCEPT', 'REJECT'] as const;

/** VPC flow logs of the new VPC, to a CloudWatch Logs group through a role only VPC Flow Logs may assume. */
export interface FlowLogsConfig {
  /**
   * Record the VPC's traffic.
   * @default false (true with posture 'production')
   */
  readonly enabled?: boolean;
  /**
   * Which traffic: `ALL`, `ACCEPT` or `REJECT`.
   * @default 'ALL'
   */
  readonly trafficType?: (typeof FLOW_LOG_TRAFFIC_TYPES)[number];
  /**
   * Retention of the flow log group (a value CloudWatch accepts, e.g. 30, 90, 365).
   * @default 90
   */
  readonly retentionInDays?: number;
}

/** Access logs of the environment's load balancers, to one S3 bucket of the environment. */
export interface AccessLogsConfig {
  /**
   * Record every request the load balancers receive.
   * @default false (true with posture 'production')
   */
  readonly enabled?: boolean;
  /**
   * Days before a log object (and each old version of it) is deleted by the bucket's lifecycle rule (1-3650).
   * @default 90
   */
  readonly retentionInDays?: number;
}

/** Customer-managed KMS encryption of the environment's log groups, AppSpec bucket and (opt-in) ECR repositories. */
export interface EncryptionConfig {
  /**
   * Create one KMS key for the environment (yearly rotation; its policy lets the account administer it
   * and CloudWatch Logs of the region use it) and encrypt the log groups and the AppSpec bucket with it.
   * @default false
   */
  readonly createKmsKey?: boolean;
  /**
   * Use this existing KMS key instead (same region). Its key policy must let CloudWatch Logs of the
   * region use it (docs/security.md shows the statement); the stack cannot check that before apply.
   * @default - none
   */
  readonly kmsKeyArn?: string;
  /**
   * Encrypt the services' ECR repositories with the key too. ECR sets a repository's encryption when it
   * is created: on an existing repository this REPLACES it, and its images are deleted.
   * @default false
   */
  readonly encryptContainerRepository?: boolean;
}

/** A tmpfs mount: a writable, memory-backed directory for a container whose root filesystem is read-only. */
export interface TmpfsMount {
  /** Absolute path in the container, e.g. `/tmp`. */
  readonly containerPath: string;
  /** Largest size in MiB; the memory comes out of the task's (all mounts together at most the task memory). */
  readonly sizeInMiB: number;
  /**
   * Mount options, e.g. `['noexec', 'nosuid', 'mode=1777']`.
   * @default []
   */
  readonly mountOptions?: readonly string[];
}

/** Linux capabilities of the container (ECS `linuxParameters.capabilities`). */
export interface LinuxCapabilitiesConfig {
  /**
   * Capabilities to add: Fargate accepts only `SYS_PTRACE` (ECS API reference, KernelCapabilities).
   * @default []
   */
  readonly add?: readonly string[];
  /**
   * Capabilities to drop, or `ALL`.
   * @default []
   */
  readonly drop?: readonly string[];
}

/** Where a service's tasks may connect: anywhere, or TCP 443 only. */
export const TASK_EGRESS = ['all', 'https'] as const;

/** See {@link TASK_EGRESS}. */
export type TaskEgress = (typeof TASK_EGRESS)[number];

/** Linux capability names ECS accepts in `capabilities.add`/`drop` (ECS API reference, KernelCapabilities). */
export const KERNEL_CAPABILITIES = [
  'ALL', 'AUDIT_CONTROL', 'AUDIT_WRITE', 'BLOCK_SUSPEND', 'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID',
  'IPC_LOCK', 'IPC_OWNER', 'KILL', 'LEASE', 'LINUX_IMMUTABLE', 'MAC_ADMIN', 'MAC_OVERRIDE', 'MKNOD', 'NET_ADMIN',
  'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_RAW', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_ADMIN', 'SYS_BOOT',
  'SYS_CHROOT', 'SYS_MODULE', 'SYS_NICE', 'SYS_PACCT', 'SYS_PTRACE', 'SYS_RAWIO', 'SYS_RESOURCE', 'SYS_TIME',
  'SYS_TTY_CONFIG', 'SYSLOG', 'WAKE_ALARM',
] as const;

/** The only capability a Fargate task may add (ECS API reference, KernelCapabilities `add`). */
export const FARGATE_ADDABLE_CAPABILITIES = ['SYS_PTRACE'] as const;

/** Option names a tmpfs mount option may have, alone or as `name=value` (ECS API reference, Tmpfs `mountOptions`). */
export const TMPFS_MOUNT_OPTIONS = [
  'defaults', 'ro', 'rw', 'suid', 'nosuid', 'dev', 'nodev', 'exec', 'noexec', 'sync', 'async', 'dirsync', 'remount', 'mand',
  'nomand', 'atime', 'noatime', 'diratime', 'nodiratime', 'bind', 'rbind', 'unbindable', 'runbindable', 'private', 'rprivate',
  'shared', 'rshared', 'slave', 'rslave', 'relatime', 'norelatime', 'strictatime', 'nostrictatime', 'mode', 'uid', 'gid',
  'nr_inodes', 'nr_blocks', 'mpol',
] as const;
