/**
 * @module
 * The status badge: the status in words, with a tone that only adds colour to them.
 */
import { html, type TemplateResult } from 'lit';
import { humanize } from './format.js';
import { toneOf } from './styles.js';

export function statusBadge(status: string, label = humanize(status)): TemplateResult {
  return html`<span class="status" data-tone=${toneOf(status)}>${label}</span>`;
}
