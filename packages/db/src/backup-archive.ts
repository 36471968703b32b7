/**
 * The backup file: a plain tar (POSIX ustar) of a few named files, so an operator can look
 * inside with `tar tf`. Written and read here without a dependency: only regular files, names
 * under 100 bytes, no links or folders. Reading accepts only the names the caller expects,
 * so a crafted archive cannot write anywhere else.
 */

const BLOCK = 512;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(name: string, size: number, mtime: Date): Uint8Array {
  const block = new Uint8Array(BLOCK);
  const put = (offset: number, text: string) => block.set(encoder.encode(text), offset);
  if (encoder.encode(name).length >= 100) throw new Error(`name too long for the archive: ${name}`);
  put(0, name);
  put(100, octal(0o600, 8));
  put(108, octal(0, 8));
  put(116, octal(0, 8));
  put(124, octal(size, 12));
  put(136, octal(Math.floor(mtime.getTime() / 1000), 12));
  put(148, '        ');
  put(156, '0');
  put(257, 'ustar\u000000');
  const sum = block.reduce((total, byte) => total + byte, 0);
  put(148, sum.toString(8).padStart(6, '0') + '\0 ');
  return block;
}

const padding = (size: number) => new Uint8Array((BLOCK - (size % BLOCK)) % BLOCK);

/** The archive as a sequence of chunks (headers, contents, padding), to stream or to join. */
export function* tarChunks(files: ReadonlyArray<{ name: string; data: Uint8Array }>): Generator<Uint8Array> {
  const now = new Date();
  for (const file of files) {
    yield header(file.name, file.data.length, now);
    yield file.data;
    yield padding(file.data.length);
  }
  yield new Uint8Array(BLOCK * 2);
}

/** The files of an archive by name; anything malformed or unexpected is refused. */
export function readTar(
  bytes: Uint8Array,
  allowed: ReadonlySet<string>,
): Map<string, Uint8Array<ArrayBuffer>> {
  const files = new Map<string, Uint8Array<ArrayBuffer>>();
  let offset = 0;
  while (offset + BLOCK <= bytes.length) {
    const block = bytes.subarray(offset, offset + BLOCK);
    if (block.every((byte) => byte === 0)) return files;
    const field = (start: number, length: number) =>
      decoder.decode(block.subarray(start, start + length)).replace(/\0.*$/s, '');
    const expected = Number.parseInt(field(148, 8).trim(), 8);
    const sum = block.reduce((total, byte, i) => total + (i >= 148 && i < 156 ? 32 : byte), 0);
    if (sum !== expected) throw new Error('not a Spreekuur backup (damaged archive header)');
    const name = field(0, 100);
    const size = Number.parseInt(field(124, 12).trim(), 8);
    if (!allowed.has(name) || field(156, 1) !== '0' || !Number.isSafeInteger(size))
      throw new Error(`not a Spreekuur backup (unexpected entry ${JSON.stringify(name)})`);
    const start = offset + BLOCK;
    if (start + size > bytes.length) throw new Error('not a Spreekuur backup (archive cut short)');
    files.set(name, new Uint8Array(bytes.subarray(start, start + size)));
    offset = start + size + padding(size).length;
  }
  throw new Error('not a Spreekuur backup (archive cut short)');
}
