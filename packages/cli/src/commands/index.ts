import type { CommandSpec } from '../spec.ts';
import { accountCommands } from './account.ts';
import { chatCommands } from './chat.ts';
import { moderationCommands } from './moderation.ts';
import { operatorCommands } from './operator.ts';
import { organisationCommands } from './organisation.ts';
import { privacyCommands } from './privacy.ts';
import { profileCommands } from './profile.ts';
import { schedulingCommands } from './scheduling.ts';
import { trustCommands } from './trust.ts';
import { trustPolicyCommands } from './trust-policy.ts';

/** Every command of the CLI, in the order `--help` lists them. */
export const commands: CommandSpec[] = [
  ...accountCommands,
  ...profileCommands,
  ...trustCommands,
  ...trustPolicyCommands,
  ...chatCommands,
  ...moderationCommands,
  ...organisationCommands,
  ...schedulingCommands,
  ...privacyCommands,
  ...operatorCommands,
];
