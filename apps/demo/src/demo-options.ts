/** Command-line options of `npm run demo -- [--count N] [--busy-rate R] [--keep] [--port P]`. */
export interface DemoOptions {
  count: number;
  busyRate: number;
  keep: boolean;
  port: number;
}

export function parseDemoOptions(argv: readonly string[]): DemoOptions {
  const options: DemoOptions = { count: 20, busyRate: 0, keep: false, port: 0 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): number => {
      const parsed = Number(argv[++i]);
      if (!Number.isFinite(parsed) || parsed < 0) {
        throw new Error(`${flag} needs a non-negative number`);
      }
      return parsed;
    };
    if (flag === '--count') options.count = Math.max(1, Math.floor(value()));
    else if (flag === '--busy-rate') options.busyRate = Math.min(1, value());
    else if (flag === '--port') options.port = Math.floor(value());
    else if (flag === '--keep') options.keep = true;
    else
      throw new Error(`unknown option ${flag} (use --count N, --busy-rate 0..1, --port P, --keep)`);
  }
  if (options.keep && options.port === 0) {
    options.port = 3000;
  }
  return options;
}
