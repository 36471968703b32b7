import { deviceStore, trustChanges } from '../../state/session.ts';
import { Observable } from '../../state/store.ts';

/**
 * Devices contacts added since this person last looked (the SDK trusts a certified new device
 * at once, but people should still hear of it), kept in the sealed store under
 * `web/trust-new/<personId>` until accepted or verified. In the first load (imported by the
 * conversation notice), so no `trust:changed` event is missed before a trust screen opens.
 */
const NEW = 'web/trust-new/';
/** Bumped on every change: components showing trust read again. */
export const changes = new Observable(0);
export const bump = () => changes.update((n) => n + 1);

export async function newDevicesOf(personId: string): Promise<string[]> {
  return (await deviceStore()?.get<string[]>(`${NEW}${personId}`)) ?? [];
}

export async function setNewDevices(personId: string, deviceIds: string[]): Promise<void> {
  const store = deviceStore();
  if (!store) return;
  if (deviceIds.length === 0) await store.delete(`${NEW}${personId}`);
  else await store.set(`${NEW}${personId}`, deviceIds);
}

trustChanges.subscribe((change) => {
  if (!change) return;
  void (async () => {
    if (change.change === 'device-added' && change.deviceId) {
      const known = await newDevicesOf(change.personId);
      if (!known.includes(change.deviceId)) await setNewDevices(change.personId, [...known, change.deviceId]);
    }
    if (change.change === 'verified') await setNewDevices(change.personId, []);
    bump();
  })().catch(() => undefined);
});
