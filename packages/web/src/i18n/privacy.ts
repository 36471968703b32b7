/**
 * The privacy feature's words the app shell needs (home links, the people list's erase and link
 * buttons);
 * Dutch first, English with the same keys. The screens' own words are in ./privacy-pages.ts,
 * loaded with the screens, so they do not weigh on the first load.
 */
export const nl = {
  privacy_myData: 'Mijn gegevens',
  privacy_backup: 'Back-up en herstel',
  privacy_retention: 'Hoe lang we gegevens bewaren',
  privacy_audit: 'Logboek',
  privacy_erase: 'Gegevens wissen',
  privacy_linkFor: 'Nieuw apparaat koppelen',
  privacy_linkForHint:
    'Geef deze code aan {name}. Op de nieuwe telefoon opent {name} de link en zet daarna de back-up terug met de herstelsleutel.',
  privacy_linkForQr: 'QR-code met de koppellink voor {name}. Of typ de code {code}.',
};

export const en: Record<keyof typeof nl, string> = {
  privacy_myData: 'My data',
  privacy_backup: 'Backup and restore',
  privacy_retention: 'How long we keep data',
  privacy_audit: 'Audit log',
  privacy_erase: 'Erase data',
  privacy_linkFor: 'Link a new device',
  privacy_linkForHint:
    'Give this code to {name}. On the new phone, {name} opens the link and then restores the backup with the recovery key.',
  privacy_linkForQr: 'QR code with the link for {name}. Or type the code {code}.',
};
