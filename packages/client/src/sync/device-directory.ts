import { chatEndpoints, type ChannelDevice } from '@spreekuur/protocol/chat';
import type { HttpClient } from '../http.ts';
import type { KeyValueStore } from '../storage/key-value-store.ts';

/**
 * The devices of each channel's members, as the server reports them, cached per channel.
 * It also remembers every contact device ever seen, so a new device of a known person can
 * be shown ("the safety number with X changed"): the server could otherwise slip in a
 * device of its own.
 */
export class DeviceDirectory {
  constructor(
    private readonly http: HttpClient,
    private readonly store: KeyValueStore,
    private readonly ownDeviceId: string,
    private readonly onNewContactDevice: (device: ChannelDevice) => void,
  ) {}

  async cached(channelId: string): Promise<ChannelDevice[] | undefined> {
    return this.store.get<ChannelDevice[]>(`devices/${channelId}`);
  }

  async get(channelId: string): Promise<ChannelDevice[]> {
    return (await this.cached(channelId)) ?? this.refresh(channelId);
  }

  async refresh(channelId: string): Promise<ChannelDevice[]> {
    const { devices } = await this.http.call(chatEndpoints.channelDevices, { params: { id: channelId } });
    await this.store.set(`devices/${channelId}`, devices);
    for (const device of devices) await this.remember(device);
    return devices;
  }

  /** The other devices a message must be encrypted for. */
  async recipients(channelId: string, fresh = false): Promise<ChannelDevice[]> {
    const devices = fresh ? await this.refresh(channelId) : await this.get(channelId);
    return devices.filter((device) => device.deviceId !== this.ownDeviceId);
  }

  /** The identity key of a device in a channel, refreshing once if it is not known yet. */
  async identityKeyOf(channelId: string, deviceId: string): Promise<string | undefined> {
    const known = await this.store.get<ChannelDevice>(`contact-devices/${deviceId}`);
    if (known) return known.identityKey;
    const refreshed = await this.refresh(channelId);
    return refreshed.find((device) => device.deviceId === deviceId)?.identityKey;
  }

  private async remember(device: ChannelDevice): Promise<void> {
    const key = `contact-devices/${device.deviceId}`;
    if (await this.store.get(key)) return;
    const othersOfPerson =
      (await this.store.keys('contact-devices/')).length > 0 ? await this.devicesOf(device.personId) : [];
    await this.store.set(key, device);
    if (device.deviceId !== this.ownDeviceId && othersOfPerson.length > 0) this.onNewContactDevice(device);
  }

  private async devicesOf(personId: string): Promise<ChannelDevice[]> {
    const devices: ChannelDevice[] = [];
    for (const key of await this.store.keys('contact-devices/')) {
      const device = await this.store.get<ChannelDevice>(key);
      if (device?.personId === personId) devices.push(device);
    }
    return devices;
  }
}
