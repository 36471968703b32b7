import { h } from 'preact';
import { t } from '../../i18n.ts';
import type { FeatureLink, FeaturePage } from '../pages.ts';
import { lazyPage } from './lazy.tsx';
import { PRIVACY_PATHS } from './paths.ts';

export { PRIVACY_PATHS };

const MyData = lazyPage(() => import('./my-data.tsx'));
const Backup = lazyPage(() => import('./backup.tsx'));
const Retention = lazyPage(() => import('./retention-settings.tsx'));
const Audit = lazyPage(() => import('./audit-log.tsx'));
const Erase = lazyPage(() => import('./erase-person.tsx'));

/** The privacy feature's pages and its links on the home screen (see ../pages.ts). */
export const pages: readonly FeaturePage[] = [
  { pattern: /^\/mijn-gegevens$/, render: () => h(MyData, {}) },
  { pattern: /^\/back-up$/, render: () => h(Backup, {}) },
  { pattern: /^\/beheer\/bewaren$/, render: () => h(Retention, {}) },
  { pattern: /^\/beheer\/logboek$/, render: () => h(Audit, {}) },
  {
    pattern: /^\/beheer\/wissen\/([0-9a-f-]{36})$/,
    render: () => h(Erase, {}),
  },
];

export const links: readonly FeatureLink[] = [
  { path: PRIVACY_PATHS.myData, label: () => t('privacy_myData') },
  { path: PRIVACY_PATHS.backup, label: () => t('privacy_backup') },
  { path: PRIVACY_PATHS.retention, label: () => t('privacy_retention'), roles: ['admin'] },
  { path: PRIVACY_PATHS.audit, label: () => t('privacy_audit'), roles: ['admin'] },
];
