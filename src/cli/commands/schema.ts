//! `batchsim schema run|compare`: the JSON Schema of each JSON output.

import { InvalidArgumentError, type Command } from 'commander';
import { OUTPUT_SCHEMAS, type OutputSchemaName } from '../../report/output-schema.js';

const NAMES = Object.keys(OUTPUT_SCHEMAS) as OutputSchemaName[];

function parseName(value: string): OutputSchemaName {
  if ((NAMES as string[]).includes(value)) return value as OutputSchemaName;
  throw new InvalidArgumentError(`expected one of ${NAMES.map((n) => `\`${n}\``).join(', ')}, got \`${value}\``);
}

/** Adds `schema` to the program. */
export function registerSchemaCommand(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema (draft 2020-12) of the JSON that `run --json` or `compare --json` writes')
    .argument('<output>', NAMES.join(' or '), parseName)
    .action((name: OutputSchemaName) => {
      process.stdout.write(`${JSON.stringify(OUTPUT_SCHEMAS[name], null, 2)}\n`);
    });
}
