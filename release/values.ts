/**
 * Where each release value comes from: the flag, else its environment variable (both parsed and
 * checked by scripts/cli.ts), else the stack output, checked here against the same declaration, else
 * the flag's default. Every value can say where it came from, and a missing one where it was looked for.
 */
import { convertFlagValue, type ParsedCommandLine } from '../scripts/cli';
import { RELEASE_FLAGS, type ReleaseFlag, type ReleaseFlagKey } from './flags';
import type { StackOutputs } from './outputs-file';

/** The stack outputs the values may come from. */
export interface OutputsSource {
  readonly outputs: StackOutputs;
  /** e.g. `stack "bluegreen-dev" of outputs.json`; undefined when no outputs were read. */
  readonly where?: string;
}

/** A value as the flag's type gives it. */
export type FlagValue = string | number | boolean | readonly string[];

/** The release's values, looked up by flag key. */
export class ReleaseValues {
  private readonly fromOutputs = new Map<ReleaseFlagKey, { readonly value?: FlagValue; readonly invalid: boolean }>();

  constructor(
    private readonly parsed: ParsedCommandLine,
    private readonly source: OutputsSource,
    private readonly problems: string[],
  ) {}

  private flag(key: ReleaseFlagKey): ReleaseFlag {
    return RELEASE_FLAGS[key];
  }

  /** True when the flag or its environment variable set the value. */
  given(key: ReleaseFlagKey): boolean {
    const s = this.parsed.sources[this.flag(key).name];
    return s === 'flag' || s === 'env';
  }

  /** The value: flag, environment variable, stack output, default; undefined when none has it. */
  get(key: ReleaseFlagKey): FlagValue | undefined {
    const f = this.flag(key);
    if (this.given(key)) return this.parsed.values[f.name];
    const output = this.output(key);
    if (output !== undefined) return output;
    return f.type === 'boolean' ? (this.parsed.values[f.name] ?? false) : this.parsed.values[f.name];
  }

  /** The value as text (a list joined with commas). */
  text(key: ReleaseFlagKey): string | undefined {
    const v = this.get(key);
    return v === undefined ? undefined : Array.isArray(v) ? v.join(',') : String(v);
  }

  /** Where the value came from, e.g. `--region`, `RELEASE_REGION (for --region)`, `output "aws_region" in …`. */
  from(key: ReleaseFlagKey): string {
    const f = this.flag(key);
    const s = this.parsed.sources[f.name];
    if (s === 'flag') return `--${f.name}`;
    if (s === 'env') return `${f.env} (for --${f.name})`;
    if (f.output && this.output(key) !== undefined) return `output ${JSON.stringify(f.output)} in ${this.source.where}`;
    return s === 'default' ? `the default of --${f.name}` : `--${f.name}`;
  }

  /** Every place a value was looked for, e.g. `--application, RELEASE_APPLICATION and output "…" in …`. */
  lookedAt(key: ReleaseFlagKey): string {
    const f = this.flag(key);
    const places = [`--${f.name}`, ...(f.env ? [f.env] : [])];
    if (f.output) {
      const output = `output ${JSON.stringify(f.output)}`;
      places.push(
        this.source.where ? `${output} in ${this.source.where}` : `${output} of the stack (no --outputs-file / RELEASE_OUTPUTS_FILE given)`,
      );
    }
    return places.length > 1 ? `${places.slice(0, -1).join(', ')} and ${places[places.length - 1]}` : places[0]!;
  }

  /** True when the stack output had a value that failed its check (a problem was already pushed). */
  invalid(key: ReleaseFlagKey): boolean {
    return this.get(key) === undefined && this.fromOutputs.get(key)?.invalid === true;
  }

  /** True when the stack output had a value that failed its check, whatever else gives the value (a default). */
  outputInvalid(key: ReleaseFlagKey): boolean {
    if (!this.given(key)) this.output(key);
    return !this.given(key) && this.fromOutputs.get(key)?.invalid === true;
  }

  /** The value, or a `missing …: looked for …` problem (none when the output was there but invalid). */
  required(key: ReleaseFlagKey): FlagValue | undefined {
    const v = this.get(key);
    if (v === undefined && !this.invalid(key)) this.problems.push(`missing ${this.flag(key).noun}: looked for ${this.lookedAt(key)}`);
    return v;
  }

  /** The stack output's value, checked like a flag value (problems are reported once). */
  private output(key: ReleaseFlagKey): FlagValue | undefined {
    const known = this.fromOutputs.get(key);
    if (known) return known.value;
    const f = this.flag(key);
    const raw = f.output ? this.source.outputs[f.output] : undefined;
    if (raw === undefined || raw === null || raw === '') {
      this.fromOutputs.set(key, { invalid: false });
      return undefined;
    }
    const text = Array.isArray(raw) ? raw.map(String) : typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
    const value = convertFlagValue(f, text, `output ${JSON.stringify(f.output)} in ${this.source.where}`, this.problems);
    this.fromOutputs.set(key, value === undefined ? { invalid: true } : { value, invalid: false });
    return value;
  }
}
