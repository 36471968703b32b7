import { h } from 'preact';
import { t } from '../../i18n.ts';
import type { FeatureLink, FeaturePage } from '../pages.ts';
import { lazy } from './lazy.tsx';

// Both pages load their code when first opened (budget.json counts the first load only).
const ReportsPage = lazy(async () => (await import('./reports-page.tsx')).ReportsPage);
const JoinGroupPage = lazy(async () => (await import('./join-page.tsx')).JoinGroupPage);

/** The moderation feature's pages and its links on the home screen (see ../pages.ts). */
export const pages: readonly FeaturePage[] = [
  { pattern: /^\/meldingen$/, render: () => h(ReportsPage, {}) },
  { pattern: /^\/groepslink$/, render: () => h(JoinGroupPage, {}) },
];
export const links: readonly FeatureLink[] = [{ path: '/meldingen', label: () => t('moderation_reports') }];
