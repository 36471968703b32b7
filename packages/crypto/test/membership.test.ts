import { beforeAll, describe, expect, it } from 'vitest';
import { generateIdentity } from '../src/identity.ts';
import { signMembershipAddition, verifyMembershipAddition } from '../src/membership.ts';
import { deterministicRng } from '../src/random.ts';
import { ready } from '../src/ready.ts';

beforeAll(() => ready());

// SPEC §13.5: an owner's or moderator's device signs whom it adds, where, as what, and when.
describe('signed membership additions', () => {
  it('verify only for the exact channel, person, role, actor and position that were signed', () => {
    const rng = deterministicRng('membership');
    const owner = generateIdentity({ rng });
    const other = generateIdentity({ rng });
    const addition = {
      channelId: 'groep',
      personId: 'carol',
      role: 'member' as const,
      actorPersonId: 'anna',
      actorDeviceId: 'anna-phone',
      afterSeq: 7,
    };
    const signature = signMembershipAddition(owner, addition);
    expect(verifyMembershipAddition(owner.publicKey, addition, signature)).toBe(true);
    expect(verifyMembershipAddition(other.publicKey, addition, signature)).toBe(false);
    for (const changed of [
      { channelId: 'andere-groep' },
      { personId: 'eve' },
      { role: 'moderator' as const },
      { actorPersonId: 'bert' },
      { actorDeviceId: 'anna-laptop' },
      { afterSeq: 8 },
    ])
      expect(verifyMembershipAddition(owner.publicKey, { ...addition, ...changed }, signature)).toBe(false);
    const flipped = new Uint8Array(signature);
    flipped[10]! ^= 1;
    expect(verifyMembershipAddition(owner.publicKey, addition, flipped)).toBe(false);
    // Malformed input is just false, never a throw.
    expect(verifyMembershipAddition(owner.publicKey, { ...addition, afterSeq: -1 }, signature)).toBe(false);
    expect(verifyMembershipAddition(owner.publicKey, { ...addition, channelId: '' }, signature)).toBe(false);
    expect(verifyMembershipAddition(new Uint8Array(3), addition, signature)).toBe(false);
  });
});
