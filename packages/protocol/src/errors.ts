import { z } from 'zod';
import { privacyErrorCatalog } from './privacy/errors.ts';
import { schedulingErrorCatalog } from './scheduling/errors.ts';

interface ErrorDefinition {
  status: 400 | 401 | 403 | 404 | 408 | 409 | 410 | 413 | 422 | 429 | 500 | 503;
  /** Shown to people: Dutch first, English available. Never contains internals. */
  nl: string;
  en: string;
}

/**
 * Every error a client can receive, over HTTP or as a socket ack. Stable codes: clients
 * switch on them; `docs/errors.md` is generated from this table and a test keeps them equal.
 */
export const errorCatalog = {
  ERR_BAD_REQUEST: {
    status: 400,
    nl: 'Het verzoek is niet geldig. Controleer de gegevens.',
    en: 'The request is not valid. Please check the input.',
  },
  ERR_UNAUTHENTICATED: {
    status: 401,
    nl: 'Log opnieuw in op dit apparaat.',
    en: 'Please sign in again on this device.',
  },
  ERR_AUTH_CHALLENGE_INVALID: {
    status: 401,
    nl: 'De inlogcode is verlopen of al gebruikt. Probeer het opnieuw.',
    en: 'The sign-in challenge has expired or was already used. Please try again.',
  },
  ERR_AUTH_BAD_SIGNATURE: {
    status: 401,
    nl: 'Dit apparaat kon niet worden herkend.',
    en: 'This device could not be verified.',
  },
  ERR_AUTH_DEVICE_REVOKED: {
    status: 401,
    nl: 'Dit apparaat is afgemeld. Koppel het opnieuw met een nieuwe code.',
    en: 'This device has been signed out. Link it again with a new code.',
  },
  ERR_FORBIDDEN: {
    status: 403,
    nl: 'Dat mag u met uw rol niet doen.',
    en: 'Your role does not allow this.',
  },
  ERR_NOT_FOUND: {
    status: 404,
    nl: 'Niet gevonden.',
    en: 'Not found.',
  },
  ERR_CONFLICT: {
    status: 409,
    nl: 'Dit is intussen gewijzigd. Laad de gegevens opnieuw.',
    en: 'This was changed in the meantime. Please reload.',
  },
  ERR_INVITE_NOT_FOUND: {
    status: 404,
    nl: 'Deze uitnodigingscode bestaat niet. Controleer de code of vraag een nieuwe aan.',
    en: 'This invite code does not exist. Check the code or ask for a new one.',
  },
  ERR_INVITE_EXPIRED: {
    status: 410,
    nl: 'Deze uitnodigingscode is verlopen. Vraag uw contactpersoon om een nieuwe.',
    en: 'This invite code has expired. Ask your contact for a new one.',
  },
  ERR_INVITE_USED: {
    status: 409,
    nl: 'Deze uitnodigingscode is al gebruikt. Vraag om een nieuwe als u nog geen toegang hebt.',
    en: 'This invite code has already been used. Ask for a new one if you do not have access yet.',
  },
  ERR_INVITE_ROLE_NOT_ALLOWED: {
    status: 403,
    nl: 'U mag geen uitnodiging voor deze rol maken.',
    en: 'You may not invite someone with this role.',
  },
  ERR_IDENTITY_KEY_IN_USE: {
    status: 409,
    nl: 'Dit apparaat is al gekoppeld.',
    en: 'This device is already registered.',
  },
  ERR_TEAM_NAME_TAKEN: {
    status: 409,
    nl: 'Er bestaat al een team met deze naam.',
    en: 'A team with this name already exists.',
  },
  ERR_ORG_SLUG_TAKEN: {
    status: 409,
    nl: 'Deze korte naam voor de organisatie is al in gebruik.',
    en: 'This organisation short name is already taken.',
  },
  ERR_OPERATOR_TOKEN_INVALID: {
    status: 401,
    nl: 'Ongeldige beheerderssleutel.',
    en: 'Invalid operator token.',
  },
  ERR_CHAT_NOT_MEMBER: {
    status: 403,
    nl: 'U bent geen deelnemer van dit gesprek.',
    en: 'You are not a member of this conversation.',
  },
  ERR_CHAT_CONTACT_NOT_ALLOWED: {
    status: 403,
    nl: 'U kunt met deze persoon geen gesprek beginnen.',
    en: 'You cannot start a conversation with this person.',
  },
  ERR_CHAT_ROLE_REQUIRED: {
    status: 403,
    nl: 'Alleen een beheerder van dit gesprek mag dit doen.',
    en: 'Only a moderator of this conversation can do this.',
  },
  ERR_CHAT_MANAGED_BY_QUEUE: {
    status: 409,
    nl: 'Wie aan een spreekuurgesprek deelneemt, regelt de wachtrij: neem het gesprek over of sluit het af.',
    en: 'Who takes part in an office-hour conversation follows the queue: transfer or close the conversation instead.',
  },
  ERR_CHAT_NOT_OWN_MESSAGE: {
    status: 403,
    nl: 'U kunt alleen uw eigen berichten wijzigen of verwijderen.',
    en: 'You can only change or delete your own messages.',
  },
  ERR_CHAT_DEVICES_CHANGED: {
    status: 409,
    nl: 'De apparaten in dit gesprek zijn veranderd. Het bericht wordt opnieuw versleuteld.',
    en: 'The devices in this conversation changed. The message is being encrypted again.',
  },
  ERR_CHAT_ENVELOPE_TOO_LARGE: {
    status: 413,
    nl: 'Dit bericht is te groot.',
    en: 'This message is too large.',
  },
  ERR_CHAT_FILE_TOO_LARGE: {
    status: 413,
    nl: 'Dit bestand is te groot om te delen.',
    en: 'This file is too large to share.',
  },
  ERR_CHAT_QUOTA_EXCEEDED: {
    status: 413,
    nl: 'De opslagruimte van uw organisatie is vol. Vraag de beheerder om oude bestanden op te ruimen.',
    en: 'Your organisation has run out of storage. Ask an administrator to clear old files.',
  },
  ERR_CHAT_TOO_MANY_UPLOADS: {
    status: 429,
    nl: 'U hebt te veel bestanden die nog niet helemaal verstuurd zijn. Maak die eerst af of wacht even.',
    en: 'You have too many files that are not fully uploaded. Finish those first, or wait a while.',
  },
  ERR_CHAT_FILE_INCOMPLETE: {
    status: 409,
    nl: 'Dit bestand is nog niet helemaal verstuurd.',
    en: 'This file has not been uploaded completely yet.',
  },
  ERR_CHAT_FILE_EXPIRED: {
    status: 410,
    nl: 'Dit bestand is verlopen en verwijderd.',
    en: 'This file has expired and was deleted.',
  },
  // Moderated groups and reports (docs/moderation.md).
  ERR_MOD_GROUPS_ONLY: {
    status: 409,
    nl: 'Dit kan alleen in een groep.',
    en: 'This is only possible in a group.',
  },
  ERR_MOD_MUTED: {
    status: 403,
    nl: 'Een moderator heeft u in deze groep tijdelijk stilgezet.',
    en: 'A moderator has muted you in this group for a while.',
  },
  ERR_MOD_SLOW_MODE: {
    status: 429,
    nl: 'In deze groep geldt een langzame modus. Wacht even met uw volgende bericht.',
    en: 'This group is in slow mode. Please wait before sending your next message.',
  },
  ERR_MOD_CHANNEL_LOCKED: {
    status: 403,
    nl: 'Deze groep is gesloten: alleen moderatoren kunnen berichten sturen.',
    en: 'This group is locked: only moderators can post.',
  },
  ERR_MOD_BANNED: {
    status: 403,
    nl: 'Deze persoon is uit de groep geweerd en kan pas weer meedoen na opheffing.',
    en: 'This person is banned from the group until the ban is lifted.',
  },
  ERR_MOD_PROTECTED_MEMBER: {
    status: 403,
    nl: 'Dit kunt u niet doen bij de eigenaar of een andere moderator.',
    en: 'You cannot do this to the owner or another moderator.',
  },
  ERR_MOD_TOO_MANY_PINS: {
    status: 409,
    nl: 'Er zijn al te veel berichten vastgezet. Maak er eerst een los.',
    en: 'Too many messages are pinned. Unpin one first.',
  },
  ERR_MOD_NOT_FRANKED: {
    status: 422,
    nl: 'Dit bericht kan niet gemeld worden: het heeft geen controlegegevens.',
    en: 'This message cannot be reported: it carries no franking commitment.',
  },
  ERR_MOD_REPORT_FORGED: {
    status: 422,
    nl: 'De melding klopt niet met het verstuurde bericht en is geweigerd.',
    en: 'The report does not match the message that was sent and was refused.',
  },
  ERR_MOD_REPORT_DUPLICATE: {
    status: 409,
    nl: 'U heeft dit bericht al gemeld.',
    en: 'You have already reported this message.',
  },
  ERR_MOD_REPORT_RESOLVED: {
    status: 409,
    nl: 'Deze melding is al afgehandeld.',
    en: 'This report has already been handled.',
  },
  ERR_MOD_LINK_INVALID: {
    status: 404,
    nl: 'Deze groepslink bestaat niet. Vraag de moderator om een nieuwe link.',
    en: 'This group link does not exist. Ask the moderator for a new link.',
  },
  ERR_MOD_LINK_REVOKED: {
    status: 410,
    nl: 'Deze groepslink is ingetrokken en werkt niet meer. Vraag de moderator om een nieuwe link.',
    en: 'This group link has been revoked and no longer works. Ask the moderator for a new link.',
  },
  ERR_MOD_TOO_MANY_LINKS: {
    status: 409,
    nl: 'Deze groep heeft al te veel links. Trek er eerst een in.',
    en: 'This group has too many links. Revoke one first.',
  },
  ERR_KEYS_NOT_PUBLISHED: {
    status: 404,
    nl: 'Dit apparaat kan nog geen versleutelde berichten ontvangen. Probeer het later opnieuw.',
    en: 'This device cannot receive encrypted messages yet. Please try again later.',
  },
  ERR_REQUEST_TIMEOUT: {
    status: 408,
    nl: 'Het verzoek kwam niet op tijd helemaal binnen. Controleer de verbinding en probeer het opnieuw.',
    en: 'The request did not arrive in full in time. Check the connection and try again.',
  },
  ERR_PAYLOAD_TOO_LARGE: {
    status: 413,
    nl: 'Dit is te groot om te versturen.',
    en: 'This is too large to send.',
  },
  ERR_RATE_LIMITED: {
    status: 429,
    nl: 'Te veel pogingen. Wacht even en probeer het opnieuw.',
    en: 'Too many attempts. Please wait a moment and try again.',
  },
  ERR_UNAVAILABLE: {
    status: 503,
    nl: 'De dienst is even niet bereikbaar. Probeer het zo opnieuw.',
    en: 'The service is temporarily unavailable. Please try again shortly.',
  },
  ERR_INTERNAL: {
    status: 500,
    nl: 'Er ging iets mis aan onze kant. Probeer het opnieuw.',
    en: 'Something went wrong on our side. Please try again.',
  },
  // Office hours, the live queue and appointments (defined next to their wire shapes).
  ...schedulingErrorCatalog,
  ...privacyErrorCatalog,
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof errorCatalog;
export const errorCodes = Object.keys(errorCatalog) as [ErrorCode, ...ErrorCode[]];

/** A problem in one input field, as reported to clients (from zod issues). */
export const fieldIssueSchema = z.object({
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
});
export type FieldIssue = z.infer<typeof fieldIssueSchema>;

/** The one error body: HTTP responses and socket acks alike. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(errorCodes),
    message: z.string(),
    issues: z.array(fieldIssueSchema).optional(),
    /** Seconds until a retry can succeed (rate limits). */
    retryAfter: z.number().optional(),
    /** Facts that help the client explain the refusal (e.g. when office hours open next). */
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    /** ERR_CHAT_DEVICES_CHANGED: devices to add to, and to drop from, the envelope. */
    mismatch: z.object({ missing: z.array(z.string()), extra: z.array(z.string()) }).optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

export type ErrorDetails = Omit<ErrorBody['error'], 'code' | 'message'>;

/** An expected failure with a stable code; thrown by handlers, mapped to HTTP/ack by the edge. */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message ?? errorCatalog[code].en);
  }

  get status(): number {
    return errorCatalog[this.code].status;
  }
}

export function errorMessage(code: ErrorCode, locale: 'nl' | 'en'): string {
  return errorCatalog[code][locale];
}
