/**
 * Facts about the real AWS and null providers that the generated bindings do not carry, taken
 * from the provider documentation (registry.terraform.io/providers/hashicorp/aws/6.25.0/docs,
 * the version the installed bindings were generated from).
 */

/**
 * Arguments documented as "Forces new resource" / "Changing this forces a new resource to be
 * created" for the types our stacks use. A change to one of these plans as a replacement
 * (`RequiresReplace`). Block names stand for any change inside that block.
 */
export const FORCE_NEW: { readonly [type: string]: readonly string[] } = {
  // Not `deployment_controller`: since 6.4.0 "`deployment_controller.type` changes no longer force a
  // replacement" (provider CHANGELOG, #43434), an UpdateService switches it (ECS-native blue/green migration).
  aws_ecs_service: ['name', 'cluster', 'launch_type', 'iam_role', 'scheduling_strategy', 'region'],
  aws_ecs_task_definition: [
    'family',
    'container_definitions',
    'cpu',
    'memory',
    'network_mode',
    'task_role_arn',
    'execution_role_arn',
    'requires_compatibilities',
    'runtime_platform',
    'volume',
    'placement_constraints',
    'ephemeral_storage',
    'ipc_mode',
    'pid_mode',
    'proxy_configuration',
    'inference_accelerator',
    'region',
  ],
  aws_ecs_cluster: ['name', 'region'],
  aws_lb: ['name', 'name_prefix', 'internal', 'load_balancer_type', 'customer_owned_ipv4_pool', 'region'],
  aws_lb_target_group: ['name', 'name_prefix', 'port', 'protocol', 'protocol_version', 'target_type', 'vpc_id', 'ip_address_type', 'region'],
  aws_lb_listener: ['load_balancer_arn', 'region'],
  aws_lb_listener_rule: ['listener_arn', 'region'],
  aws_codedeploy_app: ['name', 'compute_platform', 'region'],
  aws_codedeploy_deployment_group: ['app_name', 'region'],
  aws_codedeploy_deployment_config: ['deployment_config_name', 'compute_platform', 'minimum_healthy_hosts', 'traffic_routing_config', 'zonal_config', 'region'],
  aws_iam_role: ['name', 'name_prefix', 'path'],
  aws_iam_policy: ['name', 'name_prefix', 'path', 'description'],
  aws_iam_role_policy: ['name', 'name_prefix', 'role'],
  aws_iam_role_policy_attachment: ['role', 'policy_arn'],
  aws_lambda_function: ['function_name', 'package_type', 'region'],
  aws_lambda_permission: ['action', 'function_name', 'principal', 'qualifier', 'source_account', 'source_arn', 'statement_id', 'statement_id_prefix', 'event_source_token', 'region'],
  aws_cloudwatch_log_group: ['name', 'name_prefix', 'region'],
  aws_cloudwatch_metric_alarm: ['alarm_name', 'region'],
  aws_security_group: ['name', 'name_prefix', 'vpc_id', 'description', 'region'],
  aws_vpc_security_group_ingress_rule: ['security_group_id', 'region'],
  aws_vpc_security_group_egress_rule: ['security_group_id', 'region'],
  aws_security_group_rule: ['type', 'security_group_id', 'protocol', 'from_port', 'to_port', 'cidr_blocks', 'ipv6_cidr_blocks', 'prefix_list_ids', 'self', 'source_security_group_id', 'region'],
  aws_s3_bucket: ['bucket', 'bucket_prefix', 'object_lock_enabled', 'region'],
  aws_s3_object: ['bucket', 'key', 'region'],
  // ECR sets a repository's encryption when it is created.
  aws_ecr_repository: ['name', 'encryption_configuration', 'region'],
  // No update call exists for a lifecycle policy: a new policy text replaces the resource.
  aws_ecr_lifecycle_policy: ['repository', 'policy', 'region'],
  aws_s3_bucket_ownership_controls: ['bucket', 'region'],
  aws_s3_bucket_policy: ['bucket', 'region'],
  aws_s3_bucket_public_access_block: ['bucket', 'region'],
  aws_s3_bucket_server_side_encryption_configuration: ['bucket', 'expected_bucket_owner', 'region'],
  aws_s3_bucket_versioning: ['bucket', 'expected_bucket_owner', 'region'],
  aws_eip: ['domain', 'address', 'customer_owned_ipv4_pool', 'network_border_group', 'public_ipv4_pool', 'region'],
  aws_nat_gateway: ['allocation_id', 'subnet_id', 'connectivity_type', 'private_ip', 'region'],
  aws_vpc: ['cidr_block', 'instance_tenancy', 'region'],
  aws_subnet: ['vpc_id', 'cidr_block', 'availability_zone', 'availability_zone_id', 'region'],
  aws_internet_gateway: ['region'],
  aws_route_table: ['vpc_id', 'region'],
  aws_route_table_association: ['subnet_id', 'gateway_id', 'region'],
  aws_route: ['route_table_id', 'destination_cidr_block', 'destination_ipv6_cidr_block', 'destination_prefix_list_id', 'region'],
  aws_sns_topic: ['name', 'name_prefix', 'fifo_topic', 'region'],
  // The security controls (docs/security.md). A flow log has no update call but for its tags.
  aws_flow_log: [
    'vpc_id',
    'subnet_id',
    'eni_id',
    'transit_gateway_id',
    'transit_gateway_attachment_id',
    'traffic_type',
    'log_destination',
    'log_destination_type',
    'log_format',
    'iam_role_arn',
    'deliver_cross_account_role',
    'max_aggregation_interval',
    'destination_options',
    'region',
  ],
  aws_default_security_group: ['vpc_id', 'region'],
  aws_kms_key: ['customer_master_key_spec', 'key_usage', 'custom_key_store_id', 'multi_region', 'xks_key_id', 'region'],
  aws_kms_alias: ['name', 'name_prefix', 'region'],
  aws_vpc_endpoint: ['vpc_id', 'service_name', 'vpc_endpoint_type', 'region'],
  aws_s3_bucket_lifecycle_configuration: ['bucket', 'expected_bucket_owner', 'region'],
  null_resource: ['triggers'],
};

/**
 * Optional arguments that the provider fills in when the configuration leaves them unset
 * (Optional + Computed in the real schema). The bindings cannot tell these from plain optional
 * arguments, so the stand-in marks them here; `*` applies to every type.
 */
export const OPTIONAL_COMPUTED: { readonly [type: string]: readonly string[] } = {
  '*': ['id', 'tags_all', 'region'],
  aws_lb: ['name', 'security_groups', 'subnets', 'ip_address_type'],
  aws_lb_target_group: ['name', 'protocol_version', 'load_balancing_algorithm_type', 'deregistration_delay'],
  aws_lb_listener: ['port', 'protocol', 'ssl_policy'],
  aws_ecs_service: ['cluster', 'iam_role', 'launch_type', 'platform_version', 'desired_count'],
  aws_ecs_task_definition: ['network_mode', 'cpu', 'memory'],
  aws_iam_role: ['name', 'description'],
  aws_iam_policy: ['name'],
  aws_lambda_function: ['timeout', 'memory_size', 'architectures'],
  aws_cloudwatch_log_group: ['name'],
  aws_security_group: ['name', 'egress', 'ingress'],
  aws_s3_bucket: ['bucket'],
};
