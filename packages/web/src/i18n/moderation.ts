/**
 * The words of the moderation feature that the first load needs (the buttons on every message,
 * the composer's notices; see ../i18n.ts). The words of its screens load with them:
 * ./moderation-screens.ts. Dutch first, English with the same keys.
 */
export const nl = {
  moderation_report: 'Melden',
  moderation_pin: 'Vastzetten',
  moderation_unpin: 'Losmaken',
  moderation_pinned: 'Vastgezet',
  moderation_reports: 'Meldingen',
  moderation_mutedComposer: 'U bent stilgezet tot {time}. Daarna kunt u weer berichten sturen.',
  moderation_mutedComposerNoTime: 'U bent stilgezet. U kunt even geen berichten sturen.',
  moderation_slowComposer:
    'In deze groep geldt een langzame modus. U kunt over {n} seconden weer een bericht sturen.',
  moderation_lockedComposer: 'Alleen moderatoren mogen nu berichten sturen in deze groep.',
  moderation_notMemberComposer: 'U bent geen lid meer van deze groep.',
  moderation_error: 'Dat lukte niet. Probeer het nog een keer.',
  moderation_overviewLink: 'Meldingen per groep',
  moderation_unverifiedAdded:
    'Let op: {name} is toegevoegd zonder bevestiging van een beheerder van de groep. Vraag het na.',
  moderation_unverifiedJoined:
    'Let op: {name} is zelf lid geworden, via een groepslink. Geen beheerder van de groep heeft dat bevestigd. Kent u deze persoon niet, vraag het dan na.',
  moderation_unverifiedSomeone: 'iemand',
  moderation_unverifiedDismiss: 'Begrepen',
};

export const en: Record<keyof typeof nl, string> = {
  moderation_report: 'Report',
  moderation_pin: 'Pin',
  moderation_unpin: 'Unpin',
  moderation_pinned: 'Pinned',
  moderation_reports: 'Reports',
  moderation_mutedComposer: 'You are muted until {time}. After that you can send messages again.',
  moderation_mutedComposerNoTime: 'You are muted. You cannot send messages for a while.',
  moderation_slowComposer: 'This group is in slow mode. You can send a message again in {n} seconds.',
  moderation_lockedComposer: 'Only moderators may send messages in this group now.',
  moderation_notMemberComposer: 'You are no longer a member of this group.',
  moderation_error: 'That did not work. Please try again.',
  moderation_overviewLink: 'Reports per group',
  moderation_unverifiedAdded:
    'Note: {name} was added without a moderator of the group confirming it. Ask about it.',
  moderation_unverifiedJoined:
    'Note: {name} joined on their own, through a group link. No moderator of the group confirmed it. If you do not know this person, ask about it.',
  moderation_unverifiedSomeone: 'someone',
  moderation_unverifiedDismiss: 'Understood',
};
