import { h } from 'preact';
import type { FeatureLink, FeaturePage } from '../pages.ts';
import { t } from '../../i18n.ts';
import { OfficeHoursEditor } from './office-hours-editor.tsx';
import { OrganisationSettings } from './organisation-settings.tsx';
import { PrintInvite } from './print-invite.tsx';
import { lazyPage } from '../trust/lazy.tsx';

const HOURS_PATH = '/werkplek/openingstijden';
const ORGANISATION_PATH = '/beheer/organisatie';
const VERIFICATION_PATH = '/werkplek/gevoelig-team';
/** Loads on first use (workers and admins only), outside what a resident's browser fetches. */
const TeamVerification = lazyPage(() => import('./team-verification.tsx').then((m) => m.TeamVerification));

/** The worker feature's pages and its links on the home screen (see ../pages.ts). */
export const pages: readonly FeaturePage[] = [
  { pattern: /^\/werkplek\/openingstijden$/, render: () => h(OfficeHoursEditor, {}) },
  // The invite code is in the #fragment (see print-invite.tsx); `navigate` may pass it along.
  { pattern: /^\/werkplek\/uitnodiging-afdrukken(?:#.*)?$/, render: () => h(PrintInvite, {}) },
  { pattern: /^\/beheer\/organisatie$/, render: () => h(OrganisationSettings, {}) },
  { pattern: /^\/werkplek\/gevoelig-team$/, render: () => h(TeamVerification, {}) },
];

export const links: readonly FeatureLink[] = [
  { path: HOURS_PATH, label: () => t('worker_hoursLink'), roles: ['worker', 'admin'] },
  { path: VERIFICATION_PATH, label: () => t('worker_verifyLink'), roles: ['worker', 'admin'] },
  { path: ORGANISATION_PATH, label: () => t('worker_orgLink'), roles: ['admin'] },
];
