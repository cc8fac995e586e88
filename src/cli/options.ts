// One table per command gives both its option parsing (node's util.parseArgs) and the options part of its --help
// text, so that the two cannot drift apart. Errors come back as the one line the CLI prints.
import { parseArgs } from 'node:util';

export interface OptionSpec {
  /** Long name without the dashes. */
  readonly name: string;
  /** Placeholder of the value in the help text (`T=URL`, `FILE`); absent for a flag. */
  readonly value?: string;
  readonly short?: string;
  /** May be given more than once (values collected in order). */
  readonly multiple?: boolean;
  /** The help text; further lines are indented under the first. */
  readonly help: string;
}

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', help: 'this text' };

/** The `options:` block of a help text. */
export function optionsHelp(options: readonly OptionSpec[]): string {
  const all = [...options, HELP_OPTION];
  const left = all.map(o => `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.value ? ` ${o.value}` : ''}`);
  const width = Math.max(...left.map(l => l.length)) + 2;
  const lines = all.map((o, i) => {
    const [first, ...rest] = o.help.split('\n');
    return [`  ${left[i]!.padEnd(width)}${first}`, ...rest.map(r => `  ${' '.repeat(width)}${r}`)].join('\n');
  });
  return `options:\n${lines.join('\n')}`;
}

/** Parses `argv` against the table: the values and positionals, 'help', or the one-line error. */
export function parseOptions(options: readonly OptionSpec[], argv: readonly string[]): { values: OptionValues; positionals: string[] } | 'help' | string {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const o of [...options, HELP_OPTION]) {
    config[o.name] = { type: o.value ? 'string' : 'boolean', ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  }
  try {
    const r = parseArgs({ args: [...argv], options: config, allowPositionals: true, strict: true });
    if (r.values.help) return 'help';
    return { values: { ...r.values } as OptionValues, positionals: r.positionals };
  } catch (e) {
    const err = e as Error & { code?: string };
    const opt = /'(-[^' ]+)/.exec(err.message)?.[1];
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${opt ?? ''} (see --help)`;
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const name = opt ? opt.replace(/^-\w, /, '') : 'an option';
      if (argv.includes('-h') || argv.includes('--help')) return 'help';
      // util.parseArgs takes "--timeout -5" as an option without its value; say how to give such a value.
      const next = argv[argv.indexOf(name) + 1];
      return next?.startsWith('-') && next !== '-' && argv.includes(name) ? `${name} needs a value (for one starting with "-", write ${name}=${next.slice(0, 40)})` : `${name} needs a value`;
    }
    return err.message;
  }
}

/** A whole number from min to max given to option `name`, or the one-line error (`undefined` = not given). */
export function wholeNumber(name: string, v: unknown, min: number, max: number): number | undefined | { error: string } {
  if (v === undefined) return undefined;
  const n = Number(v);
  return typeof v === 'string' && v.trim() !== '' && Number.isInteger(n) && n >= min && n <= max ? n : { error: `--${name} must be a whole number from ${min} to ${max}, got "${String(v).slice(0, 200)}"` };
}
