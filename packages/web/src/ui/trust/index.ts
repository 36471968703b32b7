import { h, type VNode } from 'preact';
import { t } from '../../i18n.ts';
import type { FeatureLink, FeaturePage } from '../pages.ts';
import { lazyPage } from './lazy.tsx';
import { DEVICES_PATH } from './paths.ts';

/**
 * The trust feature's pages and its link on the home screen (see ../pages.ts). The pages load
 * on first use (dynamic import), so they cost nothing in the resident's first load.
 */

const DevicesPage = lazyPage(() => import('./devices.tsx').then((m) => m.DevicesPage));
const SafetyNumberPage = lazyPage(() => import('./safety-number.tsx').then((m) => m.SafetyNumberPage));

const uuid = '[0-9a-f-]{36}';

export const pages: readonly FeaturePage[] = [
  { pattern: new RegExp(`^${DEVICES_PATH}$`), render: () => h(DevicesPage, {}) },
  {
    pattern: new RegExp(`^/veiligheidsnummer/(${uuid})/(${uuid})$`),
    render: (match) => h(SafetyNumberPage, { channelId: match[1]!, personId: match[2]! }) as VNode,
  },
];

export const links: readonly FeatureLink[] = [{ path: DEVICES_PATH, label: () => t('trust_link') }];
