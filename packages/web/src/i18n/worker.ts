/** The words of the worker screens (see ../i18n.ts): Dutch first, English with the same keys. */
export const nl = {
  worker_newDeviceTitle: 'Telefoon kwijt? Nieuw apparaat voor een inwoner',
};

export const en: Record<keyof typeof nl, string> = {
  worker_newDeviceTitle: 'Lost phone? A new device for a resident',
};
