import { randomBytes, randomUUID } from 'node:crypto';
import { toBase64Url } from '@spreekuur/protocol/common';
import { api, type Actor, type TestGateway } from './harness.ts';

/** Opaque bytes standing in for ciphertext: the server cannot tell the difference. */
export const opaque = (bytes = 64) => toBase64Url(randomBytes(bytes));

export async function publishKeys(gateway: TestGateway, actor: Actor, oneTimePrekeys = 5): Promise<void> {
  const signed = await api(gateway, actor, 'PUT', '/v1/keys/signed-prekeys', {
    signedPrekey: { id: 1, publicKey: opaque(32), signature: opaque(64) },
    kemPrekey: { id: 1, publicKey: opaque(1184), signature: opaque(64) },
  });
  if (signed.status !== 204) throw new Error(`publish keys: ${JSON.stringify(signed.body)}`);
  const prekeys = Array.from({ length: oneTimePrekeys }, (_, i) => ({ id: i + 1, publicKey: opaque(32) }));
  await api(gateway, actor, 'POST', '/v1/keys/one-time-prekeys', { prekeys });
}

export async function openDirect(
  gateway: TestGateway,
  actor: Actor,
  personId: string,
): Promise<{ id: string }> {
  const response = await api<{ id: string }>(gateway, actor, 'POST', '/v1/channels/direct', { personId });
  if (response.status !== 200) throw new Error(`open direct: ${JSON.stringify(response.body)}`);
  return response.body;
}

export async function channelDevices(
  gateway: TestGateway,
  actor: Actor,
  channelId: string,
): Promise<string[]> {
  const response = await api<{ devices: Array<{ deviceId: string }> }>(
    gateway,
    actor,
    'GET',
    `/v1/channels/${channelId}/devices`,
  );
  return response.body.devices
    .map((device) => device.deviceId)
    .filter((deviceId) => deviceId !== actor.deviceId);
}

/** A pairwise envelope for every other member device, as a client would send it. */
export async function pairwiseEnvelope(
  gateway: TestGateway,
  actor: Actor,
  channelId: string,
  clientId = randomUUID(),
) {
  const devices = await channelDevices(gateway, actor, channelId);
  return {
    channelId,
    clientId,
    kind: 'pairwise' as const,
    payloads: devices.map((deviceId) => ({ deviceId, ciphertext: opaque() })),
  };
}

export async function sendPairwise(gateway: TestGateway, actor: Actor, channelId: string) {
  const response = await api<{ seq: number }>(
    gateway,
    actor,
    'POST',
    '/v1/messages',
    await pairwiseEnvelope(gateway, actor, channelId),
  );
  if (response.status !== 200) throw new Error(`send: ${JSON.stringify(response.body)}`);
  return response.body;
}

/** Uploads `size` random bytes as a complete file in a channel. */
export async function uploadFile(gateway: TestGateway, actor: Actor, channelId: string, size = 40_000) {
  const created = await api<{ id: string; chunkSize: number }>(gateway, actor, 'POST', '/v1/files', {
    channelId,
    size,
    chunkSize: 16_384,
  });
  if (created.status !== 201) throw new Error(`create file: ${JSON.stringify(created.body)}`);
  const bytes = randomBytes(size);
  for (let index = 0; index * 16_384 < size; index++) {
    const response = await gateway.app.inject({
      method: 'PUT',
      url: `/v1/files/${created.body.id}/chunks/${index}`,
      headers: { authorization: `Bearer ${actor.token}`, 'content-type': 'application/octet-stream' },
      payload: bytes.subarray(index * 16_384, (index + 1) * 16_384),
    });
    if (response.statusCode !== 204) throw new Error(`chunk ${index}: ${response.body}`);
  }
  await api(gateway, actor, 'POST', `/v1/files/${created.body.id}/complete`);
  return { id: created.body.id, bytes };
}
