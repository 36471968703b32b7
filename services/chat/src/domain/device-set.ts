import type { DeviceMismatch } from '@spreekuur/protocol/chat';

export type DeviceCheck =
  { ok: true } | { ok: false; duplicate: string } | { ok: false; mismatch: DeviceMismatch };

/**
 * An envelope must address exactly the channel's current member devices (apart from the
 * sending device): a device left out would silently miss the message, a device left in
 * could belong to a removed member. The difference tells the client what to fix.
 */
export function checkRecipientDevices(expected: Iterable<string>, addressed: readonly string[]): DeviceCheck {
  const seen = new Set<string>();
  for (const deviceId of addressed) {
    if (seen.has(deviceId)) return { ok: false, duplicate: deviceId };
    seen.add(deviceId);
  }
  const wanted = new Set(expected);
  const missing = [...wanted].filter((deviceId) => !seen.has(deviceId)).sort();
  const extra = [...seen].filter((deviceId) => !wanted.has(deviceId)).sort();
  return missing.length === 0 && extra.length === 0
    ? { ok: true }
    : { ok: false, mismatch: { missing, extra } };
}
