/**
 * @module
 * Styles of `<pay-checkout>`. Every colour, radius and font comes from a `--pay-*` custom property
 * with a light default, so a theme is a handful of declarations on the host or `:root` (see
 * themes/light.css and themes/dark.css). Logical properties (`inline-start`) keep right-to-left
 * languages right. Nothing here is inline: the element runs under a strict `style-src`.
 */
import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    box-sizing: border-box;
    color: var(--pay-color-text, #111827);
    font-family: var(--pay-font-family, system-ui, sans-serif);
    font-size: var(--pay-font-size, 1rem);
    line-height: 1.5;
  }

  :host([hidden]) {
    display: none;
  }

  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }

  .base {
    display: grid;
    gap: var(--pay-spacing, 1rem);
    padding: var(--pay-padding, 1.25rem);
    background: var(--pay-color-background, #ffffff);
    border: 1px solid var(--pay-color-border, #d1d5db);
    border-radius: var(--pay-radius, 0.75rem);
  }

  h2 {
    margin: 0;
    font-size: var(--pay-heading-size, 1.125rem);
    font-weight: 600;
  }

  [data-focus]:focus {
    outline: none;
  }

  p {
    margin: 0;
  }

  .summary {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    justify-content: space-between;
    gap: 0.25rem 1rem;
    padding-bottom: var(--pay-spacing, 1rem);
    border-bottom: 1px solid var(--pay-color-border, #d1d5db);
  }

  .muted {
    color: var(--pay-color-muted, #4b5563);
  }

  .wide {
    flex-basis: 100%;
  }

  .amount {
    font-size: var(--pay-amount-size, 1.5rem);
    font-weight: 700;
    font-variant-numeric: tabular-nums;
  }

  button {
    font: inherit;
    cursor: pointer;
    border-radius: var(--pay-radius-control, 0.5rem);
  }

  :focus-visible {
    outline: var(--pay-focus-ring, 3px solid #2563eb);
    outline-offset: 2px;
  }

  .primary,
  .secondary {
    justify-self: start;
    min-height: 2.75rem;
    padding: 0.5rem 1.25rem;
    font-weight: 600;
  }

  .primary {
    color: var(--pay-color-on-primary, #ffffff);
    background: var(--pay-color-primary, #1d4ed8);
    border: 1px solid var(--pay-color-primary, #1d4ed8);
  }

  .secondary {
    color: var(--pay-color-primary, #1d4ed8);
    background: transparent;
    border: 1px solid currentColor;
  }

  .error {
    color: var(--pay-color-danger, #b91c1c);
    display: grid;
    gap: 0.75rem;
  }

  .status {
    display: grid;
    gap: 0.5rem;
    justify-items: start;
  }

  .message {
    display: flex;
    align-items: center;
    gap: 0.5rem;
  }

  .spinner {
    flex: none;
    width: 1rem;
    height: 1rem;
    border: 2px solid var(--pay-color-border, #d1d5db);
    border-top-color: var(--pay-color-primary, #1d4ed8);
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }

  @keyframes spin {
    to {
      transform: rotate(1turn);
    }
  }

  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation-duration: 3s;
    }

    .skeleton * {
      animation: none;
    }
  }

  .skeleton {
    display: grid;
    gap: 0.5rem;
  }

  .skeleton i {
    width: 4rem;
    height: 1.5em;
  }

  .skeleton .amount {
    width: 7rem;
  }

  .skeleton span {
    height: 3rem;
  }

  .skeleton i,
  .skeleton span {
    border-radius: var(--pay-radius-control, 0.5rem);
    background: var(--pay-color-surface, #f3f4f6);
    animation: pulse 1.5s ease-in-out infinite;
  }

  @keyframes pulse {
    50% {
      opacity: 0.5;
    }
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
`;
