#!/usr/bin/env node
// The `signalbox` command line. Usage errors exit 2 (as commander's callers expect), failed calls exit 1.
import { Command } from 'commander';
import { addCheckCommand } from './commands/check.js';
import { addIdentityCommand } from './commands/identity.js';
import { addProfileCommand } from './commands/profile.js';
import { addRoutesCommand } from './commands/routes.js';
import { addStatCommand } from './commands/stat.js';
import { addTapCommand } from './commands/tap.js';
import { addTopCommand } from './commands/top.js';
import { addInjectCommand } from './inject/command.js';
import { addInstallCommand } from './install/command.js';
import { addUninstallCommand } from './uninstall/command.js';

const program = new Command('signalbox')
  .description('Signalbox service mesh command line')
  .showHelpAfterError('(add --help for usage)')
  .exitOverride((err) => {
    // Help and version are successes; every other commander error is a usage error.
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

addStatCommand(program);
addRoutesCommand(program);
addProfileCommand(program);
addTapCommand(program);
addTopCommand(program);
addCheckCommand(program);
addIdentityCommand(program);
addInstallCommand(program);
addUninstallCommand(program);
addInjectCommand(program);

await program.parseAsync(process.argv);
