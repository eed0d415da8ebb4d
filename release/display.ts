/**
 * Human progress on stderr. Plain mode (CI, pipes, NO_COLOR): one timestamped line per change, in the
 * stable formats of docs/release.md. TTY mode: the same facts, with a redrawn status block (progress
 * bar, elapsed time, current event, traffic split) under the permanent lines.
 */
import { ECS_LIFECYCLE_EVENTS, Progress } from './progress';

/** Where text goes. */
export interface TextSink {
  write(text: string): void;
}

/** What the status block shows. */
export interface ProgressView {
  /** e.g. `d-ABC` or `rollback d-DEF`. */
  readonly label: string;
  readonly progress: Progress;
  /** 0..1 */
  readonly fraction: number;
  readonly startedAtInMs: number;
}

/** Receives everything the release has to say to a human. */
export interface Display {
  /** A permanent line: a keyword and its text (`lifecycle BeforeInstall InProgress`). */
  line(kind: string, text: string): void;
  /** The followed deployment's current state (the TTY display redraws it; plain mode ignores it). */
  progress(view: ProgressView): void;
  /** Redraws the elapsed time (TTY only). */
  tick(): void;
  /** Removes the status block before the process ends. */
  close(): void;
}

/** `2026-11-26T03:00:01Z`: second precision, UTC, sortable and greppable. */
export function plainTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A traffic weight as printed: integer, or one decimal when fractional. */
export function formatPercent(weight: number): string {
  const rounded = Math.round(weight * 10) / 10;
  return Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1);
}

/** The plain-line display. */
export function plainDisplay(sink: TextSink, clock: () => number): Display {
  return {
    line: (kind, text) => sink.write(`${plainTimestamp(clock())} ${kind}${text ? ` ${text}` : ''}\n`),
    progress: () => undefined,
    tick: () => undefined,
    close: () => undefined,
  };
}

/** `mm:ss` or `h:mm:ss`. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const two = (n: number): string => String(n).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}` : `${two(Math.floor(s / 60))}:${two(s % 60)}`;
}

/** A text progress bar of `width` cells. */
export function progressBar(fraction: number, width = 24): string {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

const COLORS = { green: '\x1b[32m', red: '\x1b[31m', yellow: '\x1b[33m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };

/** Lines of the redrawn status block (exported for tests). */
export function statusBlock(view: ProgressView, nowInMs: number): string[] {
  const p = view.progress;
  const current =
    [...p.lifecycleEvents].reverse().find((e) => e.status === 'InProgress') ??
    p.lifecycleEvents.find((e) => e.status === 'Pending');
  const done = p.lifecycleEvents.filter((e) => e.status === 'Succeeded').length;
  const lines = [
    `${COLORS.bold}${view.label}${COLORS.reset} ${p.status}  ${progressBar(view.fraction)} ${String(Math.round(view.fraction * 100)).padStart(3)}%  ${formatElapsed(nowInMs - view.startedAtInMs)}`,
    `  events ${done}/${Math.max(ECS_LIFECYCLE_EVENTS.length, p.lifecycleEvents.length)}${current ? `  now: ${current.name} ${current.status}` : ''}${p.terminationWaitStarted && !p.terminal ? '  termination wait' : ''}`,
  ];
  if (p.traffic) lines.push(`  traffic blue ${formatPercent(p.traffic.bluePercent)}% green ${formatPercent(p.traffic.greenPercent)}%`);
  return lines;
}

/** The TTY display: permanent lines above a status block that is redrawn in place. */
export function ttyDisplay(sink: TextSink, clock: () => number): Display {
  let view: ProgressView | undefined;
  let drawn = 0;
  const clear = (): void => {
    if (drawn > 0) sink.write(`\x1b[${drawn}A\x1b[0J`);
    drawn = 0;
  };
  const draw = (): void => {
    if (!view) return;
    const lines = statusBlock(view, clock());
    sink.write(`${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  const colorFor = (kind: string, text: string): string => {
    if (kind === 'error' || kind === 'failed' || /Failed|Stopped|timed out/.test(text)) return COLORS.red;
    if (kind === 'interrupted' || kind === 'warning' || kind === 'throttled' || kind === 'rollback') return COLORS.yellow;
    if (/Succeeded/.test(text)) return COLORS.green;
    if (kind === 'hook' || kind === 'console') return COLORS.dim;
    return '';
  };
  return {
    line(kind, text) {
      // In-progress noise lives in the status block; only lasting facts scroll.
      if (kind === 'traffic' || kind === 'status' || (kind === 'lifecycle' && /InProgress|Pending/.test(text))) {
        return;
      }
      clear();
      const c = colorFor(kind, text);
      sink.write(`${COLORS.dim}${new Date(clock()).toISOString().slice(11, 19)}${COLORS.reset} ${c}${kind} ${text}${c ? COLORS.reset : ''}\n`);
      draw();
    },
    progress(next) {
      view = next;
      clear();
      draw();
    },
    tick() {
      if (!view) return;
      clear();
      draw();
    },
    close() {
      // Leave the last state visible, drawn once more as plain text.
      clear();
      draw();
      view = undefined;
      drawn = 0;
    },
  };
}
