/**
 * Error codes of the privacy duties (retention, export, erasure, key backup), in the shape of
 * `errorCatalog` in ../errors.ts so they can be spread into it.
 */
export const privacyErrorCatalog = {
  ERR_PRIVACY_LAST_ADMIN: {
    status: 409,
    nl: 'Dit is de laatste beheerder van de organisatie. Maak eerst iemand anders beheerder.',
    en: 'This is the last admin of the organisation. Make someone else admin first.',
  },
  ERR_PRIVACY_BACKUP_NOT_FOUND: {
    status: 404,
    nl: 'Er is geen sleutelback-up opgeslagen.',
    en: 'No key backup has been stored.',
  },
  ERR_PRIVACY_HISTORY_TRANSFER_NOT_FOUND: {
    status: 404,
    nl: 'Er staan geen eerdere gesprekken voor dit apparaat klaar.',
    en: 'No earlier conversations are waiting for this device.',
  },
} as const;
