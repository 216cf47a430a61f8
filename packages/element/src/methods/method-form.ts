/**
 * @module
 * The form of a method that asks for input before it can start (a bank, a document number):
 * its inputs from the method's declared `fields`, with labels, input modes and validation
 * messages, and its styles.
 *
 * Only some methods declare fields, so this is a lazily loaded chunk. Like the QR step it is
 * handed lit's template tags instead of importing lit, and its styles are a plain string the
 * element adopts, so that the script-tag build keeps a single copy of lit.
 */
import type { html as litHtml, nothing as litNothing, TemplateResult } from 'lit';
import type { Method, MethodField } from '@pay-checkout/protocol';
import { enLazy, type ElementTranslation } from '../translations/en.js';

/** The lit template tags the form renders with. */
export interface MethodFormLit {
  html: typeof litHtml;
  nothing: typeof litNothing;
}

/** What the form shows and what submitting it does. */
export interface MethodFormState {
  t: ElementTranslation;
  method: Method;
  /** Field name → message of the invalid inputs. */
  errors: Readonly<Record<string, string>>;
  busy: boolean;
  onSubmit: (event: SubmitEvent) => void;
}

/** The form's styles, adopted by the element's shadow root when the form first loads. */
export const styles = `
.form{display:grid;gap:.75rem;margin-top:.5rem;padding:.75rem 1rem;
border-inline-start:3px solid var(--pay-color-primary,#1d4ed8)}
.field{display:grid;gap:.25rem}label{font-weight:600}
input,select{font:inherit;min-height:2.75rem;padding:.5rem .75rem;color:var(--pay-color-text,#111827);
background:var(--pay-color-input,#fff);border:1px solid var(--pay-color-border-strong,#6b7280);
border-radius:var(--pay-radius-control,.5rem)}
input:focus-visible,select:focus-visible{outline:var(--pay-focus-ring,3px solid #2563eb);outline-offset:2px}
[aria-invalid=true]{border-color:var(--pay-color-danger,#b91c1c)}
.field-error{color:var(--pay-color-danger,#b91c1c)}`;

/** Renders the form of `method`. */
export function renderMethodForm(
  { html, nothing }: MethodFormLit,
  { t, method, errors, busy, onSubmit }: MethodFormState,
): TemplateResult {
  const field = (field: MethodField, index: number) => {
    const id = `field-${index}`;
    const error = errors[field.name];
    const errorId = `${id}-error`;
    const invalid = error ? 'true' : 'false';
    const describedBy = error ? errorId : nothing;
    const control =
      field.type === 'select'
        ? html`<select
            part="input"
            id=${id}
            name=${field.name}
            ?required=${field.required}
            aria-invalid=${invalid}
            aria-describedby=${describedBy}
          >
            <option value=""></option>
            ${(field.options ?? []).map(
              (option) => html`<option value=${option.value}>${option.label}</option>`,
            )}
          </select>`
        : html`<input
            part="input"
            id=${id}
            name=${field.name}
            type=${field.type}
            inputmode=${field.inputMode ?? nothing}
            maxlength="256"
            autocomplete="off"
            ?required=${field.required}
            aria-invalid=${invalid}
            aria-describedby=${describedBy}
          />`;
    return html`
      <div part="field" class="field">
        <label part="label" for=${id}>${field.label}</label>
        ${control}
        ${error ? html`<p part="field-error" class="field-error" id=${errorId}>${error}</p>` : nothing}
      </div>
    `;
  };
  return html`
    <form part="form" class="form" novalidate aria-label=${method.name} @submit=${onSubmit}>
      ${(method.fields ?? []).map(field)}
      <button part="submit" class="primary" type="submit" ?disabled=${busy}>${t.continue}</button>
    </form>
  `;
}

/**
 * Reads and checks the submitted form: the trimmed values of the filled inputs, and a message
 * for each input that is missing or does not match its options or pattern. The server checks
 * the same rules again; this only spares the customer a round trip.
 */
export function readMethodForm(
  form: HTMLFormElement,
  method: Method,
  texts: ElementTranslation,
): { values: Record<string, string>; errors: Record<string, string> } {
  const t = { ...enLazy, ...texts };
  const data = new FormData(form);
  const values: Record<string, string> = {};
  const errors: Record<string, string> = {};
  for (const field of method.fields ?? []) {
    const raw = data.get(field.name);
    const value = typeof raw === 'string' ? raw.trim() : '';
    let invalid = !!field.options && !field.options.some((o) => o.value === value);
    if (field.pattern) {
      try {
        invalid ||= !new RegExp(`^(?:${field.pattern})$`, 'u').test(value);
      } catch {
        // A pattern this browser cannot compile is left to the server, which checks it anyway.
      }
    }
    if (!value) {
      if (field.required) errors[field.name] = t.fieldRequired(field.label);
    } else if (invalid) errors[field.name] = t.fieldInvalid(field.label);
    else values[field.name] = value;
  }
  return { values, errors };
}
