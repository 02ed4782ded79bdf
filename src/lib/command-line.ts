// Command-line parsing with GNU getopt_long's rules and messages, which every
// OVS program uses: long options with unambiguous prefixes, `--opt=V` or
// `--opt V` for required arguments, `--opt[=V]` only for optional ones, bundled
// short options (`-hV`, `-vSPEC`), argument permutation and `--`. Daemons and
// CLI subcommands (src/cli/*) call parseCommandLine() and print the
// CommandLineError message after "PROGRAM: " as OVS does.

import { OvsError } from './errors.js';

/** Whether an option takes an argument (getopt_long's no/required/optional_argument). */
export type OptionArgument = 'none' | 'required' | 'optional';

export interface LongOption {
  /** Name without the dashes, e.g. "pidfile". */
  readonly name: string;
  readonly argument: OptionArgument;
  /**
   * The key the parsed option is reported under; options sharing a key are one
   * option for ambiguity purposes (as getopt_long compares flag and val).
   * Defaults to the name.
   */
  readonly key?: string;
}

/** One option as it appeared, in command-line order. */
export interface ParsedOption {
  /** LongOption.key (or name) for long options; the letter for short options without a long twin. */
  readonly key: string;
  /** The argument, or undefined when none was given. */
  readonly value: string | undefined;
}

export interface ParsedCommandLine {
  readonly options: ParsedOption[];
  /** Non-option arguments, in order (getopt_long permutes them to the end). */
  readonly operands: string[];
}

export interface CommandLineSpec {
  readonly longOptions: readonly LongOption[];
  /**
   * getopt-style short option letters: "hVv::p:" means -h and -V without an
   * argument, -v with an optional attached argument, -p with a required one.
   */
  readonly shortOptions?: string;
  /** Maps a short letter to the key of its long twin, e.g. { v: 'verbose' }. */
  readonly shortKeys?: Readonly<Record<string, string>>;
}

/** A command-line mistake; `message` is getopt_long's text, without the program name. */
export class CommandLineError extends OvsError {
  constructor(message: string) {
    super('EUSAGE', message);
  }
}

function parseShortSpec(spec: string): Map<string, OptionArgument> {
  const shorts = new Map<string, OptionArgument>();
  for (let i = 0; i < spec.length; i++) {
    const letter = spec[i]!;
    let argument: OptionArgument = 'none';
    if (spec[i + 1] === ':') {
      argument = spec[i + 2] === ':' ? 'optional' : 'required';
      i += argument === 'optional' ? 2 : 1;
    }
    shorts.set(letter, argument);
  }
  return shorts;
}

function keyOf(option: LongOption): string {
  return option.key ?? option.name;
}

/**
 * Parses `args` (without the program name). Throws CommandLineError with
 * getopt_long's wording: "unrecognized option '--foo'", "option '--d' is
 * ambiguous; possibilities: '--detach' '--disable-system'", "option
 * '--unixctl' requires an argument", "option '--detach' doesn't allow an
 * argument", "invalid option -- 'x'", "option requires an argument -- 'p'".
 */
export function parseCommandLine(args: readonly string[], spec: CommandLineSpec): ParsedCommandLine {
  const shorts = parseShortSpec(spec.shortOptions ?? '');
  const options: ParsedOption[] = [];
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const inline = eq < 0 ? undefined : arg.slice(eq + 1);
      const option = findLong(spec.longOptions, name, arg);
      if (option.argument === 'none' && inline !== undefined) {
        throw new CommandLineError(`option '--${option.name}' doesn't allow an argument`);
      }
      let value = inline;
      if (option.argument === 'required' && value === undefined) {
        if (i + 1 >= args.length) throw new CommandLineError(`option '--${option.name}' requires an argument`);
        value = args[++i];
      }
      options.push({ key: keyOf(option), value });
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j]!;
        const argument = shorts.get(letter);
        if (argument === undefined) throw new CommandLineError(`invalid option -- '${letter}'`);
        const key = spec.shortKeys?.[letter] ?? letter;
        if (argument === 'none') {
          options.push({ key, value: undefined });
          continue;
        }
        const rest = arg.slice(j + 1);
        if (rest !== '') {
          options.push({ key, value: rest });
        } else if (argument === 'required') {
          if (i + 1 >= args.length) throw new CommandLineError(`option requires an argument -- '${letter}'`);
          options.push({ key, value: args[++i] });
        } else {
          options.push({ key, value: undefined });
        }
        break;
      }
      continue;
    }
    operands.push(arg);
  }
  return { options, operands };
}

function findLong(longOptions: readonly LongOption[], name: string, arg: string): LongOption {
  const exact = longOptions.find((option) => option.name === name);
  if (exact) return exact;
  const candidates = name === '' ? [] : longOptions.filter((option) => option.name.startsWith(name));
  if (candidates.length === 0) throw new CommandLineError(`unrecognized option '${arg}'`);
  const first = candidates[0]!;
  // Prefixes of several names that mean the same option are not ambiguous.
  const distinct = candidates.filter((option) => keyOf(option) !== keyOf(first) || option.argument !== first.argument);
  if (distinct.length > 0) {
    const names = candidates.map((option) => `'--${option.name}'`).join(' ');
    throw new CommandLineError(`option '--${name}' is ambiguous; possibilities: ${names}`);
  }
  return first;
}
