/** Paths of the privacy screens (Dutch, like `/gesprek/…`); ui/people-admin.tsx links to `erase`. */
export const PRIVACY_PATHS = {
  myData: '/mijn-gegevens',
  backup: '/back-up',
  retention: '/beheer/bewaren',
  audit: '/beheer/logboek',
  erase: (personId: string) => `/beheer/wissen/${personId}`,
} as const;
