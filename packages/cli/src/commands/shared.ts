import { renderUnicodeCompact } from 'uqr';
import { z } from 'zod';
import type { CreatedInvite } from '@spreekuur/protocol/identity';
import type { Context } from '../context.ts';
import { when } from '../i18n.ts';

/** Argument schemas every command shares: checked before anything is sent. */
export const uuid = z.uuid({ error: 'moet een id zijn (UUID) / must be an id (UUID)' });
export const nonEmpty = z.string().trim().min(1, { error: 'mag niet leeg zijn / must not be empty' });

export const teamHelp = {
  help: {
    nl: 'Team-id (standaard: je enige team)',
    en: 'Team id (default: your only team)',
  },
  placeholder: 'id',
} as const;

/** An invite as a person needs it: the code, the link, and the link as a QR code to scan. */
export function inviteLines(ctx: Context, invite: CreatedInvite, title: string): string[] {
  return [
    `${title} (${ctx.say('eenmalig, verloopt', 'single use, expires')} ${when(invite.expiresAt, ctx.lang)}):`,
    `  ${ctx.say('Code', 'Code')}: ${invite.code}`,
    `  Link: ${invite.joinUrl}`,
    '',
    renderUnicodeCompact(invite.joinUrl, { border: 1 }),
  ];
}
