/** Tiny argument parsing shared by the commands: positional values and `--name value` options. */
export function parseArgs(argv: string[], options: string[]): { positional: string[]; values: Record<string, string> } {
  const positional: string[] = [];
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
      if (!options.includes(name)) throw new Error(`unknown option --${name}; expected ${options.map((o) => `--${o}`).join(', ')}`);
      const value = inline ?? argv[++i];
      if (value === undefined) throw new Error(`option --${name} needs a value`);
      values[name] = value;
    } else positional.push(arg);
  }
  return { positional, values };
}

/** Runs a command's main, printing a failure as one line and exiting non-zero. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: Error) => {
    console.error(`error: ${error.message.split('\n')[0]}`);
    process.exit(1);
  });
}
