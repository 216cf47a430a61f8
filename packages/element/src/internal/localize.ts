/**
 * @module
 * Picks the {@link Translation} for a language tag: the registered table of the tag, then of its
 * language (`es-CO` → `es`, `pt` → `pt-BR`), else English. Spanish, Portuguese (Brazil), German
 * and Arabic are built in and loaded on first use, so a page in English downloads none of them.
 */
import { enCore, type ElementTranslation, type Translation } from '../translations/en.js';
import { loadBuiltInTranslation } from './chunks.js';

const registry = new Map<string, Partial<Translation>>();
const BUILT_IN = ['es', 'pt-br', 'de', 'ar'];

/**
 * Makes translations available to every `<pay-checkout>` on the page, replacing a built-in one
 * of the same `$code`. A table may be partial: what it lacks is shown in English.
 */
export function registerTranslation(
  ...translations: (Partial<Translation> & { $code: string })[]
): void {
  for (const translation of translations) {
    registry.set(translation.$code.toLowerCase(), translation);
  }
}

function lookup(tags: Iterable<string>, locale: string): string | undefined {
  const tag = locale.toLowerCase();
  const language = tag.split('-')[0] ?? '';
  const known = [...tags];
  return known.includes(tag)
    ? tag
    : known.includes(language)
      ? language
      : known.find((code) => code.startsWith(`${language}-`));
}

/**
 * The best translation for `locale` among those registered or loaded; English otherwise. English
 * texts of the lazily loaded parts are added by those parts.
 */
export function translationFor(locale: string | undefined): ElementTranslation {
  const code = locale ? lookup(registry.keys(), locale) : undefined;
  return { ...enCore, ...(code ? registry.get(code) : undefined) };
}

/**
 * Loads the built-in table for `locale` unless a registered one already fits. Never rejects: a
 * table that cannot be loaded leaves the element in English.
 */
export async function loadTranslation(locale: string | undefined): Promise<void> {
  if (!locale || lookup(registry.keys(), locale)) return;
  const code = lookup(BUILT_IN, locale);
  if (!code) return;
  try {
    const table = await loadBuiltInTranslation(code);
    if (!registry.has(code)) registry.set(code, table);
  } catch {
    // Offline or blocked: English stands in.
  }
}
