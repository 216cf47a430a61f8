/**
 * @module
 * How the console writes amounts, times, durations and statuses: the same way on every view.
 */
import { toDecimalString, type Money } from '@pay-checkout/protocol/money';

const timeFormat = new Intl.DateTimeFormat('en-GB', {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZoneName: 'short',
});

/** `07 Dec 2026, 12:44:03 UTC`; the raw text when it is not a date. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : timeFormat.format(date);
}

/**
 * `24.00 EUR`, from the contract's `{ value, currency }` in minor units, converted exactly with
 * the protocol's ISO 4217 exponents (`Intl` says 0 digits for COP and IQD).
 */
export function formatMoney(money: Money | null | undefined): string {
  if (!money) return '—';
  try {
    return `${toDecimalString(money)} ${money.currency}`;
  } catch {
    return `${money.value} (minor units) ${money.currency}`;
  }
}

/** `1.2 s` or `340 ms`. */
export function formatDuration(ms: number | null | undefined): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '—';
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** `partially_refunded` → `partially refunded`. */
export function humanize(word: string): string {
  return word.replace(/_/g, ' ');
}

/** `0.034` → `3.4 %`. */
export function formatRate(rate: number | null | undefined): string {
  if (typeof rate !== 'number' || !Number.isFinite(rate)) return '—';
  return `${(rate * 100).toFixed(1)} %`;
}
