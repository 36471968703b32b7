import type { FeatureLink, FeaturePage } from '../pages.ts';

/** The worker feature's pages and its links on the home screen (see ../pages.ts). */
export const pages: readonly FeaturePage[] = [];
export const links: readonly FeatureLink[] = [];
