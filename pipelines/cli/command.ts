/**
 * One declarative definition per command: its options, arguments, help and examples. Parsing
 * answers `--help`/`-h`, refuses an unknown option by naming the valid ones (and the nearest),
 * and prints a failure as one line with a non-zero exit.
 */
import { nearest } from '../text.ts';

export interface OptionSpec {
  /** What the option's value is called in the help (`FILE`); absent for a flag that takes none. */
  value?: string;
  help: string;
  default?: string;
}

export interface CommandSpec<O extends Record<string, OptionSpec>> {
  /** How a planner types it: `npm run pipeline --`. */
  name: string;
  summary: string;
  /** The arguments that are not options, as the help shows them (`DROP...`), if the command takes any. */
  positional?: { name: string; help: string };
  options: O;
  examples: string[];
}

export type ParsedArgs<O extends Record<string, OptionSpec>> = {
  positional: string[];
  values: { [K in keyof O]?: string };
};

/** The help text of a command. */
export function helpText<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>): string {
  const option = (name: string, o: OptionSpec) => `--${name}${o.value ? ` ${o.value}` : ''}`;
  const rows = [
    ...(spec.positional ? [[spec.positional.name, spec.positional.help]] : []),
    ...Object.entries(spec.options).map(([name, o]) => [option(name, o), `${o.help}${o.default ? ` (default ${o.default})` : ''}`]),
    ['--help, -h', 'show this help'],
  ];
  const width = Math.max(...rows.map(([left]) => left!.length));
  const usage = [spec.positional?.name, ...Object.entries(spec.options).map(([name, o]) => `[${option(name, o)}]`)].filter(Boolean).join(' ');
  return [
    `${spec.summary}`,
    '',
    `Usage: ${spec.name} ${usage}`.trimEnd(),
    '',
    ...rows.map(([left, right]) => `  ${left!.padEnd(width)}  ${right}`),
    '',
    'Examples:',
    ...spec.examples.map((e) => `  ${e}`),
  ].join('\n');
}

/** Parses `argv`; returns undefined after printing the help. Throws a one-line Error for a bad argument. */
export function parseCommand<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>, argv: string[]): ParsedArgs<O> | undefined {
  const positional: string[] = [];
  const values: Record<string, string> = {};
  const names = Object.keys(spec.options);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      console.log(helpText(spec));
      return undefined;
    }
    if (arg.startsWith('-') && arg !== '-') {
      const [name, inline] = arg.replace(/^--?/, '').split(/=(.*)/s, 2) as [string, string | undefined];
      const option = spec.options[name];
      if (!option || !arg.startsWith('--')) {
        const guess = nearest(name, names);
        const valid = [...names.map((n) => `--${n}`), '--help'].join(', ');
        throw new Error(`unknown option ${arg}${guess ? ` (did you mean --${guess}?)` : ''}; valid options: ${valid}`);
      }
      if (!option.value) {
        values[name] = 'true';
        continue;
      }
      const value = inline ?? argv[++i];
      if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new Error(`option --${name} needs a value (${option.value})`);
      values[name] = value;
    } else {
      if (!spec.positional) throw new Error(`${spec.name} takes no arguments, only options; found "${arg}" (see --help)`);
      positional.push(arg);
    }
  }
  for (const [name, option] of Object.entries(spec.options)) if (values[name] === undefined && option.default !== undefined) values[name] = option.default;
  return { positional, values: values as ParsedArgs<O>['values'] };
}

/** Parses `argv` for a script: undefined after printing the help; a bad argument is printed as one line, exit 1. */
export function parseOrExit<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>, argv = process.argv.slice(2)): ParsedArgs<O> | undefined {
  try {
    return parseCommand(spec, argv);
  } catch (error) {
    console.error(`error: ${(error as Error).message.split('\n')[0]}`);
    process.exit(1);
  }
}

/** Runs a command: parses the arguments, then `main`; a failure is printed as one line, exit 1. */
export function runCommand<O extends Record<string, OptionSpec>>(
  spec: CommandSpec<O>, main: (args: ParsedArgs<O>) => Promise<void>, argv = process.argv.slice(2),
): void {
  const args = parseOrExit(spec, argv);
  if (!args) return;
  main(args).catch((error: Error) => {
    console.error(`error: ${error.message.split('\n')[0]}`);
    process.exit(1);
  });
}
