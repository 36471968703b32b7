/**
 * `pnpm --filter @spreekuur/crypto bench`: throughput of the crypto core on this machine.
 * Prints a table and a Markdown block for docs/benchmarks.md. Each figure is the median of
 * several timed rounds after a warm-up round.
 */
import { cpus, totalmem } from 'node:os';
import { AttachmentDecryptor, AttachmentEncryptor } from '../src/attachments.ts';
import { generateIdentity } from '../src/identity.ts';
import {
  generateKemPreKey,
  generateOneTimePreKeys,
  generatePreKeys,
  generateSignedPreKey,
  preKeyLookup,
} from '../src/prekeys.ts';
import { computeSafetyNumber } from '../src/safety-number.ts';
import { createSenderKey, InboundSenderKeys } from '../src/sender-keys.ts';
import { acceptSession, initiateSession, type Session } from '../src/session.ts';
import { ready, sodium } from '../src/sodium.ts';

await ready();

interface Row {
  name: string;
  value: string;
  detail: string;
}
const rows: Row[] = [];

/** Median seconds per call of `fn`, timed over `rounds` rounds of `n` calls after one warm-up round. */
function time(n: number, fn: (i: number) => void, rounds = 5): number {
  for (let i = 0; i < Math.min(n, 50); i++) fn(i);
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (let i = 0; i < n; i++) fn(i);
    samples.push((performance.now() - start) / 1000 / n);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

const perSecond = (seconds: number): string => Math.round(1 / seconds).toLocaleString('en-US');
const micros = (seconds: number): string => `${(seconds * 1e6).toFixed(0)} µs`;
const millis = (seconds: number): string => `${(seconds * 1e3).toFixed(2)} ms`;

// ---- Keys --------------------------------------------------------------------------------------

const bob = generateIdentity();
rows.push({
  name: 'Identity key generation',
  value: `${perSecond(time(500, () => generateIdentity()))} /s`,
  detail: 'Ed25519',
});
rows.push({
  name: 'Prekey refill (signed + ML-KEM + 100 one-time)',
  value: millis(
    time(
      20,
      () => {
        generateSignedPreKey(bob, 1);
        generateKemPreKey(bob, 1);
        generateOneTimePreKeys(1, 100);
      },
      3,
    ),
  ),
  detail: 'per refill, incl. 2 signatures',
});

// ---- Session setup -----------------------------------------------------------------------------

const alice = generateIdentity();
const { upload, privateKeys } = generatePreKeys(bob, {
  signedPreKeyId: 1,
  kemPreKeyId: 1,
  firstOneTimePreKeyId: 1,
  oneTimePreKeyCount: 1,
});
const lookup = preKeyLookup(privateKeys);
const bundle = {
  identityKey: upload.identityKey,
  signedPreKey: upload.signedPreKey,
  kemPreKey: upload.kemPreKey,
  oneTimePreKey: upload.oneTimePreKeys[0],
};
const hello = new Uint8Array(100);
const setup = time(300, () => {
  const a = initiateSession(alice, bundle);
  acceptSession(bob, lookup, a.encrypt(hello));
});
const initiatorOnly = time(300, () => initiateSession(alice, bundle).encrypt(hello));
const firstMessages = Array.from({ length: 350 }, () => initiateSession(alice, bundle).encrypt(hello));
const responderOnly = time(300, (i) => acceptSession(bob, lookup, firstMessages[i % firstMessages.length]!));
rows.push({
  name: 'Session setup (PQXDH, both sides)',
  value: `${perSecond(setup)} /s`,
  detail: `${millis(setup)}: initiator ${millis(initiatorOnly)} (verify 2 sigs, 4 DH, ML-KEM encaps), responder ${millis(responderOnly)}`,
});

// ---- 1:1 messages ------------------------------------------------------------------------------

function pair(): { a: Session; b: Session } {
  const a = initiateSession(alice, bundle);
  const { session: b } = acceptSession(bob, lookup, a.encrypt(hello));
  a.decrypt(b.encrypt(hello));
  return { a, b };
}
const message = sodium().randombytes_buf(100);
{
  const { a, b } = pair();
  const oneWay = time(5000, () => b.decrypt(a.encrypt(message)));
  rows.push({
    name: '1:1 encrypt+decrypt, 100 B, same sender',
    value: `${perSecond(oneWay)} /s`,
    detail: `${micros(oneWay)} (symmetric ratchet)`,
  });
}
{
  const { a, b } = pair();
  const alternating = time(1000, (i) =>
    i % 2 === 0 ? b.decrypt(a.encrypt(message)) : a.decrypt(b.encrypt(message)),
  );
  rows.push({
    name: '1:1 encrypt+decrypt, 100 B, alternating',
    value: `${perSecond(alternating)} /s`,
    detail: `${micros(alternating)} (a DH ratchet step on every message)`,
  });
}
{
  const { a, b } = pair();
  const state = time(500, () => b.serialize());
  rows.push({
    name: 'Session serialize (persist)',
    value: micros(state),
    detail: `${b.serialize().length} bytes of JSON`,
  });
  void a;
}

// ---- Groups ------------------------------------------------------------------------------------

for (const size of [10, 100]) {
  const group = `bench-${size}`;
  const sender = createSenderKey(group);
  // One encrypt + one signature, whatever the size: the server fans the same bytes out.
  const send = time(2000, () => sender.encrypt(message));
  const inboxes = Array.from({ length: size - 1 }, () => new InboundSenderKeys(group));
  for (const inbox of inboxes) inbox.importDistribution('sender', sender.distributionMessage());
  const received = Array.from({ length: 20 }, () => sender.encrypt(message));
  const receiveStart = performance.now();
  for (const m of received) for (const inbox of inboxes) inbox.decrypt(m);
  const receive = (performance.now() - receiveStart) / 1000 / received.length;
  // Rotation after a member leaves: a new sender key, its distribution to every other member over pairwise sessions.
  const sessions = Array.from({ length: size - 1 }, () => pair().a);
  const rotate = time(
    3,
    () => {
      const fresh = createSenderKey(group);
      const distribution = fresh.distributionMessage();
      for (const s of sessions) s.encrypt(distribution);
    },
    3,
  );
  rows.push({
    name: `Group of ${size}: send one message`,
    value: micros(send),
    detail: `1 encrypt + 1 signature whatever the size (the server fans out one ciphertext); each receiver ${micros(receive / (size - 1))} to verify + decrypt`,
  });
  rows.push({
    name: `Group of ${size}: rotate sender key`,
    value: millis(rotate),
    detail: `new key + ${size - 1} pairwise-encrypted distribution messages`,
  });
}

// ---- Attachments -------------------------------------------------------------------------------

const FILE = 25 * 1024 * 1024;
const piece = sodium().randombytes_buf(64 * 1024);
const encryptFile = (): { ciphertext: Uint8Array[]; encryptor: AttachmentEncryptor } => {
  const encryptor = new AttachmentEncryptor();
  const ciphertext: Uint8Array[] = [];
  for (let offset = 0; offset < FILE; offset += piece.length) ciphertext.push(...encryptor.push(piece));
  ciphertext.push(...encryptor.finish());
  return { ciphertext, encryptor };
};
const enc = time(1, () => encryptFile(), 3);
const { ciphertext, encryptor } = encryptFile();
const dec = time(
  1,
  () => {
    const decryptor = new AttachmentDecryptor(encryptor.descriptor);
    for (const c of ciphertext) decryptor.push(c);
    decryptor.finish();
  },
  3,
);
const mbps = (seconds: number): string => `${(FILE / 1e6 / seconds).toFixed(0)} MB/s`;
rows.push({
  name: 'Attachment encrypt (25 MiB, 64 KiB chunks)',
  value: mbps(enc),
  detail: `${millis(enc)} incl. BLAKE2b hash`,
});
rows.push({
  name: 'Attachment decrypt (25 MiB, 64 KiB chunks)',
  value: mbps(dec),
  detail: `${millis(dec)} incl. hash check`,
});

// ---- Safety numbers ----------------------------------------------------------------------------

const safety = time(
  20,
  () =>
    computeSafetyNumber({ id: 'a', identityKey: alice.publicKey }, { id: 'b', identityKey: bob.publicKey }),
  3,
);
rows.push({ name: 'Safety number', value: millis(safety), detail: '2 × 5200 BLAKE2b-512 iterations' });

// ---- Output ------------------------------------------------------------------------------------

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const machine = `${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, libsodium ${sodium().SODIUM_VERSION_STRING} (libsodium-wrappers, WebAssembly)`;
const width = Math.max(...rows.map((r) => r.name.length));
console.log(`\n@spreekuur/crypto benchmark — ${machine}\n`);
for (const r of rows) console.log(`${r.name.padEnd(width)}  ${r.value.padStart(12)}  ${r.detail}`);
console.log('\nMarkdown:\n');
console.log('| Operation | Result | Notes |\n| --- | ---: | --- |');
for (const r of rows) console.log(`| ${r.name} | ${r.value} | ${r.detail} |`);
