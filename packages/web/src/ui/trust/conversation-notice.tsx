import type { Channel } from '@spreekuur/protocol/chat';
import { lazyPage } from './lazy.tsx';
// In the first load: records new devices of contacts from the first `trust:changed` event on.
import './new-devices.ts';

const load = () => import('./conversation-trust.tsx');

/**
 * Shown at the top of a conversation (issue 14): a contact's key changed or a new device
 * appeared, with the ways on (compare safety numbers, accept). See ./conversation-trust.tsx;
 * it loads with the first conversation opened, outside the first-load budget.
 */
export const TrustNotice = lazyPage<{ channel: Channel }>(() => load().then((m) => m.TrustNotice), true);

/** "✓ Gecontroleerd" beside the contact's name in a 1:1 conversation's header. */
export const VerifiedMark = lazyPage<{ channel: Channel }>(() => load().then((m) => m.VerifiedMark), true);
