import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  EncryptedStore,
  MemoryStore,
  OperatorClient,
  SpreekuurClient,
  isSpreekuurError,
  type KeyValueStore,
} from '@spreekuur/client';
import { FileLockedError, JsonFileStore } from '@spreekuur/client/json-file-store';
import { membershipNotice } from './commands/moderation.ts';
import { trustNotice } from './commands/trust.ts';
import { askHidden } from './hidden-prompt.ts';
import type { Lang } from './i18n.ts';

/**
 * Exit codes (documented in the README): scripts can tell a refusal from a typing mistake,
 * a server that is down, or a profile another process is using.
 */
export const exitCodes = {
  ok: 0,
  /** The server refused (its error code is printed), or the command failed. */
  failed: 1,
  /** Wrong use: unknown command or option, a missing or malformed argument. */
  usage: 64,
  /** This profile holds no device yet (run `register`), or a file to read is missing. */
  noInput: 66,
  /** The server cannot be reached. */
  unreachable: 69,
  /** Another process holds this profile (the message names it). */
  locked: 75,
  /** The profile is protected with a PIN, and the PIN is missing or wrong (nothing was read). */
  noPermission: 77,
} as const;

/** Shortest PIN accepted for a new profile PIN. */
const MIN_PIN = 4;

/** A failure to show the person at the terminal: already phrased, no stack trace. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = exitCodes.failed,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface Globals {
  server: string | undefined;
  profile: string;
  lang: Lang;
  json: boolean;
  /** How long to wait for a profile another short command is using. */
  waitSeconds: number;
  token: string | undefined;
  dataDir: string;
  /** The profile's PIN from SPREEKUUR_PIN (otherwise asked on the terminal when needed). */
  pin: string | undefined;
}

const REMEMBERED_SERVER = 'cli/serverUrl';

/**
 * What a command runs with: the chosen language, output, and — opened on first use and closed
 * afterwards — this profile's device (under the profile lock) or the operator client.
 */
export class Context {
  private store: JsonFileStore | null = null;
  /** The profile's state as the SDK sees it: the file itself, or decrypted with the PIN. */
  private opened: KeyValueStore | null = null;
  private client: SpreekuurClient | null = null;
  private connectedClient = false;
  /** The server the device talks to, once known (for "cannot reach …"). */
  serverUrl: string | undefined;

  constructor(
    readonly globals: Globals,
    /** The command, as named in lock messages (`follow`, `send`). */
    readonly purpose: string,
    readonly print: (line: string) => void,
  ) {
    this.serverUrl = globals.server;
  }

  get lang(): Lang {
    return this.globals.lang;
  }

  /** Dutch or English, whichever the person chose. */
  say(nl: string, en: string): string {
    return this.lang === 'nl' ? nl : en;
  }

  /** The profile, locked for this process: read only after the lock is ours. */
  async profile(): Promise<JsonFileStore> {
    if (this.store) return this.store;
    const path = this.globals.profile;
    try {
      this.store = await JsonFileStore.openExclusive(path, { purpose: this.purpose });
    } catch (error) {
      if (!(error instanceof FileLockedError)) throw error;
      // `follow` holds a profile until it is stopped: waiting would not help.
      if (error.holder?.purpose === 'follow' || this.globals.waitSeconds === 0) throw this.locked(error);
      try {
        this.store = await JsonFileStore.openExclusive(path, {
          purpose: this.purpose,
          waitMs: this.globals.waitSeconds * 1000,
        });
      } catch (again) {
        throw again instanceof FileLockedError ? this.locked(again, this.globals.waitSeconds) : again;
      }
    }
    return this.store;
  }

  /**
   * The profile's state under the lock: the file, or — when it is protected with a PIN — the
   * same file through EncryptedStore (the PIN from SPREEKUUR_PIN or asked on the terminal).
   * A missing or wrong PIN is refused before anything is read or written.
   */
  async state(): Promise<KeyValueStore> {
    if (this.opened) return this.opened;
    const file = await this.profile();
    if (!(await EncryptedStore.isEncrypted(file))) return (this.opened = file);
    const pin =
      this.globals.pin ??
      (await askHidden(
        this.say(`Pincode voor ${this.globals.profile}: `, `PIN for ${this.globals.profile}: `),
      ));
    if (!pin)
      throw new CliError(
        this.say(
          `Dit profiel (${this.globals.profile}) is beveiligd met een pincode. Zet SPREEKUUR_PIN, of start de opdracht in een terminal om hem in te typen.`,
          `This profile (${this.globals.profile}) is protected with a PIN. Set SPREEKUUR_PIN, or run the command in a terminal to type it.`,
        ),
        exitCodes.noPermission,
        'ERR_CLIENT_LOCKED',
      );
    try {
      this.opened = await EncryptedStore.withPassphrase(file, pin);
    } catch (error) {
      if (!isSpreekuurError(error, 'ERR_CLIENT_LOCKED')) throw error;
      throw new CliError(
        this.say(
          `Verkeerde pincode voor ${this.globals.profile}; er is niets gelezen of veranderd.`,
          `Wrong PIN for ${this.globals.profile}; nothing was read or changed.`,
        ),
        exitCodes.noPermission,
        'ERR_CLIENT_LOCKED',
      );
    }
    return this.opened;
  }

  /** A new PIN for this profile: SPREEKUUR_PIN, or typed twice on the terminal. */
  async newPin(): Promise<string> {
    let pin = this.globals.pin;
    if (pin === undefined) {
      const first = await askHidden(this.say('Nieuwe pincode: ', 'New PIN: '));
      const again = first ? await askHidden(this.say('Nog een keer: ', 'Once more: ')) : null;
      if (!first)
        throw new CliError(
          this.say(
            'Geen pincode: zet SPREEKUUR_PIN, of start de opdracht in een terminal om hem in te typen.',
            'No PIN: set SPREEKUUR_PIN, or run the command in a terminal to type it.',
          ),
          exitCodes.usage,
        );
      if (first !== again)
        throw new CliError(
          this.say(
            'De pincodes verschillen; er is niets veranderd.',
            'The PINs differ; nothing was changed.',
          ),
          exitCodes.usage,
        );
      pin = first;
    }
    if (pin.length < MIN_PIN)
      throw new CliError(
        this.say(
          `Een pincode heeft minstens ${MIN_PIN} tekens.`,
          `A PIN has at least ${MIN_PIN} characters.`,
        ),
        exitCodes.usage,
      );
    return pin;
  }

  /** Protects the (empty) profile with a new PIN: what `register --pin` writes through. */
  async encryptNew(pin: string): Promise<KeyValueStore> {
    this.opened = await EncryptedStore.withPassphrase(await this.profile(), pin);
    return this.opened;
  }

  /**
   * Encrypts an existing plain profile in place, in one write of the file (all or nothing),
   * under the lock this process holds. Returns how many values were sealed.
   */
  async encryptExisting(pin: string): Promise<number> {
    const file = await this.profile();
    const staging = new MemoryStore();
    const sealed = await EncryptedStore.withPassphrase(staging, pin);
    const keys = await file.keys('');
    for (const key of keys) await sealed.set(key, await file.get(key));
    const data: Record<string, unknown> = {};
    for (const key of await staging.keys('')) data[key] = await staging.get(key);
    await file.replace(data);
    this.opened = null;
    return keys.length;
  }

  private locked(error: FileLockedError, waited?: number): CliError {
    const holder = error.holder;
    const who = holder
      ? `\`${holder.purpose}\`, pid ${holder.pid}${holder.host ? ` (${holder.host})` : ''}`
      : this.say('een ander proces', 'another process');
    const path = this.globals.profile;
    const message =
      holder?.purpose === 'follow'
        ? this.say(
            `Dit profiel (${path}) is in gebruik door ${who}: typ je bericht in dat venster, of stop het eerst (Ctrl-C).`,
            `This profile (${path}) is in use by ${who}: type your message in that window, or stop it first (Ctrl-C).`,
          )
        : this.say(
            `Dit profiel (${path}) is in gebruik door ${who}${waited ? `; ${waited} s gewacht` : ''}. Probeer het zo opnieuw, of geef --wait <seconden>.`,
            `This profile (${path}) is in use by ${who}${waited ? `; waited ${waited} s` : ''}. Try again shortly, or pass --wait <seconds>.`,
          );
    return new CliError(message, exitCodes.locked, 'ERR_CLIENT_PROFILE_LOCKED');
  }

  /** This profile's device, signed in on first call (no live connection). */
  async device(): Promise<SpreekuurClient> {
    if (this.client) return this.client;
    const store = await this.state();
    const remembered = this.globals.server ?? (await store.get<string>(REMEMBERED_SERVER));
    this.serverUrl =
      remembered ?? (await store.get<{ serverUrl?: string }>('account'))?.serverUrl ?? this.serverUrl;
    try {
      this.client = await SpreekuurClient.open({
        store,
        locale: this.lang,
        ...(remembered ? { serverUrl: remembered } : {}),
      });
    } catch (error) {
      if (isSpreekuurError(error, 'ERR_CLIENT_NOT_REGISTERED'))
        throw new CliError(
          this.say(
            `Dit apparaat is nog niet gekoppeld (${this.globals.profile}). Gebruik eerst: spreekuur register --invite <code> --name <naam>`,
            `This device is not linked yet (${this.globals.profile}). First run: spreekuur register --invite <code> --name <name>`,
          ),
          exitCodes.noInput,
          'ERR_CLIENT_NOT_REGISTERED',
        );
      throw error;
    }
    // A changed key or a new device of a contact is said at once, whatever the command.
    this.client.on('trust:changed', (change) => {
      if (!this.globals.json) this.print(trustNotice(this, change));
      else if (this.purpose === 'follow') this.print(JSON.stringify({ event: 'trust:changed', ...change }));
    });
    // So is a group member added without an owner's or moderator's signature (SPEC §13.5).
    this.client.on('membership:unverified', (addition) => {
      if (!this.globals.json) this.print(membershipNotice(this, addition));
      else if (this.purpose === 'follow')
        this.print(JSON.stringify({ event: 'membership:unverified', ...addition }));
    });
    // An address given once is remembered: after a port change one `--server` is enough.
    if (this.globals.server && this.globals.server !== (await store.get<string>(REMEMBERED_SERVER)))
      await store.set(REMEMBERED_SERVER, this.globals.server);
    return this.client;
  }

  /** The device with its live connection: caught up, sending what was waiting. */
  async connected(): Promise<SpreekuurClient> {
    const client = await this.device();
    if (!this.connectedClient) {
      await client.connect();
      // Caught up before the command acts: what the log holds (a ⚠ about a member) prints first.
      await client.settled();
      this.connectedClient = true;
    }
    return client;
  }

  /** Deployment-wide calls with the operator token (`--token`, OPERATOR_TOKEN or DATA_DIR/operator-token). */
  async operator(): Promise<OperatorClient> {
    const server = (this.globals.server ?? process.env.SPREEKUUR_URL ?? 'http://localhost:8080').replace(
      /\/+$/,
      '',
    );
    this.serverUrl = server;
    return new OperatorClient({
      serverUrl: server,
      operatorToken: await this.operatorToken(),
      locale: this.lang,
    });
  }

  private async operatorToken(): Promise<string> {
    if (this.globals.token) return this.globals.token;
    if (process.env.OPERATOR_TOKEN) return process.env.OPERATOR_TOKEN;
    const file = join(this.globals.dataDir, 'operator-token');
    try {
      return (await readFile(file, 'utf8')).trim();
    } catch {
      throw new CliError(
        this.say(
          `Geen beheerderssleutel gevonden. Zet OPERATOR_TOKEN, geef --token, of start de server eerst (die maakt ${file}).`,
          `No operator token found. Set OPERATOR_TOKEN, pass --token, or start the server first (it creates ${file}).`,
        ),
        exitCodes.noInput,
      );
    }
  }

  /** The team a command is about: the one given, or the caller's only team. */
  async team(explicit: string | undefined): Promise<string> {
    if (explicit) return explicit;
    const me = await (await this.device()).me();
    if (me.person.teamIds.length === 1) return me.person.teamIds[0]!;
    throw new CliError(
      me.person.teamIds.length === 0
        ? this.say('Je zit nog in geen team; geef --team <id>.', 'You are in no team yet; pass --team <id>.')
        : this.say(
            `Je zit in ${me.person.teamIds.length} teams; kies er een met --team <id> (zie: spreekuur team list).`,
            `You are in ${me.person.teamIds.length} teams; choose one with --team <id> (see: spreekuur team list).`,
          ),
      exitCodes.usage,
    );
  }

  /** Closes the device (last receipts go out) and lets go of the profile. */
  async close(): Promise<void> {
    await this.client?.close().catch(() => undefined);
    if (this.opened instanceof EncryptedStore) this.opened.lock();
    await this.store?.close();
    this.client = null;
    this.store = null;
    this.opened = null;
  }
}
