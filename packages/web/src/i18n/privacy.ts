/**
 * The privacy feature's words the app shell needs (home links, the people list's erase link);
 * Dutch first, English with the same keys. The screens' own words are in ./privacy-pages.ts,
 * loaded with the screens, so they do not weigh on the first load.
 */
export const nl = {
  privacy_myData: 'Mijn gegevens',
  privacy_backup: 'Back-up en herstel',
  privacy_retention: 'Hoe lang we gegevens bewaren',
  privacy_audit: 'Logboek',
  privacy_erase: 'Gegevens wissen',
};

export const en: Record<keyof typeof nl, string> = {
  privacy_myData: 'My data',
  privacy_backup: 'Backup and restore',
  privacy_retention: 'How long we keep data',
  privacy_audit: 'Audit log',
  privacy_erase: 'Erase data',
};
