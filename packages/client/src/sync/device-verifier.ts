import type { DeviceIdentity } from '@spreekuur/crypto/identity';
import { toBase64Url } from '@spreekuur/crypto/encoding';
import { keyEndpoints, type ChannelDevice, type DeviceCertificate } from '@spreekuur/protocol/chat';
import { certifiedDeviceIds, verifies, type TrustAnchor } from '../crypto/device-certificates.ts';
import { TrustStore } from '../crypto/trust-store.ts';
import type { HttpClient } from '../http.ts';
import type { MembershipView } from './membership-view.ts';

export type Verdict = 'uncertified' | 'not-a-member';

/**
 * Checks a channel's device listing before anything is encrypted to it: each device's person
 * must be a member by our own view, and its certificate must chain to a device of that person
 * we trust already (our own device, for our other devices). Returns the devices that fail, and why.
 */
export class DeviceVerifier {
  constructor(
    private readonly http: HttpClient,
    private readonly membership: MembershipView,
    private readonly self: { personId: string; deviceId: string; identity: DeviceIdentity },
  ) {}

  async verdicts(
    channelId: string,
    listing: readonly ChannelDevice[],
    trust: TrustStore,
  ): Promise<Map<string, Verdict>> {
    const others = listing.filter((device) => device.deviceId !== this.self.deviceId);
    const verdicts = new Map<string, Verdict>();
    if (others.length === 0) return verdicts;
    const members = await this.membership.members(channelId);
    const certificates = new Map<string, DeviceCertificate>();
    // Our own certificate too: the device that approved this one is trusted by it.
    const wanted = [this.self.deviceId, ...others.map((device) => device.deviceId)];
    for (let start = 0; start < wanted.length; start += 500) {
      const { certificates: page } = await this.http.call(keyEndpoints.fetchCertificates, {
        body: { deviceIds: wanted.slice(start, start + 500) },
      });
      for (const certificate of page) certificates.set(certificate.deviceId, certificate);
    }
    const byPerson = new Map<string, ChannelDevice[]>();
    for (const device of others)
      byPerson.set(device.personId, [...(byPerson.get(device.personId) ?? []), device]);
    for (const [personId, devices] of byPerson) {
      if (!members.has(personId)) {
        for (const device of devices) verdicts.set(device.deviceId, 'not-a-member');
        continue;
      }
      const anchors: TrustAnchor[] = (await trust.pinsOf(personId))
        .filter((pin) => TrustStore.state(pin) === 'trusted' && pin.deviceId !== this.self.deviceId)
        .map((pin) => ({ deviceId: pin.deviceId, identityKey: pin.identityKey }));
      if (personId === this.self.personId) {
        const me: ChannelDevice = {
          deviceId: this.self.deviceId,
          personId,
          identityKey: toBase64Url(this.self.identity.publicKey),
        };
        anchors.push(me);
        const mine = certificates.get(this.self.deviceId);
        const approver = mine && devices.find((device) => device.deviceId === mine.signerDeviceId);
        if (approver && verifies(approver.identityKey, me, mine.signature)) anchors.push(approver);
      }
      const certified = certifiedDeviceIds(devices, certificates, anchors);
      for (const device of devices)
        if (!certified.has(device.deviceId)) verdicts.set(device.deviceId, 'uncertified');
    }
    return verdicts;
  }
}
