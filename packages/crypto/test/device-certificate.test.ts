import { beforeAll, describe, expect, it } from 'vitest';
import { signDeviceCertificate, verifyDeviceCertificate } from '../src/device-certificate.ts';
import { generateIdentity } from '../src/identity.ts';
import { deterministicRng } from '../src/random.ts';
import { ready } from '../src/ready.ts';

beforeAll(() => ready());

// SPEC §13.2: a device vouches for another device of the same person.
describe('device certificates', () => {
  it('verify only for the exact person, device and key that were signed', () => {
    const rng = deterministicRng('device-certificate');
    const phone = generateIdentity({ rng });
    const laptop = generateIdentity({ rng });
    const subject = { personId: 'person-1', deviceId: 'laptop', identityKey: laptop.publicKey };
    const signature = signDeviceCertificate(phone, subject);
    expect(verifyDeviceCertificate(phone.publicKey, subject, signature)).toBe(true);
    // Another signer, person, device or key: no.
    expect(verifyDeviceCertificate(laptop.publicKey, subject, signature)).toBe(false);
    expect(verifyDeviceCertificate(phone.publicKey, { ...subject, personId: 'person-2' }, signature)).toBe(
      false,
    );
    expect(verifyDeviceCertificate(phone.publicKey, { ...subject, deviceId: 'ghost' }, signature)).toBe(
      false,
    );
    expect(
      verifyDeviceCertificate(phone.publicKey, { ...subject, identityKey: phone.publicKey }, signature),
    ).toBe(false);
    const flipped = new Uint8Array(signature);
    flipped[0]! ^= 1;
    expect(verifyDeviceCertificate(phone.publicKey, subject, flipped)).toBe(false);
    // Malformed input is just false, never a throw.
    expect(
      verifyDeviceCertificate(phone.publicKey, { ...subject, identityKey: new Uint8Array(3) }, signature),
    ).toBe(false);
    expect(verifyDeviceCertificate(phone.publicKey, { ...subject, personId: '' }, signature)).toBe(false);
  });

  it('a first device signs itself', () => {
    const phone = generateIdentity();
    const subject = { personId: 'p', deviceId: 'phone', identityKey: phone.publicKey };
    expect(verifyDeviceCertificate(phone.publicKey, subject, signDeviceCertificate(phone, subject))).toBe(
      true,
    );
  });
});
