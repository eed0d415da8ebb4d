/**
 * Human progress on stderr. Plain mode (CI, pipes, NO_COLOR): one timestamped line per change, in the
 * stable formats of docs/release.md. TTY mode: the same facts, with a status block (progress bar,
 * elapsed time, current event, traffic split, a countdown for every timed wait: the canary interval,
 * each linear step, the termination wait or bake time, the ready wait) redrawn in place under the
 * permanent lines; every traffic step also stays in the scrollback as a `traffic …` line.
 *
 * The status block is laid out for the terminal's width (read at every redraw, so a resize applies at
 * the next second) and drawn with `log-update`, which erases exactly the rows it drew, returns to the
 * first column (a `^C` echoed by the terminal leaves nothing behind) and clips to the terminal's height.
 * Why a library: redrawing in place is terminal plumbing, not what this project is for, and log-update
 * is the one ora/listr use. It is ESM-only, so it is loaded only when a terminal display is made
 * (tsx loads it; jest unit tests inject a {@link LiveArea} instead and the pseudo-terminal test in
 * `__tests__/release-live-display.test.ts` runs the real one). Colours come from `picocolors`:
 * CommonJS, no dependencies, and `createColors(enabled)` lets the display decide from stderr (the
 * stream it draws on) rather than from stdout, which `--json > file` redirects.
 */
import { createColors } from 'picocolors';
import type { ExpectedChange } from './expected-change';
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
  /** The final wait (CodeDeploy's termination wait, ECS's bake time) with when it ends, for a countdown. @default - no countdown */
  readonly finalWait?: { readonly label: string; readonly endsAtInMs: number };
  /** The next traffic step or the end of the ready wait, and when it is due (a countdown). @default - none */
  readonly expected?: ExpectedChange;
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

/** A sink that is a terminal: its size when known (columns and rows, read at every redraw). */
export interface TerminalSink extends TextSink {
  readonly columns?: number;
  readonly rows?: number;
}

/** The region redrawn in place under the permanent lines. */
export interface LiveArea {
  /** Replaces what the area shows with `text` (lines separated by `\n`). */
  render(text: string): void;
  /** Erases the area (the cursor is then where the area began). */
  clear(): void;
  /** Leaves what the area shows as it is; the next render starts below it. */
  done(): void;
}

/** Width assumed when the terminal does not say (a stream without `columns`). */
export const DEFAULT_COLUMNS = 80;
/** Cells of the progress bar on a wide terminal, and the fewest worth drawing on a narrow one. */
export const BAR_CELLS = { max: 24, min: 8 } as const;

/** `text` cut to `width` cells, ending in `…` when cut (the block's text is single-width). */
export function fitToWidth(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return width <= 0 ? '' : `${chars.slice(0, width - 1).join('')}…`;
}

/**
 * Lines of the status block for a terminal of `columns` (exported for tests). Every line fits in
 * `columns - 1` cells, so no line wraps and the last column stays free (some terminals scroll when it
 * is written). The bar shrinks with the width and is left out below {@link BAR_CELLS}.min cells.
 */
export function statusBlock(view: ProgressView, nowInMs: number, columns = DEFAULT_COLUMNS): string[] {
  const width = Math.max(1, columns - 1);
  const p = view.progress;
  const current =
    [...p.lifecycleEvents].reverse().find((e) => e.status === 'InProgress') ??
    p.lifecycleEvents.find((e) => e.status === 'Pending');
  const done = p.lifecycleEvents.filter((e) => e.status === 'Succeeded').length;
  const head = `${view.label} ${p.status}`;
  const percent = `${String(Math.round(view.fraction * 100)).padStart(3)}%`;
  const elapsed = formatElapsed(nowInMs - view.startedAtInMs);
  // What gives way on a narrow terminal: the bar first (shrinking, then gone), then the percentage.
  const barCells = Math.min(BAR_CELLS.max, width - `${head}   ${percent}  ${elapsed}`.length);
  const first =
    barCells >= BAR_CELLS.min
      ? `${head}  ${progressBar(view.fraction, barCells)} ${percent}  ${elapsed}`
      : `${head} ${percent}  ${elapsed}`.length <= width
        ? `${head} ${percent}  ${elapsed}`
        : `${head}  ${elapsed}`;
  const lines = [
    first,
    `  events ${done}/${Math.max(p.stageCount ?? ECS_LIFECYCLE_EVENTS.length, p.lifecycleEvents.length)}${current ? `  now: ${current.name} ${current.status}` : ''}${p.terminationWaitStarted && !p.terminal ? finalWaitText(view, nowInMs) : ''}`,
  ];
  if (p.traffic) lines.push(`  traffic blue ${formatPercent(p.traffic.bluePercent)}% green ${formatPercent(p.traffic.greenPercent)}%`);
  const countdown = view.expected && !p.terminal ? countdownText(view.expected, nowInMs) : undefined;
  // What gives way on a narrow terminal: what comes after the wait, then the end of the line.
  if (countdown) lines.push(countdown.head.length + countdown.tail.length + 2 <= width ? `  ${countdown.head}${countdown.tail}` : `  ${countdown.head}`);
  return lines.map((l) => fitToWidth(l, width));
}

/**
 * The countdown of a timed wait, in the final wait's words (`bake time 04:12 left`), and what comes
 * after it: `canary interval 04:12 left` `, then green 100%`; `linear step 00:42 left` `, then green 40%`;
 * `ready wait 11:20 left` `, then it stops unless continued`. Undefined when no wait is left (the end
 * itself is due). At zero it stays at 00:00 until the change is seen.
 */
export function countdownText(expected: ExpectedChange, nowInMs: number): { readonly head: string; readonly tail: string } | undefined {
  const left = `${formatElapsed(Math.max(0, expected.dueAtInMs - nowInMs))} left`;
  const next = expected.next;
  switch (expected.kind) {
    case 'canary-interval':
    case 'linear-step':
      return { head: `${expected.kind === 'canary-interval' ? 'canary interval' : 'linear step'} ${left}`, tail: `, then green ${next.kind === 'traffic' ? formatPercent(next.greenPercent) : 100}%` };
    case 'termination-wait':
    case 'bake-time':
      return { head: `${expected.kind === 'bake-time' ? 'bake time' : 'termination wait'} ${left}`, tail: '' };
    case 'ready-wait':
      return { head: `ready wait ${left}`, tail: ', then it stops unless continued' };
    default:
      return undefined;
  }
}

/** `  termination wait`, or with a countdown `  bake time 04:12 left`. */
function finalWaitText(view: ProgressView, nowInMs: number): string {
  const w = view.finalWait;
  return w ? `  ${w.label} ${formatElapsed(Math.max(0, w.endsAtInMs - nowInMs))} left` : '  termination wait';
}

/** The real {@link LiveArea}: log-update on the terminal sink (loaded here: it is ESM-only). */
export function logUpdateArea(sink: TerminalSink): LiveArea {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createLogUpdate } = require('log-update') as typeof import('log-update');
  const stream = {
    write: (text: string): boolean => (sink.write(text), true),
    get columns(): number {
      return sink.columns ?? DEFAULT_COLUMNS;
    },
    get rows(): number | undefined {
      return sink.rows;
    },
    isTTY: true,
  };
  const log = createLogUpdate(stream as unknown as NodeJS.WriteStream);
  return { render: (text) => log(text), clear: () => log.clear(), done: () => log.done() };
}

/** Options of {@link ttyDisplay}. */
export interface TtyDisplayOptions {
  /** @default log-update on `sink` ({@link logUpdateArea}) */
  readonly live?: LiveArea;
  /** @default true (the TTY display is only chosen when colour is allowed: see docs/release.md) */
  readonly colors?: boolean;
}

/** The TTY display: permanent lines above a status block that is redrawn in place. */
export function ttyDisplay(sink: TerminalSink, clock: () => number, options: TtyDisplayOptions = {}): Display {
  const live = options.live ?? logUpdateArea(sink);
  const c = createColors(options.colors ?? true);
  let view: ProgressView | undefined;
  const draw = (): void => {
    if (!view) return;
    const [first = '', ...rest] = statusBlock(view, clock(), sink.columns ?? DEFAULT_COLUMNS);
    const label = first.startsWith(view.label) ? view.label : '';
    live.render([`${c.bold(label)}${first.slice(label.length)}`, ...rest].join('\n'));
  };
  const colorFor = (kind: string, text: string): ((s: string) => string) => {
    if (kind === 'error' || kind === 'failed' || /Failed|Stopped|timed out/.test(text)) return c.red;
    if (kind === 'interrupted' || kind === 'warning' || kind === 'throttled' || kind === 'rollback') return c.yellow;
    if (/Succeeded/.test(text)) return c.green;
    if (kind === 'hook' || kind === 'console') return c.dim;
    return (s) => s;
  };
  return {
    line(kind, text) {
      // In-progress noise lives in the status block; lasting facts scroll, every traffic step among them.
      if (kind === 'status' || (kind === 'lifecycle' && /InProgress|Pending/.test(text))) {
        return;
      }
      // Written past log-update so the terminal wraps a long line softly (a URL stays one line to copy).
      live.clear();
      sink.write(`${c.dim(new Date(clock()).toISOString().slice(11, 19))} ${colorFor(kind, text)(`${kind} ${text}`)}\n`);
      draw();
    },
    progress(next) {
      view = next;
      draw();
    },
    tick: draw,
    close() {
      // Leave the last state visible; what follows is written below it.
      draw();
      live.done();
      view = undefined;
    },
  };
}

/** Delivers process warnings to whoever subscribes (the release's display), one line each. */
export interface WarningSource {
  /** Registers a listener (warnings emitted before it are delivered at once); returns its removal. */
  subscribe(listener: (text: string) => void): () => void;
}

/** A warning as one line: `<Type>: <message>` with its line breaks folded into spaces. */
export function warningLine(warning: Error): string {
  const message = warning.message.replace(/\s*\n\s*/g, ' ').trim();
  // The AWS SDK emits a plain 'Warning' whose message starts with its own name (NodeVersionSupportWarning: …).
  return warning.name === 'Warning' && /^\w+Warning:/.test(message) ? message : `${warning.name}: ${message}`;
}

/** The parts of `process` that emit warnings. */
export type WarningEmitter = Pick<NodeJS.Process, 'on' | 'off' | 'listeners'>;

/**
 * Takes the process's warnings (`process.emitWarning`, e.g. the AWS SDK's 8-line
 * NodeVersionSupportWarning on Node 20) away from Node's default printer, which writes them into the
 * middle of the live display, and delivers each as one line to the subscriber. Warnings before the
 * first subscriber are kept for it. `release()` gives the printer back.
 */
export function captureProcessWarnings(proc: WarningEmitter = process): WarningSource & { release(): void } {
  const printers = proc.listeners('warning') as ((w: Error) => void)[];
  for (const p of printers) proc.off('warning', p);
  const early: Error[] = [];
  let listener: ((text: string) => void) | undefined;
  const onWarning = (w: Error): void => {
    if (listener) listener(warningLine(w));
    else early.push(w);
  };
  proc.on('warning', onWarning);
  return {
    subscribe(next) {
      listener = next;
      for (const w of early.splice(0)) next(warningLine(w));
      return () => {
        if (listener === next) listener = undefined;
      };
    },
    release() {
      proc.off('warning', onWarning);
      for (const p of printers) proc.on('warning', p);
      // Nobody saw these: print them the ordinary way.
      for (const w of early.splice(0)) for (const p of printers) p(w);
    },
  };
}
