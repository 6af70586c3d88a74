const started = Date.now();

/** One progress line on stderr (stdout carries only the final table). */
export function progress(line: string): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[bench ${seconds}s] ${line}\n`);
}
