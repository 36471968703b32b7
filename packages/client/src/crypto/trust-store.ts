import type { ChannelDevice } from '@spreekuur/protocol/chat';
import type { KeyValueStore } from '../storage/key-value-store.ts';
import type { TrustChange } from '../types.ts';

/**
 * What this device does when the server lists another identity key for a device it knows:
 * `block` (default) refuses to send to that person until someone calls `trust.accept`;
 * `warn` takes the new key at once and only tells the app (Signal's default). Either way the
 * person is no longer marked verified.
 */
export type TrustPolicy = 'block' | 'warn';

/**
 * A contact device as this device first saw it (SPEC §8.3, trust on first use). Stored under
 * `contact-devices/<deviceId>`, the key the directory used before pins existed, so devices
 * seen by an older version are pinned with the key seen then.
 */
export interface PinnedDevice extends ChannelDevice {
  /** When the pin was made or last accepted (absent in records of older versions). */
  pinnedAt?: string;
  /** The server now lists this key instead: refused until accepted (policy `block`). */
  changedKey?: string;
  /**
   * Why the device is not trusted for sending yet: its device certificate does not chain to a
   * device of the person we already trust, or its person is not a member by our own view.
   */
  untrusted?: 'uncertified' | 'not-a-member';
}

interface PersonTrust {
  /** Set by `verify` after the users compared safety numbers; reset whenever a pin changes. */
  verifiedAt: string | null;
}

export type DeviceTrustState = 'trusted' | 'changed' | 'untrusted';

export interface DeviceTrust {
  deviceId: string;
  personId: string;
  /** The pinned key: what sessions use and safety numbers are computed from. */
  identityKey: string;
  state: DeviceTrustState;
  /** For `changed`: the key the server lists now. */
  changedKey?: string;
  /** For `untrusted`: why. */
  reason?: 'uncertified' | 'not-a-member';
  pinnedAt: string | null;
}

export interface PersonTrustSummary {
  personId: string;
  verified: boolean;
  verifiedAt: string | null;
  devices: DeviceTrust[];
}

const DEVICE = 'contact-devices/';
const PERSON = 'trust-people/';

const stateOf = (pin: PinnedDevice): DeviceTrustState =>
  pin.changedKey ? 'changed' : pin.untrusted ? 'untrusted' : 'trusted';

/**
 * Pinned identity keys of contact devices and the verification state of each person. The
 * server is never taken at its word for a device it has listed before: a different key is a
 * trust change the person must accept, and safety numbers use the pinned keys only.
 */
export class TrustStore {
  constructor(
    private readonly store: KeyValueStore,
    private readonly ownDeviceId: string,
    private readonly policy: () => TrustPolicy,
    private readonly emit: (change: TrustChange) => void,
  ) {}

  /** The state of a pin: `changed` and `untrusted` devices get nothing readable from us. */
  static state(pin: PinnedDevice): DeviceTrustState {
    return stateOf(pin);
  }

  async pin(deviceId: string): Promise<PinnedDevice | undefined> {
    return this.store.get<PinnedDevice>(`${DEVICE}${deviceId}`);
  }

  async pinsOf(personId: string): Promise<PinnedDevice[]> {
    const pins: PinnedDevice[] = [];
    for (const key of await this.store.keys(DEVICE)) {
      const pin = await this.store.get<PinnedDevice>(key);
      if (pin?.personId === personId) pins.push(pin);
    }
    return pins.sort((a, b) => a.deviceId.localeCompare(b.deviceId));
  }

  /**
   * Compares a device the server lists with its pin. A new device is pinned (and is a trust
   * change when its person had devices already); a different key for a pinned device is
   * refused (`block`) or taken with a warning (`warn`). `untrusted` is the certificate or
   * membership verdict of the caller for this listing. Returns the pin as it is now.
   */
  async observe(device: ChannelDevice, untrusted?: PinnedDevice['untrusted']): Promise<PinnedDevice> {
    const key = `${DEVICE}${device.deviceId}`;
    const pin = await this.store.get<PinnedDevice>(key);
    const now = new Date().toISOString();
    if (!pin) {
      const known = await this.pinsOf(device.personId);
      const fresh: PinnedDevice = {
        deviceId: device.deviceId,
        personId: device.personId,
        identityKey: device.identityKey,
        pinnedAt: now,
        ...(untrusted ? { untrusted } : {}),
      };
      await this.store.set(key, fresh);
      if (device.deviceId !== this.ownDeviceId && (known.length > 0 || untrusted)) {
        await this.unverify(device.personId);
        this.emit({
          personId: device.personId,
          deviceId: device.deviceId,
          identityKey: device.identityKey,
          change: untrusted ? 'device-untrusted' : 'device-added',
          ...(untrusted ? { reason: untrusted } : {}),
        });
      }
      return fresh;
    }
    if (pin.personId !== device.personId) {
      // A device id moved to another person: never legitimate (ids are the server's, but fixed).
      return this.markChanged(pin, device.identityKey, key, true);
    }
    if (device.identityKey !== pin.identityKey) {
      if (pin.changedKey === device.identityKey) return pin;
      return this.markChanged(pin, device.identityKey, key, false);
    }
    if (pin.changedKey) {
      // The server lists the pinned key again: the change is over.
      const { changedKey: _, ...rest } = pin;
      await this.store.set(key, rest);
      return rest;
    }
    if (pin.untrusted && !untrusted) {
      // Certified (or added as a member) since: trusted from now on.
      const { untrusted: _, ...rest } = pin;
      await this.store.set(key, rest);
      return rest;
    }
    return pin;
  }

  private async markChanged(
    pin: PinnedDevice,
    seenKey: string,
    key: string,
    movedPerson: boolean,
  ): Promise<PinnedDevice> {
    await this.unverify(pin.personId);
    if (this.policy() === 'warn' && !movedPerson) {
      const accepted: PinnedDevice = { ...pin, identityKey: seenKey, pinnedAt: new Date().toISOString() };
      delete accepted.changedKey;
      await this.store.set(key, accepted);
      this.emit({
        personId: pin.personId,
        deviceId: pin.deviceId,
        identityKey: seenKey,
        change: 'key-changed',
        accepted: true,
      });
      return accepted;
    }
    const changed: PinnedDevice = { ...pin, changedKey: seenKey };
    await this.store.set(key, changed);
    this.emit({
      personId: pin.personId,
      deviceId: pin.deviceId,
      identityKey: seenKey,
      change: 'key-changed',
      accepted: false,
    });
    return changed;
  }

  /**
   * The person accepts every pending change: changed keys become the pins, untrusted devices
   * become trusted. Returns the devices whose key changed (their sessions must start anew).
   */
  async accept(personId: string): Promise<string[]> {
    const rekeyed: string[] = [];
    let changed = false;
    for (const pin of await this.pinsOf(personId)) {
      if (!pin.changedKey && !pin.untrusted) continue;
      const accepted: PinnedDevice = {
        deviceId: pin.deviceId,
        personId: pin.personId,
        identityKey: pin.changedKey ?? pin.identityKey,
        pinnedAt: new Date().toISOString(),
      };
      if (pin.changedKey) rekeyed.push(pin.deviceId);
      await this.store.set(`${DEVICE}${pin.deviceId}`, accepted);
      changed = true;
    }
    if (changed) {
      await this.unverify(personId);
      this.emit({ personId, change: 'accepted' });
    }
    return rekeyed;
  }

  async verify(personId: string): Promise<void> {
    await this.store.set(`${PERSON}${personId}`, {
      verifiedAt: new Date().toISOString(),
    } satisfies PersonTrust);
    this.emit({ personId, change: 'verified' });
  }

  async verifiedAt(personId: string): Promise<string | null> {
    return (await this.store.get<PersonTrust>(`${PERSON}${personId}`))?.verifiedAt ?? null;
  }

  private async unverify(personId: string): Promise<void> {
    if (await this.verifiedAt(personId)) await this.store.set(`${PERSON}${personId}`, { verifiedAt: null });
  }

  async summary(personId: string): Promise<PersonTrustSummary> {
    const verifiedAt = await this.verifiedAt(personId);
    return {
      personId,
      verified: verifiedAt !== null,
      verifiedAt,
      devices: (await this.pinsOf(personId)).map((pin) => ({
        deviceId: pin.deviceId,
        personId: pin.personId,
        identityKey: pin.identityKey,
        state: stateOf(pin),
        ...(pin.changedKey ? { changedKey: pin.changedKey } : {}),
        ...(pin.untrusted ? { reason: pin.untrusted } : {}),
        pinnedAt: pin.pinnedAt ?? null,
      })),
    };
  }

  async people(): Promise<string[]> {
    const people = new Set<string>();
    for (const key of await this.store.keys(DEVICE)) {
      const pin = await this.store.get<PinnedDevice>(key);
      if (pin && pin.deviceId !== this.ownDeviceId) people.add(pin.personId);
    }
    return [...people].sort();
  }
}
