import { z } from 'zod';
import { identityEndpoints, trustPolicy } from '@spreekuur/protocol/identity';
import type { TrustPolicy } from '../crypto/trust-store.ts';
import { SpreekuurError } from '../errors.ts';
import type { HttpClient } from '../http.ts';
import type { KeyValueStore } from '../storage/key-value-store.ts';

/** What this device follows, and what its organisation's server says now (SPEC §13.8). */
export interface TrustPolicyState {
  /** What this device does on a contact's changed key or new device. */
  policy: TrustPolicy;
  /** The server's latest answer (`null`: not read yet, or the app chose the policy). */
  organisation: TrustPolicy | null;
  /** The server offers `warn` but this device stays `block` until its person agrees. */
  offered: TrustPolicy | null;
  /** The app passed `trustPolicy`: the organisation's setting is not read. */
  explicit: boolean;
}

const stored = z.object({ policy: trustPolicy, offered: trustPolicy.nullable() });
type Stored = z.infer<typeof stored>;
const KEY = 'trust-policy';

/**
 * The ratchet of SPEC §13.8, pure: the first answer is taken, `block` is taken at once, and
 * `warn` after `block` is only an offer (the device stays `block`).
 */
function nextPolicy(before: Stored | null, organisation: TrustPolicy): Stored {
  if (!before || organisation === 'block') return { policy: organisation, offered: null };
  if (before.policy === 'warn') return { policy: 'warn', offered: null };
  return { policy: 'block', offered: 'warn' };
}

/**
 * The trust policy this device follows: the app's `trustPolicy` if it passed one, otherwise
 * the organisation's setting as the device has come to hold it (SPEC §13.8). `current` is read
 * at each trust change; `refresh` reads the server's setting (on every connect).
 */
export class DeviceTrustPolicy {
  private held: Stored | null = null;
  private organisation: TrustPolicy | null = null;

  constructor(
    private readonly store: KeyValueStore,
    private readonly http: HttpClient,
    private readonly explicit: TrustPolicy | undefined,
    private readonly changed: (state: TrustPolicyState) => void,
  ) {}

  current(): TrustPolicy {
    return this.explicit ?? this.held?.policy ?? 'block';
  }

  state(): TrustPolicyState {
    return {
      policy: this.current(),
      organisation: this.explicit ? null : this.organisation,
      offered: this.explicit ? null : (this.held?.offered ?? null),
      explicit: this.explicit !== undefined,
    };
  }

  /** Loads what this device holds; reads the organisation's setting unless the app chose. */
  async refresh(): Promise<TrustPolicyState> {
    if (this.explicit) return this.state();
    const before = await this.load();
    let organisation: TrustPolicy;
    try {
      organisation = (await this.http.call(identityEndpoints.organisationSettings)).trustPolicy;
    } catch {
      // Unreachable, refused or malformed: keep what is held (`block` when nothing is).
      return this.state();
    }
    this.organisation = organisation;
    const after = nextPolicy(before, organisation);
    if (before?.policy !== after.policy || before.offered !== after.offered) {
      await this.store.set(KEY, after);
      this.held = after;
      this.changed(this.state());
    }
    return this.state();
  }

  /** The person agrees to the `warn` their organisation offers (the only way down from `block`). */
  async follow(): Promise<TrustPolicyState> {
    if (this.explicit)
      throw new SpreekuurError('ERR_CONFLICT', 'the app chose the trust policy of this device');
    await this.refresh();
    if (this.held?.offered === 'warn' && this.organisation === 'warn') {
      this.held = { policy: 'warn', offered: null };
      await this.store.set(KEY, this.held);
      this.changed(this.state());
    }
    return this.state();
  }

  private async load(): Promise<Stored | null> {
    const parsed = stored.safeParse(await this.store.get<unknown>(KEY));
    this.held = parsed.success ? parsed.data : null;
    return this.held;
  }
}
