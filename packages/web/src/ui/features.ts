import * as moderation from './moderation/index.ts';
import type { FeatureLink, FeaturePage } from './pages.ts';
import * as privacy from './privacy/index.ts';
import * as trust from './trust/index.ts';
import * as worker from './worker/index.ts';

/** Every feature's pages; the first whose pattern matches the path is shown. */
export const featurePages: readonly FeaturePage[] = [
  ...trust.pages,
  ...privacy.pages,
  ...moderation.pages,
  ...worker.pages,
];

/** Every feature's links on the home screen, in this order. */
export const featureLinks: readonly FeatureLink[] = [
  ...trust.links,
  ...privacy.links,
  ...moderation.links,
  ...worker.links,
];
