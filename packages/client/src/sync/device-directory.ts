import { chatEndpoints, type ChannelDevice } from '@spreekuur/protocol/chat';
import {
  TrustStore,
  type DeviceTrustState,
  type PinnedDevice,
  type TrustPolicy,
} from '../crypto/trust-store.ts';
import { SpreekuurError } from '../errors.ts';
import type { HttpClient } from '../http.ts';
import type { KeyValueStore } from '../storage/key-value-store.ts';
import type { TrustChange } from '../types.ts';

/** A device to encrypt for, with the key we pinned (never the key the server lists now). */
export interface RecipientDevice extends ChannelDevice {
  /** `untrusted` devices are addressed (the server wants every device) but get no readable copy. */
  state: Exclude<DeviceTrustState, 'changed'>;
}

/**
 * Checks the server's listing of a device before anything is encrypted to it: the
 * certificate chain and membership (the caller's view). Returns why a device is untrusted.
 */
export type DeviceVerdict = (
  channelId: string,
  device: ChannelDevice,
  listing: readonly ChannelDevice[],
) => Promise<PinnedDevice['untrusted']>;

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
    onTrustChange: (change: TrustChange) => void,
    options: { policy?: TrustPolicy; verdict?: DeviceVerdict } = {},
  ) {
    this.trust = new TrustStore(store, ownDeviceId, options.policy ?? 'block', onTrustChange);
    this.verdict = options.verdict ?? (async () => undefined);
  }

  private readonly verdict: DeviceVerdict;

  async cached(channelId: string): Promise<ChannelDevice[] | undefined> {
    return this.store.get<ChannelDevice[]>(`devices/${channelId}`);
  }

  async get(channelId: string): Promise<ChannelDevice[]> {
    return (await this.cached(channelId)) ?? this.refresh(channelId);
  }

  async refresh(channelId: string): Promise<ChannelDevice[]> {
    const { devices } = await this.http.call(chatEndpoints.channelDevices, { params: { id: channelId } });
    await this.store.set(`devices/${channelId}`, devices);
    for (const device of devices) {
      if (device.deviceId === this.ownDeviceId) continue;
      await this.trust.observe(device, await this.verdict(channelId, device, devices));
    }
    return devices;
  }

  /**
   * The other devices a message must be encrypted for, with their pinned keys. Throws
   * ERR_CLIENT_KEY_CHANGED when a device of a member shows another key than its pin.
   */
  async recipients(channelId: string, fresh = false): Promise<RecipientDevice[]> {
    const devices = fresh ? await this.refresh(channelId) : await this.get(channelId);
    const recipients: RecipientDevice[] = [];
    const changed = new Set<string>();
    for (const device of devices) {
      if (device.deviceId === this.ownDeviceId) continue;
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
    return pin && { identityKey: pin.identityKey, personId: pin.personId, state: TrustStore.state(pin) };
  }

  /** The pinned identity key of a device in a channel, refreshing once if it is not known yet. */
  async identityKeyOf(channelId: string, deviceId: string): Promise<string | undefined> {
    return (await this.senderOf(channelId, deviceId))?.identityKey;
  }
}
