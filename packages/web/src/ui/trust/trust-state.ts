import type { PersonTrustSummary } from '@spreekuur/client';
import { useEffect, useState } from 'preact/hooks';
import { locale } from '../../i18n.ts';
import { currentClient, sendHeld } from '../../state/session.ts';
import { useObservable } from '../../state/store.ts';
import { bump, changes, newDevicesOf, setNewDevices } from './new-devices.ts';

/**
 * What the trust screens know about a contact: the SDK's pins and verification
 * (`trust.list`), and the devices that were added since this person last looked
 * (./new-devices.ts).
 */
export interface PersonTrust {
  summary: PersonTrustSummary;
  newDevices: readonly string[];
}

async function readTrust(personId: string): Promise<PersonTrust> {
  const [summary] = await currentClient().trust.list(personId);
  return {
    summary: summary ?? { personId, verified: false, verifiedAt: null, devices: [] },
    newDevices: await newDevicesOf(personId),
  };
}

/** The trust of each person, read again whenever anything about trust changes. */
export function useTrust(personIds: readonly string[]): Record<string, PersonTrust> {
  const version = useObservable(changes);
  const [found, setFound] = useState<Record<string, PersonTrust>>({});
  const key = personIds.join();
  useEffect(() => {
    let current = true;
    Promise.all(personIds.map(readTrust))
      .then((list) => current && setFound(Object.fromEntries(list.map((p) => [p.summary.personId, p]))))
      .catch(() => undefined);
    return () => {
      current = false;
    };
    // personIds is read through its joined key.
  }, [key, version]);
  return found;
}

/**
 * Accepts what changed for a person (a new key becomes the pin; unknown devices are trusted;
 * new devices are taken note of), then sends the texts the change held back in this channel.
 */
export async function acceptChanges(personId: string, channelId: string): Promise<void> {
  await currentClient().trust.accept(personId);
  await setNewDevices(personId, []);
  bump();
  sendHeld(channelId);
}

export async function markVerified(personId: string): Promise<void> {
  await currentClient().trust.verify(personId);
  await setNewDevices(personId, []);
  bump();
}

/** "4 december 2026 om 02:13" style, in the chosen language. */
export function dateTime(iso: string): string {
  return new Date(iso).toLocaleString(locale() === 'nl' ? 'nl-NL' : 'en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
  });
}
