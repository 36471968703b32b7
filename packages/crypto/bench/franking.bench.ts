/**
 * Message franking primitives (SPEC §14): µs per operation on this machine.
 *   pnpm --filter @spreekuur/crypto exec tsx bench/franking.bench.ts
 */
import { utf8Encode } from '../src/encoding.ts';
import {
  frankingCommitment,
  newFrankingKey,
  openReveal,
  sealReveal,
  serverOpening,
  verifyFranking,
} from '../src/franking.ts';
import { generateIdentity } from '../src/identity.ts';
import { ready } from '../src/ready.ts';

await ready();
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5000);
const plaintext = utf8Encode(JSON.stringify({ v: 2, text: 'x'.repeat(500) }));
const key = newFrankingKey();
const commitment = frankingCommitment(key, plaintext);
const moderator = generateIdentity();
const sealed = sealReveal(moderator.publicKey, { frankingKey: key, plaintext, note: 'notitie' });

function time(name: string, run: () => unknown, rounds = ROUNDS) {
  for (let i = 0; i < rounds / 10; i++) run();
  const started = performance.now();
  for (let i = 0; i < rounds; i++) run();
  console.log(`${name.padEnd(38)} ${(((performance.now() - started) / rounds) * 1000).toFixed(1)} µs`);
}

console.log(`franking, ${plaintext.length}-byte plaintext, ${ROUNDS} rounds`);
time('commit (sender)', () => frankingCommitment(key, plaintext));
time('verify (recipient, moderator)', () => verifyFranking(commitment, key, plaintext));
time('server opening (reporter)', () => serverOpening(key, plaintext));
time(
  'seal reveal (reporter, per device)',
  () => sealReveal(moderator.publicKey, { frankingKey: key, plaintext, note: '' }),
  1000,
);
time('open reveal (moderator)', () => openReveal(moderator, sealed), 1000);
