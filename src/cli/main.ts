#!/usr/bin/env node
//! The `batchsim` command line.

import { Command, CommanderError } from 'commander';
import { ScenarioError } from '../scenario/issues.js';
import { registerAdviseCommand } from './commands/advise.js';
import { registerCompareCommand } from './commands/compare.js';
import { registerImportCommand } from './commands/import.js';
import { registerMergeCommand } from './commands/merge.js';
import { registerRunCommands } from './commands/run.js';
import { registerSchemaCommand } from './commands/schema.js';
import { exitQuietlyOnClosedStdout } from './io.js';

exitQuietlyOnClosedStdout();

const program = new Command();
program
  .name('batchsim')
  .description('Simulate how Apache Flink runs a batch job on an elastic cluster')
  .version('0.1.0')
  .showHelpAfterError('(run `batchsim --help` for usage)')
  .exitOverride();

registerRunCommands(program);
registerImportCommand(program);
registerCompareCommand(program);
registerMergeCommand(program);
registerAdviseCommand(program);
registerSchemaCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Help and version exit 0; every usage error is bad input: exit 2.
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else if (err instanceof ScenarioError) {
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 2;
  } else {
    const e = err as Error;
    process.stderr.write(`batchsim: internal error: ${e.message}\n`);
    if (process.env.BATCHSIM_DEBUG !== undefined) process.stderr.write(`${e.stack}\n`);
    process.exitCode = 1;
  }
}
