/**
 * The installation side of the offline Terraform environment: the CLI configuration whose only
 * installation method is a filesystem mirror of the stand-in's providers, the versions that mirror
 * offers, and the certificate a provider Terraform starts itself presents (AutoMTLS).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PROVIDER_PACKAGES } from './schema';
import type { ProviderName } from './schema';
import type { TerraformJson } from './harness';

/** A certificate for the provider's AutoMTLS, in `dir` (server.crt, server.key). */
export function makeCertificate(dir: string): void {
  // ECDSA P-256, CN/SAN localhost, usable as both CA and leaf: what go-plugin's AutoMTLS accepts.
  const result = spawnSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', path.join(dir, 'server.key'), '-out', path.join(dir, 'server.crt'), '-days', '30',
      '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost',
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=digitalSignature,keyEncipherment,keyCertSign',
      '-addext', 'extendedKeyUsage=serverAuth,clientAuth',
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`openssl could not create the provider's certificate: ${result.stderr || result.error?.message}`);
}

/** The CLI configuration text: a filesystem mirror holding our two providers, nothing else. */
export function cliConfig(mirrorDir: string): string {
  return [
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(mirrorDir)}`,
    '    include = ["registry.terraform.io/hashicorp/aws", "registry.terraform.io/hashicorp/null"]',
    '  }',
    '}',
    '',
  ].join('\n');
}

/** The provider version the installed bindings were generated from (e.g. aws 6.25.0). */
export function bindingProviderVersion(provider: ProviderName): string {
  const src = readFileSync(require.resolve(`${PROVIDER_PACKAGES[provider]}/lib/provider/index.js`), 'utf8');
  const m = /providerVersion: '([^']+)'/.exec(src);
  if (!m) throw new Error(`${PROVIDER_PACKAGES[provider]}: cannot find the provider version it was generated from`);
  return m[1]!;
}

/**
 * Versions to publish in the mirror for `provider`: the bindings' version plus every exact version
 * the configurations pin (`"6.25.0"` or `"= 6.25.0"`), so `terraform init` can satisfy them.
 */
export function mirrorVersions(provider: ProviderName, configs: readonly TerraformJson[]): string[] {
  const versions = new Set([bindingProviderVersion(provider)]);
  for (const c of configs) {
    const rp = (c.terraform as { required_providers?: Record<string, { version?: string }> } | undefined)?.required_providers;
    const m = /^\s*=?\s*(\d+\.\d+\.\d+)\s*$/.exec(rp?.[provider]?.version ?? '');
    if (m) versions.add(m[1]!);
  }
  return [...versions];
}

/** Terraform's name of this platform (`linux_amd64`), a directory level of the mirror. */
export function terraformPlatform(): string {
  const arch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' };
  return `${process.platform}_${arch[process.arch] ?? process.arch}`;
}
