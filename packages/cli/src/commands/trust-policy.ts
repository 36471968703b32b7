import { z } from 'zod';
import type { TrustPolicyState } from '@spreekuur/client';
import { identityEndpoints } from '@spreekuur/protocol/identity';
import type { Context } from '../context.ts';
import { command, output } from '../spec.ts';

/**
 * The organisation's trust policy (SPEC §13.8): admins set `block` or `warn`; each device says
 * what it follows, and lowers `block` to the organisation's `warn` only when its person agrees.
 */

function policyWord(ctx: Context, policy: string): string {
  return policy === 'warn'
    ? ctx.say('waarschuwen (nieuwe sleutel meteen gebruiken)', 'warn (use the new key at once)')
    : ctx.say('blokkeren tot u het accepteert', 'block until you accept it');
}

function stateLines(ctx: Context, state: TrustPolicyState): string[] {
  const lines = [
    ctx.say(
      `Dit apparaat bij een nieuwe sleutel of een nieuw apparaat van een contact: ${policyWord(ctx, state.policy)}.`,
      `This device on a contact's new key or new device: ${policyWord(ctx, state.policy)}.`,
    ),
  ];
  if (state.explicit)
    lines.push(ctx.say('De app heeft dit vast ingesteld.', 'The app has fixed this setting.'));
  else if (state.organisation)
    lines.push(
      ctx.say(
        `Instelling van de organisatie: ${policyWord(ctx, state.organisation)}.`,
        `Setting of the organisation: ${policyWord(ctx, state.organisation)}.`,
      ),
    );
  if (state.offered === 'warn')
    lines.push(
      ctx.say(
        'De organisatie staat waarschuwen toe; dit apparaat blijft blokkeren tot u: spreekuur trust policy follow',
        'The organisation allows warn; this device keeps blocking until you run: spreekuur trust policy follow',
      ),
    );
  return lines;
}

export const trustPolicyCommands = [
  command({
    name: 'trust policy show',
    summary: {
      nl: 'Wat dit apparaat doet als de sleutel van een contact verandert, en wat de organisatie instelde',
      en: 'What this device does when a contact’s key changes, and what the organisation set',
    },
    example: 'trust policy show',
    args: z.object({}),
    options: {},
    async run(ctx) {
      const state = await (await ctx.device()).trust.policy();
      return output(state, stateLines(ctx, state));
    },
  }),
  command({
    name: 'trust policy follow',
    summary: {
      nl: 'Het waarschuwen volgen dat de organisatie nu toestaat (alleen met uw instemming, op dit apparaat)',
      en: 'Follow the warn the organisation now allows (only with your consent, on this device)',
    },
    example: 'trust policy follow',
    args: z.object({}),
    options: {},
    async run(ctx) {
      const state = await (await ctx.device()).trust.followOrganisationPolicy();
      return output(state, stateLines(ctx, state));
    },
  }),
  command({
    name: 'trust policy set',
    summary: {
      nl: 'Beheerders: bij een nieuwe sleutel van een contact blokkeren (block) of waarschuwen (warn)',
      en: 'Admins: on a contact’s new key, block sending (block) or only warn (warn)',
    },
    example: 'trust policy set block',
    args: z.object({ policy: z.enum(['block', 'warn']) }),
    options: {
      policy: { help: { nl: 'block of warn', en: 'block or warn' }, placeholder: 'block|warn' },
    },
    positional: 'policy',
    async run(ctx, args) {
      const settings = await (
        await ctx.device()
      ).call(identityEndpoints.changeOrganisationSettings, {
        body: { trustPolicy: args.policy },
      });
      const lines = [
        ctx.say(
          `Organisatie ingesteld op: ${policyWord(ctx, settings.trustPolicy)}.`,
          `Organisation set to: ${policyWord(ctx, settings.trustPolicy)}.`,
        ),
      ];
      if (settings.trustPolicy === 'warn')
        lines.push(
          ctx.say(
            'Apparaten die al blokkeerden, blijven dat doen tot hun gebruiker instemt (trust policy follow).',
            'Devices that blocked already keep doing so until their user agrees (trust policy follow).',
          ),
        );
      return output(settings, lines);
    },
  }),
];
