/**
 * Every word the app shows, Dutch first (B1: short sentences, everyday words), English by a
 * switch. The choice is remembered in localStorage: it is not secret, and the first screen
 * needs it before IndexedDB has opened.
 */
import * as moderation from './i18n/moderation.ts';
import * as privacy from './i18n/privacy.ts';
import * as trust from './i18n/trust.ts';
import * as worker from './i18n/worker.ts';

const core = {
  appName: 'Spreekuur',
  skipToContent: 'Naar de inhoud',
  language: 'Taal',
  switchLanguage: 'English',
  switchLanguageLabel: 'Switch to English',
  loading: 'Even geduld…',
  online: 'Verbonden',
  offline: 'Geen internet. Uw berichten wachten en gaan vanzelf als er weer internet is.',
  otherTab: 'Spreekuur is al open in een ander tabblad. Gebruik dat tabblad, of gebruik Spreekuur hier.',
  useHere: 'Hier gebruiken',
  // Join
  joinTitle: 'Welkom bij Spreekuur',
  joinIntro: 'U kreeg een code van uw hulpverlener. Met die code maakt u een account op dit apparaat.',
  inviteCode: 'Uw code',
  inviteCodeHint: '16 letters en cijfers, bijvoorbeeld ABCD-EFGH-JKMN-PQRS',
  displayName: 'Uw naam',
  displayNameHint: 'Zo ziet uw hulpverlener u. U mag ook alleen uw voornaam gebruiken.',
  joinButton: 'Verder',
  joining: 'Bezig met aanmelden…',
  errorCodeFormat: 'Deze code klopt niet. Een code heeft 16 letters en cijfers. Kijk de code na.',
  errorCodeUsed:
    'Deze code werkt niet (meer). Misschien is hij al gebruikt of verlopen. Vraag uw hulpverlener om een nieuwe code.',
  errorNameMissing: 'Vul uw naam in.',
  errorNetwork: 'Er is nu geen verbinding. Probeer het zo nog een keer.',
  errorUnknown: 'Er ging iets mis. Probeer het nog een keer.',
  // Home
  conversations: 'Gesprekken',
  noConversations: 'U heeft nog geen gesprekken.',
  startConversation: 'Stuur een bericht aan',
  unread: '{n} nieuw',
  unreadLabel: '{n} nieuwe berichten',
  people: 'Mensen',
  group: 'Groep',
  back: 'Terug',
  // Chat
  chatWith: 'Gesprek met {name}',
  messageLabel: 'Uw bericht',
  send: 'Versturen',
  attach: 'Foto of document',
  you: 'U',
  waiting: 'Wacht op internet',
  sent: 'Verstuurd',
  delivered: 'Ontvangen',
  read: 'Gelezen',
  failed: 'Niet verstuurd',
  uploading: 'Versturen: {p}%',
  cancel: 'Stoppen',
  download: 'Openen',
  downloading: 'Ophalen: {p}%',
  fileTooLarge: 'Dit bestand is te groot. Het mag hoogstens {mb} MB zijn.',
  unavailable: 'Dit bericht kan op dit apparaat niet gelezen worden.',
  deleted: 'Dit bericht is verwijderd.',
  members: 'Leden',
  more: 'Meer',
  // Worker
  console: 'Werkplek',
  onDuty: 'Ik ben aan het werk',
  offDuty: 'Ik ben niet aan het werk',
  goOnDuty: 'Begin dienst',
  goOffDuty: 'Stop dienst',
  queue: 'Wachtrij',
  queueEmpty: 'Er wacht niemand.',
  waitingFor: 'wacht {m} min',
  takeNext: 'Volgende helpen',
  inviteResident: 'Inwoner uitnodigen',
  inviteWorker: 'Medewerker uitnodigen',
  inviteCreated: 'Geef deze code aan de persoon. Hij is {days} dagen geldig.',
  inviteLink: 'Of deze link',
  inviteQr: 'QR-code met de uitnodiging. Met de camera van de telefoon scannen, of de code {code} intypen.',
  team: 'Team',
  teams: 'Teams',
  newTeam: 'Nieuw team',
  teamName: 'Naam van het team',
  create: 'Maken',
  admin: 'Beheer',
  devices: 'Apparaten',
  revoke: 'Afmelden',
  appointments: 'Afspraken',
  noAppointments: 'Geen afspraken.',
  // Resident office hours
  officeHours: 'Spreekuur',
  openNow: 'Nu open',
  closedNow: 'Nu gesloten',
  joinQueue: 'Wachten op een hulpverlener',
  leaveQueue: 'Niet meer wachten',
  place: 'U bent nummer {n}.',
  estimate: 'Nog ongeveer {m} minuten.',
  revoked: 'Dit apparaat is afgemeld. Vraag een nieuwe code om weer mee te doen.',
  notificationTitle: 'Nieuw bericht',
  notificationBody: 'U heeft een nieuw bericht in Spreekuur.',
  allowNotifications: 'Meldingen aanzetten',
  closesAt: 'open tot {when}',
  opensAt: 'weer open {when}',
  leaveQuestion: 'Stel alvast uw vraag',
  assigned: 'Een hulpverlener helpt u nu.',
  openConversation: 'Naar het gesprek',
  otherWays: 'U kunt ook een afspraak maken',
  kind_chat: 'chat',
  kind_phone: 'telefoon',
  kind_video: 'video',
  kind_in_person: 'op kantoor',
  pickFailed: 'Iemand anders helpt deze persoon al. Probeer de volgende.',
  waitingNumber: 'Nummer {n}',
  question: 'vraag voor later',
  newGroup: 'Nieuwe groep',
  groupName: 'Naam van de groep',
  errorGroupName: 'Vul een naam voor de groep in.',
  noDevices: 'Geen apparaten.',
  role_resident: 'inwoner',
  role_worker: 'medewerker',
  role_admin: 'beheerder',
  addToCalendar: 'In mijn agenda zetten',
  cancelAppointment: 'Afspraak afzeggen',
  chooseKind: 'Wat voor afspraak wilt u?',
  chooseTime: 'Kies een tijd',
  noSlots: 'Er zijn de komende twee weken geen tijden vrij. Stuur een bericht, dan zoeken we samen een tijd.',
  slotGone: 'Deze tijd is net door iemand anders gekozen. Kies een andere tijd.',
};

/**
 * Each feature keeps its words in its own dictionary (src/i18n/<feature>.ts), so features grow
 * without touching this file. Feature keys start with the feature's name (`trust_…`), so two
 * dictionaries never define one key.
 */
const nl = { ...core, ...trust.nl, ...privacy.nl, ...moderation.nl, ...worker.nl };
export type MessageKey = keyof typeof nl;

const coreEn: Record<keyof typeof core, string> = {
  appName: 'Spreekuur',
  skipToContent: 'Skip to content',
  language: 'Language',
  switchLanguage: 'Nederlands',
  switchLanguageLabel: 'Schakel naar Nederlands',
  loading: 'One moment…',
  online: 'Connected',
  offline: 'No internet. Your messages wait and go by themselves when you are back online.',
  otherTab: 'Spreekuur is already open in another tab. Use that tab, or use Spreekuur here.',
  useHere: 'Use it here',
  joinTitle: 'Welcome to Spreekuur',
  joinIntro: 'Your social worker gave you a code. With that code you make an account on this device.',
  inviteCode: 'Your code',
  inviteCodeHint: '16 letters and digits, for example ABCD-EFGH-JKMN-PQRS',
  displayName: 'Your name',
  displayNameHint: 'This is the name your social worker sees. Your first name is enough.',
  joinButton: 'Continue',
  joining: 'Signing you up…',
  errorCodeFormat: 'This code is not right. A code has 16 letters and digits. Please check it.',
  errorCodeUsed:
    'This code does not work (any more). It may have been used or expired. Ask your social worker for a new code.',
  errorNameMissing: 'Please fill in your name.',
  errorNetwork: 'There is no connection right now. Please try again in a moment.',
  errorUnknown: 'Something went wrong. Please try again.',
  conversations: 'Conversations',
  noConversations: 'You have no conversations yet.',
  startConversation: 'Send a message to',
  unread: '{n} new',
  unreadLabel: '{n} new messages',
  people: 'People',
  group: 'Group',
  back: 'Back',
  chatWith: 'Conversation with {name}',
  messageLabel: 'Your message',
  send: 'Send',
  attach: 'Photo or document',
  you: 'You',
  waiting: 'Waiting for internet',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Not sent',
  uploading: 'Sending: {p}%',
  cancel: 'Stop',
  download: 'Open',
  downloading: 'Fetching: {p}%',
  fileTooLarge: 'This file is too large. It may be {mb} MB at most.',
  unavailable: 'This message cannot be read on this device.',
  deleted: 'This message was deleted.',
  members: 'Members',
  more: 'More',
  console: 'Workplace',
  onDuty: 'I am on duty',
  offDuty: 'I am off duty',
  goOnDuty: 'Start duty',
  goOffDuty: 'End duty',
  queue: 'Queue',
  queueEmpty: 'Nobody is waiting.',
  waitingFor: 'waiting {m} min',
  takeNext: 'Help the next one',
  inviteResident: 'Invite a resident',
  inviteWorker: 'Invite a worker',
  inviteCreated: 'Give this code to the person. It is valid for {days} days.',
  inviteLink: 'Or this link',
  inviteQr: 'QR code with the invite. Scan it with the phone camera, or type the code {code}.',
  team: 'Team',
  teams: 'Teams',
  newTeam: 'New team',
  teamName: 'Team name',
  create: 'Create',
  admin: 'Admin',
  devices: 'Devices',
  revoke: 'Sign out',
  appointments: 'Appointments',
  noAppointments: 'No appointments.',
  officeHours: 'Office hours',
  openNow: 'Open now',
  closedNow: 'Closed now',
  joinQueue: 'Wait for a social worker',
  leaveQueue: 'Stop waiting',
  place: 'You are number {n}.',
  estimate: 'About {m} more minutes.',
  revoked: 'This device was signed out. Ask for a new code to join again.',
  notificationTitle: 'New message',
  notificationBody: 'You have a new message in Spreekuur.',
  allowNotifications: 'Turn on notifications',
  closesAt: 'open until {when}',
  opensAt: 'open again {when}',
  leaveQuestion: 'Ask your question now',
  assigned: 'A social worker is helping you now.',
  openConversation: 'Go to the conversation',
  otherWays: 'You can also make an appointment',
  kind_chat: 'chat',
  kind_phone: 'phone',
  kind_video: 'video',
  kind_in_person: 'at the office',
  pickFailed: 'Someone else is already helping this person. Try the next one.',
  waitingNumber: 'Number {n}',
  question: 'question for later',
  newGroup: 'New group',
  groupName: 'Name of the group',
  errorGroupName: 'Please fill in a name for the group.',
  noDevices: 'No devices.',
  role_resident: 'resident',
  role_worker: 'worker',
  role_admin: 'admin',
  addToCalendar: 'Add to my calendar',
  cancelAppointment: 'Cancel the appointment',
  chooseKind: 'What kind of appointment do you want?',
  chooseTime: 'Choose a time',
  noSlots: 'There are no free times in the next two weeks. Send a message and we will find a time together.',
  slotGone: 'Someone else just chose this time. Please choose another time.',
};

const en: Record<MessageKey, string> = {
  ...coreEn,
  ...trust.en,
  ...privacy.en,
  ...moderation.en,
  ...worker.en,
};

export type Locale = 'nl' | 'en';
const dictionaries: Record<Locale, Record<MessageKey, string>> = { nl, en };
const STORAGE_KEY = 'spreekuur.locale';

function initialLocale(): Locale {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'nl';
  } catch {
    return 'nl';
  }
}

let current: Locale = initialLocale();
const listeners = new Set<() => void>();

export function locale(): Locale {
  return current;
}

export function setLocale(next: Locale): void {
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Private mode without storage: the switch still works until the tab closes.
  }
  document.documentElement.lang = next;
  for (const listener of listeners) listener();
}

export function onLocaleChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The text for `key` in the current language, with `{name}` placeholders filled in. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return dictionaries[current][key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
}
