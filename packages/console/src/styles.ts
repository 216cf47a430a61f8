/**
 * @module
 * The console's shared look: plain and calm — system fonts, one accent, clear focus rings,
 * tables that read well, and statuses that carry their words (colour only adds to them).
 */
import { css } from 'lit';

export const baseStyles = css`
  :host {
    display: block;
    color: var(--console-text, #1d2327);
    font: inherit;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  h1 {
    font-size: 1.5rem;
    margin: 0 0 1rem;
  }
  h2 {
    font-size: 1.15rem;
    margin: 1.5rem 0 0.75rem;
  }
  h3 {
    font-size: 1rem;
    margin: 0;
  }
  h1:focus {
    outline: none;
  }
  a {
    color: var(--console-link, #0b5cad);
  }
  a:focus-visible,
  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  summary:focus-visible,
  textarea:focus-visible,
  [tabindex]:focus-visible {
    outline: 3px solid var(--console-focus, #1a73e8);
    outline-offset: 2px;
  }
  button {
    font: inherit;
    padding: 0.4rem 0.9rem;
    border: 1px solid #8a939c;
    border-radius: 4px;
    background: #fff;
    color: inherit;
    cursor: pointer;
  }
  button.primary {
    background: #0b5cad;
    border-color: #0b5cad;
    color: #fff;
  }
  button:disabled {
    opacity: 0.6;
    cursor: default;
  }
  input,
  select,
  textarea {
    font: inherit;
    padding: 0.35rem 0.5rem;
    border: 1px solid #8a939c;
    border-radius: 4px;
    background: #fff;
    color: inherit;
  }
  label {
    display: flex;
    flex-direction: column;
    gap: 0.25rem;
    font-size: 0.9rem;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  caption {
    text-align: start;
    font-weight: 600;
    padding: 0 0 0.5rem;
  }
  th,
  td {
    text-align: start;
    padding: 0.45rem 0.6rem;
    border-bottom: 1px solid #dde1e5;
    vertical-align: top;
  }
  th {
    font-weight: 600;
    background: #f3f5f7;
  }
  .table-wrap {
    overflow-x: auto;
  }
  .status {
    display: inline-block;
    padding: 0.05rem 0.5rem;
    border-radius: 999px;
    border: 1px solid #8a939c;
    background: #f3f5f7;
    font-size: 0.85rem;
    white-space: nowrap;
  }
  .status[data-tone='good'] {
    border-color: #1e7d3c;
    background: #e6f4ea;
  }
  .status[data-tone='bad'] {
    border-color: #b3261e;
    background: #fbe9e7;
  }
  .status[data-tone='wait'] {
    border-color: #8a6100;
    background: #fff4d6;
  }
  .error {
    border: 1px solid #b3261e;
    background: #fbe9e7;
    padding: 0.6rem 0.8rem;
    border-radius: 4px;
  }
  .muted {
    color: #545d66;
  }
  .mono {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: 0.9em;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  dl.facts {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 0.3rem 1rem;
    margin: 0;
  }
  dl.facts dt {
    font-weight: 600;
  }
  dl.facts dd {
    margin: 0;
  }
`;

const GOOD = new Set(['paid', 'delivered', 'closed', 'verified', 'ok', 'authorized']);
const BAD = new Set([
  'failed',
  'expired',
  'cancelled',
  'dead',
  'open',
  'refused',
  'error',
  'charged_back',
  'disputed',
]);

/** Tone of a status badge; the badge always shows its word, the tone only adds colour. */
export function toneOf(status: string): 'good' | 'bad' | 'wait' | 'neutral' {
  if (GOOD.has(status)) return 'good';
  if (BAD.has(status)) return 'bad';
  if (['pending', 'processing', 'created', 'half_open'].includes(status)) return 'wait';
  return 'neutral';
}
