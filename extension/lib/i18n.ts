/// <reference types="chrome" />
// Strings: chrome.i18n in the extension (Chinese by default, English when the browser is English), and the same
// messages.json semantics outside it (tests), so both paths give identical text.

export type Translate = (key: string, substitutions?: (string | number)[]) => string;

export type MessagesJson = Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;

/** chrome.i18n.getMessage semantics over a messages.json object: named placeholders, then $1…$9, then $$. */
export function translatorFrom(messages: MessagesJson): Translate {
  return (key, substitutions = []) => {
    const entry = messages[key];
    if (!entry) return key;
    const subs = substitutions.map(String);
    const placeholders = Object.fromEntries(Object.entries(entry.placeholders ?? {}).map(([k, v]) => [k.toLowerCase(), v.content]));
    const withNamed = entry.message.replace(/\$([A-Za-z0-9_@]+)\$/g, (m, name: string) => placeholders[name.toLowerCase()] ?? m);
    return withNamed.replace(/\$(\$|[1-9])/g, (_m, c: string) => (c === "$" ? "$" : (subs[Number(c) - 1] ?? "")));
  };
}

/** The browser's own translation (chrome.i18n); the key itself when a message is missing. */
export const chromeTranslate: Translate = (key, substitutions) => {
  const subs = substitutions?.map(String);
  const text = chrome.i18n.getMessage(key, subs);
  return text || key;
};
