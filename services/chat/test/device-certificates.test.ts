import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '@spreekuur/testing/http';
import { cast, linkDevice, startChat, type ErrorBody, type TestChat } from './fixtures.ts';

/** Device certificates (issue 14, packages/crypto SPEC §13.2): stored as signed, only for one's own devices. */
let chat: TestChat;
beforeAll(async () => {
  chat = await startChat();
});
afterAll(() => chat.close());

const signature = () => randomBytes(64).toString('base64url');
type Certificates = { certificates: Array<{ deviceId: string; signerDeviceId: string; signature: string }> };

describe('device certificates', () => {
  it("a device vouches for itself and for its person's linked device; others can fetch both", async () => {
    const { worker, resident } = await cast(chat, 'certs');
    const tablet = await linkDevice(chat, resident);
    const self = signature();
    const approval = signature();
    expect(
      (
        await api(chat, resident, 'PUT', '/v1/keys/certificates', {
          deviceId: resident.deviceId,
          signature: self,
        })
      ).status,
    ).toBe(204);
    // The tablet signs itself first; the phone's approval replaces that, and a later self-signature does not undo it.
    await api(chat, tablet, 'PUT', '/v1/keys/certificates', {
      deviceId: tablet.deviceId,
      signature: signature(),
    });
    expect(
      (
        await api(chat, resident, 'PUT', '/v1/keys/certificates', {
          deviceId: tablet.deviceId,
          signature: approval,
        })
      ).status,
    ).toBe(204);
    await api(chat, tablet, 'PUT', '/v1/keys/certificates', {
      deviceId: tablet.deviceId,
      signature: signature(),
    });

    const { body } = await api<Certificates>(chat, worker, 'POST', '/v1/keys/certificates/query', {
      deviceIds: [resident.deviceId, tablet.deviceId, worker.deviceId],
    });
    expect(body.certificates.sort((a, b) => a.deviceId.localeCompare(b.deviceId))).toEqual(
      [
        { deviceId: resident.deviceId, signerDeviceId: resident.deviceId, signature: self },
        { deviceId: tablet.deviceId, signerDeviceId: resident.deviceId, signature: approval },
      ].sort((a, b) => a.deviceId.localeCompare(b.deviceId)),
    );
  });

  it("nobody vouches for another person's device, nor sends a malformed signature", async () => {
    const { worker, resident } = await cast(chat, 'certs-refused');
    const other = await api<ErrorBody>(chat, worker, 'PUT', '/v1/keys/certificates', {
      deviceId: resident.deviceId,
      signature: signature(),
    });
    expect([other.status, other.body.error.code]).toEqual([404, 'ERR_NOT_FOUND']);
    const short = await api<ErrorBody>(chat, resident, 'PUT', '/v1/keys/certificates', {
      deviceId: resident.deviceId,
      signature: randomBytes(10).toString('base64url'),
    });
    expect([short.status, short.body.error.code]).toEqual([400, 'ERR_BAD_REQUEST']);
    const extra = await api<ErrorBody>(chat, resident, 'PUT', '/v1/keys/certificates', {
      deviceId: resident.deviceId,
      signature: signature(),
      signerDeviceId: worker.deviceId,
    });
    expect(extra.status).toBe(400);
    const { body } = await api<Certificates>(chat, worker, 'POST', '/v1/keys/certificates/query', {
      deviceIds: [resident.deviceId],
    });
    expect(body.certificates).toEqual([]);
  });
});
