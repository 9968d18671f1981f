/** A one-line progress display on stderr, only when stderr is a terminal. */
import type { CliContext } from './context.js';

export interface Progress {
  tick(n?: number): void;
  done(): void;
}

export function progress(ctx: CliContext, label: string, total: number, unit: string): Progress {
  if (!ctx.stderr.isTTY) return { tick: () => undefined, done: () => undefined };
  let count = 0;
  let shown = 0;
  const started = Date.now();
  const show = (): void => {
    const pct = total ? Math.floor((count / total) * 100) : 100;
    ctx.stderr.write(`\r${label}: ${count}/${total} ${unit} (${pct}%)`);
  };
  show();
  return {
    tick(n = 1) {
      count += n;
      const now = Date.now();
      if (now - shown > 100 || count === total) {
        shown = now;
        show();
      }
    },
    done() {
      show();
      ctx.stderr.write(` in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    },
  };
}
