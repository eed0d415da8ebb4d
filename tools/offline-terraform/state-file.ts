/**
 * A work dir's state in the shape of `terraform show -json` (its `values`: outputs and the root
 * module's resources), read from the `terraform.tfstate` Terraform wrote there, without running
 * `terraform show -json` (a terraform process and a provider's schemas: about 0.1-0.2 CPU-s per
 * state of our stacks). The resources' `values` are the state's attributes, which are what show
 * prints (checked against show -json by terraform-stacks.test.ts); `sensitive_values` and
 * `depends_on` are left out. Only state format 4 (Terraform 0.12 and later) is read.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

interface StateFileV4 {
  readonly version: number;
  readonly terraform_version?: string;
  readonly outputs?: Readonly<Record<string, { readonly value: unknown; readonly type?: unknown; readonly sensitive?: boolean }>>;
  readonly resources?: readonly {
    readonly module?: string;
    readonly mode: string;
    readonly type: string;
    readonly name: string;
    readonly provider: string;
    readonly instances: readonly { readonly index_key?: string | number; readonly deposed?: string; readonly schema_version?: number; readonly attributes?: unknown }[];
  }[];
}

/** One resource instance as `terraform show -json` lists it. */
interface ShownResource {
  readonly address: string;
  readonly mode: string;
  readonly type: string;
  readonly name: string;
  readonly index?: string | number;
  readonly deposed_key?: string;
  readonly provider_name: string;
  readonly schema_version: number;
  readonly values: unknown;
}

/** `cwd`'s terraform.tfstate as `terraform show -json` gives it (see the file's comment). */
export function readStateJson(cwd: string): unknown {
  const file = path.join(cwd, 'terraform.tfstate');
  if (!existsSync(file)) throw new Error(`${cwd}: no terraform.tfstate (nothing applied there yet)`);
  const state = JSON.parse(readFileSync(file, 'utf8')) as StateFileV4;
  if (state.version !== 4) throw new Error(`${file}: state format ${state.version}, only 4 is read (run terraform show -json instead)`);
  const modules = new Map<string, ShownResource[]>();
  for (const r of state.resources ?? []) {
    const prefix = `${r.module ? `${r.module}.` : ''}${r.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}`;
    for (const i of r.instances) {
      const key = i.index_key === undefined ? '' : typeof i.index_key === 'number' ? `[${i.index_key}]` : `[${JSON.stringify(i.index_key)}]`;
      const shown: ShownResource = {
        address: `${prefix}${key}`,
        mode: r.mode,
        type: r.type,
        name: r.name,
        ...(i.index_key === undefined ? {} : { index: i.index_key }),
        ...(i.deposed ? { deposed_key: i.deposed } : {}),
        provider_name: r.provider.replace(/^provider\["(.*)"\].*$/, '$1'),
        schema_version: i.schema_version ?? 0,
        values: i.attributes ?? {},
      };
      const list = modules.get(r.module ?? '') ?? [];
      list.push(shown);
      modules.set(r.module ?? '', list);
    }
  }
  // Child modules one level deep, each under its full address (our stacks have none).
  const childModules = [...modules].filter(([m]) => m !== '').map(([address, resources]) => ({ address, resources }));
  const outputs = Object.fromEntries(Object.entries(state.outputs ?? {}).map(([k, o]) => [k, { sensitive: o.sensitive === true, value: o.value, type: o.type }]));
  return {
    format_version: '1.0',
    terraform_version: state.terraform_version,
    values: { outputs, root_module: { resources: modules.get('') ?? [], ...(childModules.length ? { child_modules: childModules } : {}) } },
  };
}
