import { z } from 'zod';
import { EncryptedStore } from '@spreekuur/client';
import { CliError, exitCodes } from '../context.ts';
import { command, output } from '../spec.ts';

/** The profile file itself: protecting a plain profile with a PIN (see README, "PIN"). */
export const profileCommands = [
  command({
    name: 'profile encrypt',
    summary: {
      nl: 'Een bestaand profiel versleutelen met een pincode (uit SPREEKUUR_PIN, of gevraagd)',
      en: 'Encrypt an existing profile with a PIN (from SPREEKUUR_PIN, or asked)',
    },
    example: 'profile encrypt --profile sanne.json',
    args: z.object({}),
    options: {},
    async run(ctx) {
      const file = await ctx.profile();
      const path = ctx.globals.profile;
      if (await EncryptedStore.isEncrypted(file))
        throw new CliError(
          ctx.say(`${path} is al versleuteld met een pincode.`, `${path} is already encrypted with a PIN.`),
          exitCodes.usage,
        );
      if ((await file.keys('')).length === 0)
        throw new CliError(
          ctx.say(
            `${path} is leeg. Registreer met: spreekuur register --pin --invite <code> --name <naam>`,
            `${path} is empty. Register with: spreekuur register --pin --invite <code> --name <name>`,
          ),
          exitCodes.noInput,
        );
      const values = await ctx.encryptExisting(await ctx.newPin());
      return output({ encrypted: path, values }, [
        ctx.say(
          `${path} is versleuteld (${values} waarden). Elke opdracht vraagt voortaan de pincode (of SPREEKUUR_PIN). Vergeet hem niet: zonder pincode is dit apparaat niet te openen.`,
          `${path} is encrypted (${values} values). Every command now asks for the PIN (or SPREEKUUR_PIN). Do not forget it: without the PIN this device cannot be opened.`,
        ),
      ]);
    },
  }),
];
