/**
 * The words of the trust screens (see ../i18n.ts): Dutch first, English with the same keys. Only
 * what the first load shows (home link, join page, a held message); the words of the trust pages
 * and the conversation notice are in ./trust-pages.ts and load with them (ui/trust/words.ts).
 */
export const nl = {
  trust_link: 'Mijn apparaten en veiligheid',
  trust_errorTryAgain: 'Dat lukte niet. Kijk of u internet heeft en probeer het nog een keer.',
  trust_linkThisEntry: 'Gebruikt u Spreekuur al op een ander apparaat?',
  trust_linkThisButton: 'Dit apparaat koppelen',
  trust_notSentKeyChanged: 'Niet verstuurd: accepteer eerst de nieuwe sleutel (zie boven)',
  trust_heldUnverified: 'Wacht: vergelijk eerst het veiligheidsnummer (zie boven)',
};

export const en: Record<keyof typeof nl, string> = {
  trust_link: 'My devices and security',
  trust_errorTryAgain: 'That did not work. Check your internet connection and try again.',
  trust_linkThisEntry: 'Do you already use Spreekuur on another device?',
  trust_linkThisButton: 'Link this device',
  trust_notSentKeyChanged: 'Not sent: first accept the new key (see above)',
  trust_heldUnverified: 'Waiting: first compare the safety number (see above)',
};
