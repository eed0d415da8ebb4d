/**
 * The syntax of an AWS region code (`eu-west-1`, `us-gov-west-1`, `ap-southeast-4`): two letters, one
 * or more words, a number of one or two digits. Shared by the environment config (config/) and the
 * release CLI (release/). Syntax only: whether the region exists, and is enabled for the account, is
 * AWS's answer.
 */
export const AWS_REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
