import { h } from 'preact';
import { t } from '../../i18n.ts';
import type { FeatureLink, FeaturePage } from '../pages.ts';
import { lazy } from './lazy.tsx';

// The pages load their code when first opened (budget.json counts the first load only).
const ReportsPage = lazy(async () => (await import('./reports-page.tsx')).ReportsPage);
const JoinGroupPage = lazy(async () => (await import('./join-page.tsx')).JoinGroupPage);
const ReportOverviewPage = lazy(async () => (await import('./overview-page.tsx')).ReportOverviewPage);

/** The moderation feature's pages and its links on the home screen (see ../pages.ts). */
export const pages: readonly FeaturePage[] = [
  { pattern: /^\/meldingen$/, render: () => h(ReportsPage, {}) },
  { pattern: /^\/groepslink$/, render: () => h(JoinGroupPage, {}) },
  { pattern: /^\/meldingen\/overzicht$/, render: () => h(ReportOverviewPage, {}) },
];
export const links: readonly FeatureLink[] = [
  { path: '/meldingen', label: () => t('moderation_reports') },
  { path: '/meldingen/overzicht', label: () => t('moderation_overviewLink'), roles: ['admin'] },
];
