/**
 * Runs in Chromium: a real SDK device, bundled by esbuild, against a real gateway (same
 * origin). It registers with an invite, talks end to end with a Node peer, and receives a
 * file. The runner reads the outcome from `window.__sdkResult`.
 */
import { MemoryStore, SpreekuurClient, type ChatMessage } from '../../src/index.ts';

interface Params {
  inviteCode: string;
  peerPersonId: string;
}

declare global {
  interface Window {
    __sdkResult?: { ok: boolean; steps: string[]; error?: string };
  }
}

const steps: string[] = [];
const step = (text: string) => {
  steps.push(text);
  console.log(text);
};
const params = JSON.parse(decodeURIComponent(location.hash.slice(1))) as Params;

async function main() {
  step('registering');
  const client = await SpreekuurClient.register({
    serverUrl: location.origin,
    store: new MemoryStore(),
    inviteCode: params.inviteCode,
    displayName: 'Browserbewoner',
    deviceName: 'Chromium',
  });
  step('registered; connecting');
  await client.connect();
  step(`registered and connected as ${client.account.personId}`);
  const received: ChatMessage[] = [];
  const arrived = (predicate: (message: ChatMessage) => boolean) =>
    new Promise<ChatMessage>((resolve) => {
      const check = (message: ChatMessage) => {
        if (predicate(message)) resolve(message);
      };
      received.forEach(check);
      client.on('message', check);
    });
  client.on('message', (message) => received.push(message));

  const channel = await client.openDirect(params.peerPersonId);
  await client.sendText(channel.id, 'Hallo vanuit de browser');
  step('sent a text');
  const reply = await arrived((m) => !m.own && m.content?.type === 'text');
  step(`received: ${reply.content?.type === 'text' ? reply.content.text : '?'}`);
  const file = await arrived((m) => !m.own && m.content?.type === 'file');
  if (file.content?.type !== 'file') throw new Error('no file');
  const bytes = await client.downloadFile(file.content);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  step(
    `file ${file.content.name}: ${bytes.length} bytes, sha256 ${[...digest].map((b) => b.toString(16).padStart(2, '0')).join('')}`,
  );
  const upload = new Blob([new Uint8Array(300_000).fill(7)], { type: 'image/png' });
  await client.sendFile(channel.id, upload, { name: 'foto.png', mimeType: 'image/png' });
  step('sent a Blob as a file');
  await client.close();
}

main().then(
  () => (window.__sdkResult = { ok: true, steps }),
  (error: unknown) =>
    (window.__sdkResult = { ok: false, steps, error: String((error as Error).stack ?? error) }),
);
