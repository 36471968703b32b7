import type { CommandSpec } from '../spec.ts';
import { accountCommands } from './account.ts';
import { chatCommands } from './chat.ts';
import { operatorCommands } from './operator.ts';
import { organisationCommands } from './organisation.ts';
import { schedulingCommands } from './scheduling.ts';

/** Every command of the CLI, in the order `--help` lists them. */
export const commands: CommandSpec[] = [
  ...accountCommands,
  ...chatCommands,
  ...organisationCommands,
  ...schedulingCommands,
  ...operatorCommands,
];
