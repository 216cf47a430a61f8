/**
 * @module
 * The methods step: the session's methods as one radio group, the chosen one open in place with
 * a line on what happens next and its inputs (a bank, a document number, from the method's
 * declared `fields`, with labels, input modes and validation messages), and the one Pay button.
 * A method that cannot be used right now (its provider is failing) stays in the list, disabled,
 * with a line saying so, so the shopper sees why it cannot be chosen and picks another.
 *
 * It is a lazily loaded chunk, fetched alongside the session, so a return page never downloads
 * it. Like the QR step it is handed lit's template tags instead of importing lit, and its styles
 * are a plain string the element adopts, so that the script-tag build keeps a single copy of lit.
 */
import type { html as litHtml, nothing as litNothing, TemplateResult } from 'lit';
import type { Method, MethodField } from '@pay-checkout/protocol';
import { enMethods } from '../translations/en-methods.js';
import type { ElementTranslation, MandateCadence } from '../translations/en.js';

/** The lit template tags the step renders with. */
export interface MethodsLit {
  html: typeof litHtml;
  nothing: typeof litNothing;
}

/** What the methods step shows, and what choosing and paying do. */
export interface MethodsViewState {
  t: ElementTranslation;
  methods: readonly Method[];
  /** The selected method: open, with its inputs; undefined when none can be used. */
  chosen: Method | undefined;
  /** Ids of the methods that cannot be used right now: shown disabled. */
  unavailable: ReadonlySet<string>;
  /** The amount, formatted for the Pay button. */
  amount: string;
  /** Field name → message of the invalid inputs. */
  errors: Readonly<Record<string, string>>;
  /** The payment is starting: the choice is locked and the inputs are read-only meanwhile. */
  busy: boolean;
  /** Why the last attempt could not start, if it could not. */
  error: string | undefined;
  onChoose: (event: Event) => void;
  onSubmit: (event: SubmitEvent) => void;
}

/** The step's styles, adopted by the element's shadow root when it first loads. */
export const styles = `
.pay,.methods,.details,.fields{display:grid;gap:var(--pay-spacing,1rem)}
.methods{gap:.5rem;min-width:0;margin:0;padding:0;border:0}legend{padding:0;margin-bottom:.5rem}
.method{display:flex;align-items:center;gap:.75rem;min-height:3rem;padding:.75rem 1rem;cursor:pointer;
overflow-wrap:anywhere;background:var(--pay-color-surface,#f9fafb);border:1px solid var(--pay-color-border,#d1d5db);
border-radius:var(--pay-radius-control,.5rem)}
.method:hover,.method:has(:checked){border-color:var(--pay-color-primary,#1d4ed8)}
.method:has(:checked){box-shadow:inset 0 0 0 1px var(--pay-color-primary,#1d4ed8)}
.method.off{cursor:not-allowed;opacity:.65}.method.off:hover{border-color:var(--pay-color-border,#d1d5db)}
.method-text{display:grid;gap:.125rem;min-width:0}.off-note{font-size:.875em;color:var(--pay-color-muted,#4b5563)}
.method input{flex:none;width:1.125rem;height:1.125rem;min-height:0;margin:0;accent-color:var(--pay-color-primary,#1d4ed8)}
.method img,.logo{flex:none;width:2rem;height:1.5rem;object-fit:contain}
.logo{display:grid;place-items:center;font-size:.75rem;font-weight:700;text-transform:uppercase;
color:var(--pay-color-muted,#4b5563);border:1px solid var(--pay-color-border,#d1d5db);border-radius:.25rem}
.details{gap:.75rem;padding:0 .25rem .5rem}.fields{gap:.75rem}
.pay .primary{display:flex;justify-content:center;gap:.5rem;width:100%}
[aria-disabled=true]{cursor:progress;opacity:.8}
.field{display:grid;gap:.25rem;min-width:0}label{font-weight:600}
.field input,select{font:inherit;width:100%;min-width:0;min-height:2.75rem;padding:.5rem .75rem;
color:var(--pay-color-text,#111827);background:var(--pay-color-input,#fff);
border:1px solid var(--pay-color-border-strong,#6b7280);border-radius:var(--pay-radius-control,.5rem)}
.field input[readonly],select:disabled{opacity:.7}
[aria-invalid=true]{border-color:var(--pay-color-danger,#b91c1c)}
.field-error{color:var(--pay-color-danger,#b91c1c)}
.mandate{padding:.5rem .75rem;background:var(--pay-color-surface,#f9fafb);border-inline-start:3px solid var(--pay-color-primary,#1d4ed8)}`;

/**
 * What a mandate set up with this payment lets the merchant collect later, shown with the amount
 * while the customer chooses; undefined when the session sets up none.
 */
export function mandateText(
  texts: ElementTranslation,
  limit: string | undefined,
  cadence: MandateCadence | undefined,
): string | undefined {
  const t = { ...enMethods, ...texts };
  return limit || cadence ? t.mandateTerms(limit, cadence && t.cadence[cadence]) : undefined;
}

/** How long a method whose provider just failed an attempt stays disabled on this page. */
const DOWN_MS = 60_000;

/**
 * The ids of the methods that cannot be used now: those the server lists as unavailable, and
 * those in `down` (method id → until when, epoch ms) whose time has not run out.
 */
export function unavailableIds(
  methods: readonly Method[],
  down: ReadonlyMap<string, number>,
  now = Date.now(),
): Set<string> {
  return new Set(
    methods.filter((m) => m.available === false || (down.get(m.id) ?? 0) > now).map((m) => m.id),
  );
}

/**
 * Puts the method `id` in `down` for a while after its provider failed an attempt — unless no
 * other method could be used then, in which case the shopper may still try it again.
 */
export function markDown(
  down: Map<string, number>,
  methods: readonly Method[],
  id: string,
  now = Date.now(),
): void {
  const off = unavailableIds(methods, down, now);
  if (methods.some((m) => m.id !== id && !off.has(m.id))) down.set(id, now + DOWN_MS);
}

/** A server text in the element's language where its table has the key. */
const label = (t: ElementTranslation, key: string, text: string): string => t.labels?.[key] ?? text;

/**
 * Renders the step. Choosing only selects: the payment starts with the button, whose text
 * carries the amount ("Pay €24.00").
 */
export function renderMethods(lit: MethodsLit, state: MethodsViewState): TemplateResult {
  const { html, nothing } = lit;
  const t = { ...enMethods, ...state.t };
  const { methods, chosen, busy, error } = state;
  if (!methods.length) return html`<p part="message" class="message">${t.noMethods}</p>`;
  const method = (method: Method) => {
    const name = label(t, method.id, method.name);
    const checked = method === chosen;
    const off = state.unavailable.has(method.id);
    const noteId = `off-${method.id}`;
    return html`
      <label
        part="method"
        class=${off ? 'method off' : 'method'}
        data-method=${method.id}
        data-unavailable=${off ? 'true' : nothing}
      >
        <input
          type="radio"
          name="pay-method"
          value=${method.id}
          .checked=${checked}
          ?disabled=${off}
          aria-describedby=${off ? noteId : nothing}
        />
        ${
          method.logo?.startsWith('data:image/')
            ? html`<img part="method-logo" src=${method.logo} alt="" width="32" height="24" />`
            : html`<span part="method-logo" class="logo" aria-hidden="true">${name[0]}</span>`
        }
        <span class="method-text">
          <span part="method-name">${name}</span>
          ${
            off
              ? html`<span part="method-unavailable" class="off-note" id=${noteId}>
                  ${t.methodUnavailable}
                </span>`
              : nothing
          }
        </span>
      </label>
      ${
        checked
          ? html`<div part="method-details" class="details">
              <p part="method-note" class="muted">
                ${t.notes[method.kind ?? (method.flow === 'qr' ? 'qr' : 'bank')]}
              </p>
              ${method.fields?.length ? renderFields(lit, { ...state, t, method }) : nothing}
            </div>`
          : nothing
      }
    `;
  };
  return html`
    <form part="pay" class="pay" novalidate @submit=${state.onSubmit}>
      <fieldset
        part="methods"
        class="methods"
        aria-describedby=${error ? 'pay-error' : nothing}
        @click=${(event: Event) => busy && event.preventDefault()}
        @change=${state.onChoose}
      >
        <legend><h2 part="heading" tabindex="-1" data-focus>${t.chooseMethod}</h2></legend>
        ${error ? html`<p part="error" class="error" id="pay-error">${error}</p>` : nothing}
        ${chosen ? nothing : html`<p part="message" class="message">${t.noMethods}</p>`}
        ${methods.map(method)}
      </fieldset>
      <button
        part="submit"
        class="primary"
        type="submit"
        aria-busy=${busy}
        aria-disabled=${busy}
        ?disabled=${!chosen}
      >
        ${busy ? html`<span class="spinner" aria-hidden="true"></span>` : nothing}
        ${t.pay(state.amount)}
      </button>
    </form>
  `;
}

/** The label of `field` in the element's language, else the server's. */
const labelOf = (t: ElementTranslation, field: MethodField): string =>
  label(t, `field:${field.name}`, field.label);

/**
 * Renders the inputs of `method`: labels in the element's language, a "Choose…" prompt on
 * selects (a select with one option has it chosen), what the session already knows filled in.
 */
function renderFields(
  { html, nothing }: MethodsLit,
  {
    t,
    method,
    errors,
    busy,
  }: {
    t: typeof enMethods & ElementTranslation;
    method: Method;
    errors: MethodsViewState['errors'];
    busy: boolean;
  },
): TemplateResult {
  const field = (field: MethodField, index: number) => {
    const id = `field-${index}`;
    const error = errors[field.name];
    const errorId = `${id}-error`;
    const invalid = error ? 'true' : 'false';
    const describedBy = error ? errorId : nothing;
    const options = field.options ?? [];
    const value = field.value ?? (options.length === 1 ? options[0]?.value : undefined);
    const control =
      field.type === 'select'
        ? html`<select
            part="input"
            id=${id}
            name=${field.name}
            autocomplete=${field.autocomplete ?? nothing}
            ?required=${field.required}
            ?disabled=${busy}
            aria-invalid=${invalid}
            aria-describedby=${describedBy}
          >
            ${options.length === 1 ? nothing : html`<option value="">${t.choose}</option>`}
            ${options.map(
              (option) =>
                html`<option value=${option.value} ?selected=${option.value === value}>
                  ${label(t, `option:${field.name}:${option.value}`, option.label)}
                </option>`,
            )}
          </select>`
        : html`<input
            part="input"
            id=${id}
            name=${field.name}
            type=${field.type}
            .defaultValue=${value ?? ''}
            inputmode=${field.inputMode ?? nothing}
            maxlength="256"
            autocomplete=${field.autocomplete ?? 'off'}
            ?required=${field.required}
            ?readonly=${busy}
            aria-invalid=${invalid}
            aria-describedby=${describedBy}
          />`;
    return html`
      <div part="field" class="field">
        <label part="label" for=${id}>${labelOf(t, field)}</label>
        ${control}
        ${error ? html`<p part="field-error" class="field-error" id=${errorId}>${error}</p>` : nothing}
      </div>
    `;
  };
  return html`<div part="fields" class="fields">${(method.fields ?? []).map(field)}</div>`;
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
  const t = { ...enMethods, ...texts };
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
      if (field.required) errors[field.name] = t.fieldRequired(labelOf(t, field));
    } else if (invalid) errors[field.name] = t.fieldInvalid(labelOf(t, field));
    else values[field.name] = value;
  }
  return { values, errors };
}
