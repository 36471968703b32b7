/**
 * The words of the trust pages (ui/trust: devices, linking, safety numbers, the conversation
 * notice), loaded with them rather than in the first load (see ui/trust/words.ts). Dutch first, English with the same keys.
 */
export const nl = {
  trust_verified: 'Gecontroleerd',
  trust_safetyLink: 'Veiligheidsnummer',
  trust_noticeKeyChanged: 'Let op: het veiligheidsnummer van {name} is veranderd.',
  trust_noticeKeyChangedExplain:
    'Dat gebeurt bijvoorbeeld als {name} een nieuwe telefoon heeft. Het kan ook betekenen dat iemand probeert mee te lezen. Uw berichten aan {name} wachten tot u de nieuwe sleutel accepteert.',
  trust_noticeNewDevice: 'Let op: {name} gebruikt een nieuw apparaat.',
  trust_noticeNewDeviceExplain:
    'Misschien heeft {name} een nieuwe telefoon of computer gekoppeld. Twijfelt u? Vergelijk dan het veiligheidsnummer.',
  trust_noticeUntrusted: 'Let op: er is een onbekend apparaat bij {name}.',
  trust_noticeUntrustedExplain:
    '{name} heeft dit apparaat (nog) niet goedgekeurd. Het krijgt uw berichten niet te lezen. Vertrouwt u het toch? Vergelijk dan eerst het veiligheidsnummer.',
  trust_viewSafetyNumber: 'Bekijk veiligheidsnummer',
  trust_heldTitle: 'Uw bericht wacht op het veiligheidsnummer van {name}',
  trust_heldExplain:
    'Dit team is gevoelig: u stuurt een inwoner pas berichten als u samen het veiligheidsnummer hebt vergeleken. Vergelijk het met {name} en markeer het als gecontroleerd. Daarna gaat uw bericht vanzelf.',
  trust_compareSafetyNumber: 'Veiligheidsnummer vergelijken',
  trust_residentTitle: 'Uw hulpverlener moet eerst het veiligheidsnummer met u vergelijken',
  trust_residentExplain:
    '{name} werkt in een team dat extra voorzichtig is. Daarom kan {name} u pas berichten sturen als u samen het veiligheidsnummer hebt vergeleken, bijvoorbeeld bij een afspraak of in een videogesprek. Uw eigen berichten aan {name} komen wel gewoon aan.',

  trust_accept: 'Accepteren',
  trust_devicesTitle: 'Mijn apparaten',
  trust_devicesIntro:
    'Op deze apparaten kunt u Spreekuur gebruiken. Ziet u een apparaat dat niet van u is? Meld het dan af.',
  trust_thisDevice: 'dit apparaat',
  trust_added: 'Toegevoegd: {when}',
  trust_lastSeen: 'Laatst gebruikt: {when}',
  trust_neverSeen: 'Nog niet gebruikt',
  trust_waitsForApproval: 'Wacht op uw goedkeuring',
  trust_revokeDevice: 'Afmelden: {name}',
  trust_revokeTitle: 'Apparaat afmelden?',
  trust_revokeQuestion:
    'Wilt u {name} afmelden? Op dat apparaat kunt u Spreekuur dan niet meer gebruiken. De berichten daarop worden gewist.',
  trust_revokeYes: 'Ja, afmelden',
  trust_keep: 'Nee, terug',
  trust_revokedDone: '{name} is afgemeld.',
  trust_linkTitle: 'Een ander apparaat toevoegen',
  trust_linkIntro:
    'Wilt u Spreekuur ook op een andere telefoon, tablet of computer gebruiken? Maak dan een koppelcode.',
  trust_makeLinkCode: 'Koppelcode maken',
  trust_linkCodeShown:
    'Open Spreekuur op het nieuwe apparaat en kies "Dit apparaat koppelen". Typ daar deze code. De code is 15 minuten geldig.',
  trust_linkQr:
    'QR-code om het nieuwe apparaat te koppelen. Scan hem met de camera van het nieuwe apparaat, of typ de code {code}.',
  trust_linkScan: 'Of scan deze QR-code met de camera van het nieuwe apparaat:',
  trust_linkWaiting: 'Wacht op het nieuwe apparaat…',
  trust_approveTitle: 'Een nieuw apparaat wil meedoen',
  trust_approveQuestion: 'Een nieuw apparaat wil meedoen: {name}, {when}. Is dit van u?',
  trust_approveExplain:
    'Alleen als u ja zegt, kan het apparaat uw berichten lezen. Kent u het niet? Kies dan "Nee, niet van mij".',
  trust_approveYes: 'Ja, dit is van mij',
  trust_approveNo: 'Nee, niet van mij',
  trust_decideNow: 'Is {name} van u? Nu kiezen',
  trust_approvedDone: '{name} doet nu mee.',
  trust_refusedDone: '{name} is geweigerd en afgemeld.',
  trust_historySent: 'Geschiedenis verstuurd naar het nieuwe apparaat.',
  trust_historyNotSent:
    'Uw eerdere gesprekken konden niet naar het nieuwe apparaat. Het nieuwe apparaat ziet wel alle nieuwe berichten.',
  trust_historyArrived: 'Uw eerdere gesprekken staan nu ook op dit apparaat.',
  trust_contactsTitle: 'Veiligheidsnummers',
  trust_contactsIntro:
    'Controleer of u echt met de goede persoon praat. Vergelijk samen het veiligheidsnummer.',
  trust_noContacts: 'U heeft nog met niemand gepraat.',
  trust_safetyOf: 'Veiligheidsnummer van {name}',
  trust_linkThisTitle: 'Dit apparaat koppelen',
  trust_linkThisIntro:
    'Open Spreekuur op uw andere apparaat. Kies "Mijn apparaten en veiligheid" en daarna "Koppelcode maken". Typ hier de code die u ziet.',
  trust_linkCode: 'Koppelcode',
  trust_linkThisSubmit: 'Koppelen',
  trust_linking: 'Bezig met koppelen…',
  trust_errorLinkCode: 'Deze koppelcode werkt niet (meer). Maak op uw andere apparaat een nieuwe code.',
  trust_linkedWaiting:
    'Dit apparaat is gekoppeld. Kijk nu op uw andere apparaat: daar zegt u ja tegen dit apparaat. Daarna ziet u hier uw nieuwe berichten.',
  trust_backToJoin: 'Ik heb een uitnodigingscode',
  trust_errorIsInvite:
    'Dit is een uitnodigingscode, geen koppelcode. Kies hieronder "Ik heb een uitnodigingscode".',
  trust_safetyTitle: 'Veiligheidsnummer met {name}',
  trust_safetyIntro:
    'Vergelijk dit nummer met {name}, samen op hetzelfde moment of door de telefoon. Zijn alle cijfers gelijk? Dan praat u echt met {name}, en kan niemand meelezen.',
  trust_safetyDevice: 'Apparaat {n} van {name}',
  trust_safetyDigits: 'Het veiligheidsnummer',
  trust_safetyQr: 'QR-code met het veiligheidsnummer. {name} kan hem scannen om te vergelijken.',
  trust_markVerified: 'Gelijk: markeer als gecontroleerd',
  trust_verifiedExplain: 'U heeft dit nummer met {name} vergeleken. Het was gelijk.',
  trust_notVerified: 'Nog niet gecontroleerd.',
  trust_notEqual:
    'Is het nummer niet gelijk? Stuur dan geen persoonlijke gegevens en bel uw hulpverlener of organisatie.',
  trust_noSafetyNumber: 'Er is nog geen veiligheidsnummer. Stuur eerst een bericht aan {name}.',
  trust_safetyChanged:
    'De sleutel van {name} is veranderd. Accepteer de nieuwe sleutel eerst, en vergelijk daarna het nummer.',
};

export const en: Record<keyof typeof nl, string> = {
  trust_verified: 'Verified',
  trust_safetyLink: 'Safety number',
  trust_noticeKeyChanged: 'Please note: the safety number of {name} changed.',
  trust_noticeKeyChangedExplain:
    'This happens, for example, when {name} has a new phone. It can also mean that someone tries to read along. Your messages to {name} wait until you accept the new key.',
  trust_noticeNewDevice: 'Please note: {name} uses a new device.',
  trust_noticeNewDeviceExplain:
    'Maybe {name} linked a new phone or computer. In doubt? Then compare the safety number.',
  trust_noticeUntrusted: 'Please note: there is an unknown device of {name}.',
  trust_noticeUntrustedExplain:
    '{name} has not approved this device (yet). It cannot read your messages. Do you trust it anyway? Then compare the safety number first.',
  trust_viewSafetyNumber: 'View safety number',
  trust_heldTitle: 'Your message waits for the safety number of {name}',
  trust_heldExplain:
    'This team is sensitive: you send a resident messages only after you compared the safety number together. Compare it with {name} and mark it as checked. Your message then goes by itself.',
  trust_compareSafetyNumber: 'Compare safety number',
  trust_residentTitle: 'Your social worker must first compare the safety number with you',
  trust_residentExplain:
    '{name} works in a team that takes extra care. So {name} can send you messages only after you compared the safety number together, for example at an appointment or in a video call. Your own messages to {name} do arrive as usual.',

  trust_accept: 'Accept',
  trust_devicesTitle: 'My devices',
  trust_devicesIntro:
    'You can use Spreekuur on these devices. Do you see a device that is not yours? Then sign it out.',
  trust_thisDevice: 'this device',
  trust_added: 'Added: {when}',
  trust_lastSeen: 'Last used: {when}',
  trust_neverSeen: 'Not used yet',
  trust_waitsForApproval: 'Waiting for your approval',
  trust_revokeDevice: 'Sign out: {name}',
  trust_revokeTitle: 'Sign out this device?',
  trust_revokeQuestion:
    'Do you want to sign out {name}? You can then no longer use Spreekuur on that device. The messages on it are wiped.',
  trust_revokeYes: 'Yes, sign out',
  trust_keep: 'No, go back',
  trust_revokedDone: '{name} is signed out.',
  trust_linkTitle: 'Add another device',
  trust_linkIntro:
    'Do you want to use Spreekuur on another phone, tablet or computer too? Then make a link code.',
  trust_makeLinkCode: 'Make a link code',
  trust_linkCodeShown:
    'Open Spreekuur on the new device and choose "Link this device". Type this code there. The code is valid for 15 minutes.',
  trust_linkQr:
    'QR code to link the new device. Scan it with the camera of the new device, or type the code {code}.',
  trust_linkScan: 'Or scan this QR code with the camera of the new device:',
  trust_linkWaiting: 'Waiting for the new device…',
  trust_approveTitle: 'A new device wants to join',
  trust_approveQuestion: 'A new device wants to join: {name}, {when}. Is this yours?',
  trust_approveExplain:
    'Only if you say yes can the device read your messages. Do you not know it? Choose "No, not mine".',
  trust_approveYes: 'Yes, this is mine',
  trust_approveNo: 'No, not mine',
  trust_decideNow: 'Is {name} yours? Choose now',
  trust_approvedDone: '{name} has joined.',
  trust_refusedDone: '{name} was refused and signed out.',
  trust_historySent: 'History sent to the new device.',
  trust_historyNotSent:
    'Your earlier conversations could not be sent to the new device. It does get every new message.',
  trust_historyArrived: 'Your earlier conversations are now on this device too.',
  trust_contactsTitle: 'Safety numbers',
  trust_contactsIntro: 'Check that you really talk to the right person. Compare the safety number together.',
  trust_noContacts: 'You have not talked to anyone yet.',
  trust_safetyOf: 'Safety number of {name}',
  trust_linkThisTitle: 'Link this device',
  trust_linkThisIntro:
    'Open Spreekuur on your other device. Choose "My devices and security", then "Make a link code". Type the code you see here.',
  trust_linkCode: 'Link code',
  trust_linkThisSubmit: 'Link',
  trust_linking: 'Linking…',
  trust_errorLinkCode: 'This link code does not work (any more). Make a new code on your other device.',
  trust_linkedWaiting:
    'This device is linked. Now look at your other device: say yes to this device there. After that you see your new messages here.',
  trust_backToJoin: 'I have an invite code',
  trust_errorIsInvite: 'This is an invite code, not a link code. Choose "I have an invite code" below.',
  trust_safetyTitle: 'Safety number with {name}',
  trust_safetyIntro:
    'Compare this number with {name}, together at the same time or by phone. Are all digits the same? Then you really talk to {name}, and nobody can read along.',
  trust_safetyDevice: 'Device {n} of {name}',
  trust_safetyDigits: 'The safety number',
  trust_safetyQr: 'QR code with the safety number. {name} can scan it to compare.',
  trust_markVerified: 'Same: mark as verified',
  trust_verifiedExplain: 'You compared this number with {name}. It was the same.',
  trust_notVerified: 'Not verified yet.',
  trust_notEqual:
    'Is the number not the same? Then do not send personal details, and call your social worker or organisation.',
  trust_noSafetyNumber: 'There is no safety number yet. Send {name} a message first.',
  trust_safetyChanged: 'The key of {name} changed. Accept the new key first, then compare the number.',
};
