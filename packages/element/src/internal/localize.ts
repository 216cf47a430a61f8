/**
 * @module
 * Picks the {@link Translation} for a language tag, falling back from `pt-BR` to `pt` to English.
 */
import { en, type Translation } from '../translations/en.js';

const registry = new Map<string, Translation>([['en', en]]);

/** Makes a translation available to every `<pay-checkout>` on the page. */
export function registerTranslation(...translations: Translation[]): void {
  for (const translation of translations) {
    registry.set(translation.$code.toLowerCase(), translation);
  }
}

/** The best translation for `locale`; English when nothing closer is registered. */
export function translationFor(locale: string | undefined): Translation {
  if (!locale) return en;
  const tag = locale.toLowerCase();
  return registry.get(tag) ?? registry.get(tag.split('-')[0] ?? '') ?? en;
}
