import { chatEndpoints, type ChannelDevice } from '@spreekuur/protocol/chat';
import { TrustStore, type DeviceTrustState, type TrustPolicy } from '../crypto/trust-store.ts';
import { SpreekuurError } from '../errors.ts';
import type { HttpClient } from '../http.ts';
import type { KeyValueStore } from '../storage/key-value-store.ts';
import type { TrustChange } from '../types.ts';
import type { DeviceVerifier, Verdict } from './device-verifier.ts';
import type { MembershipView } from './membership-view.ts';

/** A device to encrypt for, with the key we pinned (never the key the server lists now). */
export interface RecipientDevice extends ChannelDevice {
  /** `untrusted` devices are addressed (the server wants every device) but get no readable copy. */
  state: Exclude<DeviceTrustState, 'changed'>;
}

/**
 * The devices of each channel's members, as the server reports them, cached per channel, and
 * checked against this device's pins (TOFU, SPEC §8.3): what is encrypted and what safety
 * numbers show uses the pinned identity key of each device, a changed key is refused until
 * the person accepts it, and a device that fails `verdict` gets no readable copy.
 */
export class DeviceDirectory {
  readonly trust: TrustStore;

  constructor(
    private readonly http: HttpClient,
    private readonly store: KeyValueStore,
    private readonly ownDeviceId: string,
    private readonly onTrustChange: (change: TrustChange) => void,
    private readonly options: {
      /** Read at each trust change: the organisation's policy may change while the client runs. */
      policy?: () => TrustPolicy;
      verifier?: DeviceVerifier;
      membership?: MembershipView;
    } = {},
  ) {
    this.trust = new TrustStore(store, ownDeviceId, options.policy ?? (() => 'block'), onTrustChange);
  }

  /** Devices of this channel's listing whose person is not a member by our own view. */
  private async outsiders(channelId: string): Promise<Record<string, true>> {
    return (await this.store.get<Record<string, true>>(`outsiders/${channelId}`)) ?? {};
  }

  async cached(channelId: string): Promise<ChannelDevice[] | undefined> {
    return this.store.get<ChannelDevice[]>(`devices/${channelId}`);
  }

  async get(channelId: string): Promise<ChannelDevice[]> {
    return (await this.cached(channelId)) ?? this.refresh(channelId);
  }

  async refresh(channelId: string): Promise<ChannelDevice[]> {
    const { devices } = await this.http.call(chatEndpoints.channelDevices, { params: { id: channelId } });
    const verdicts = this.options.verifier
      ? await this.options.verifier.verdicts(channelId, devices, this.trust)
      : new Map<string, Verdict>();
    const before = await this.outsiders(channelId);
    const outsiders: Record<string, true> = {};
    for (const device of devices) {
      if (device.deviceId === this.ownDeviceId) continue;
      const verdict = verdicts.get(device.deviceId);
      if (verdict === 'not-a-member') {
        // Not pinned: membership is per channel, and this device has no business here.
        outsiders[device.deviceId] = true;
        if (!before[device.deviceId])
          this.onTrustChange({
            personId: device.personId,
            deviceId: device.deviceId,
            identityKey: device.identityKey,
            channelId,
            change: 'device-untrusted',
            reason: 'not-a-member',
          });
        continue;
      }
      await this.trust.observe(device, verdict);
    }
    await this.store.set(`outsiders/${channelId}`, outsiders);
    await this.store.set(`devices/${channelId}`, devices);
    return devices;
  }

  /**
   * The other devices a message must be encrypted for, with their pinned keys. Throws
   * ERR_CLIENT_KEY_CHANGED when a device of a member shows another key than its pin.
   */
  async recipients(channelId: string, fresh = false): Promise<RecipientDevice[]> {
    const listed = fresh ? await this.refresh(channelId) : await this.get(channelId);
    // An untrusted device may have been approved or added as a member since: look again.
    const devices =
      !fresh && (await this.anyUntrusted(channelId, listed)) ? await this.refresh(channelId) : listed;
    const recipients: RecipientDevice[] = [];
    const changed = new Set<string>();
    const outsiders = await this.outsiders(channelId);
    for (const device of devices) {
      if (device.deviceId === this.ownDeviceId) continue;
      if (outsiders[device.deviceId]) {
        recipients.push({ ...device, state: 'untrusted' });
        continue;
      }
      const pin = (await this.trust.pin(device.deviceId)) ?? (await this.trust.observe(device));
      const state = TrustStore.state(pin);
      if (state === 'changed') changed.add(pin.personId);
      else
        recipients.push({
          deviceId: pin.deviceId,
          personId: pin.personId,
          identityKey: pin.identityKey,
          state,
        });
    }
    if (changed.size > 0) {
      throw new SpreekuurError(
        'ERR_CLIENT_KEY_CHANGED',
        'the safety number with someone in this conversation changed: accept or verify it first',
        { personIds: [...changed].sort() },
      );
    }
    return recipients;
  }

  private async anyUntrusted(channelId: string, devices: readonly ChannelDevice[]): Promise<boolean> {
    const outsiders = await this.outsiders(channelId);
    for (const device of devices) {
      if (device.deviceId === this.ownDeviceId) continue;
      if (outsiders[device.deviceId]) return true;
      const pin = await this.trust.pin(device.deviceId);
      if (pin && TrustStore.state(pin) !== 'trusted') return true;
    }
    return false;
  }

  /**
   * The pinned identity key of a device in a channel (refreshing once if it is not known
   * yet), with its trust state: messages from devices that are not `trusted` are refused.
   */
  async senderOf(
    channelId: string,
    deviceId: string,
  ): Promise<{ identityKey: string; personId: string; state: DeviceTrustState } | undefined> {
    let pin = await this.trust.pin(deviceId);
    if (!pin) {
      await this.refresh(channelId);
      pin = await this.trust.pin(deviceId);
    }
    if (!pin) return undefined;
    // A trusted device of someone who is not a member here (by our view) may not write here,
    // nor hand out a sender key for this channel.
    const member =
      !this.options.membership || (await this.options.membership.members(channelId)).has(pin.personId);
    return {
      identityKey: pin.identityKey,
      personId: pin.personId,
      state: member ? TrustStore.state(pin) : 'untrusted',
    };
  }

  /** The pinned identity key of a device in a channel, refreshing once if it is not known yet. */
  async identityKeyOf(channelId: string, deviceId: string): Promise<string | undefined> {
    return (await this.senderOf(channelId, deviceId))?.identityKey;
  }
}
