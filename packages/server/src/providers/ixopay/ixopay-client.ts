/**
 * @module
 * A small client of IXOPAY's Transaction and Status APIs: HTTP Basic with the API user, the
 * connector's API key in the path, every attempt signed (`X-Signature` + `Date`) by a ky
 * `beforeRequest` hook, a 10 s timeout per attempt, and retries with exponential back-off and full
 * jitter, also when IXOPAY answers with an error code it calls temporary.
 *
 * A debit is retried too: its `merchantTransactionId` is unique per connector, so a repeat after a
 * lost answer is refused with 3004 instead of creating a second transaction. Failures to reach
 * IXOPAY become a retryable 502 `provider_unavailable`; credentials and the shared secret appear
 * in no error or log line.
 */
import ky, { type AfterResponseHook } from 'ky';
import { z } from 'zod';
import type { ApiError } from '../../core/api-error.js';
import {
  type HttpOutcome,
  isTransientStatus,
  oneLine,
  ProviderHttp,
  providerError,
  providerErrors,
  providerUnavailable,
  type ProviderHttpOptions,
} from '../http/provider-http.js';
import { IXOPAY_CONTENT_TYPE, signIxopay } from './ixopay-signature.js';

const ErrorEntrySchema = z.looseObject({
  errorMessage: z.string().nullish(),
  errorCode: z.coerce.number().int().nullish(),
  adapterMessage: z.string().nullish(),
  adapterCode: z.union([z.string(), z.number()]).nullish(),
});
export type IxopayErrorEntry = z.infer<typeof ErrorEntrySchema>;

/** The synchronous answer of a transaction request. */
export const TransactionResponseSchema = z.looseObject({
  success: z.boolean(),
  uuid: z.string().max(64).nullish(),
  purchaseId: z.string().max(128).nullish(),
  returnType: z.string().max(32).nullish(),
  redirectUrl: z.string().max(2048).nullish(),
  htmlContent: z.string().nullish(),
  paymentMethod: z.string().nullish(),
  errors: z.array(ErrorEntrySchema).nullish(),
  errorMessage: z.string().nullish(),
  errorCode: z.coerce.number().int().nullish(),
});
export type TransactionResponse = z.infer<typeof TransactionResponseSchema>;

/** The Status API's answer. */
export const StatusResponseSchema = z.looseObject({
  success: z.boolean(),
  transactionStatus: z.string().max(32).nullish(),
  uuid: z.string().max(64).nullish(),
  merchantTransactionId: z.string().max(64).nullish(),
  transactionType: z.string().max(32).nullish(),
  amount: z.union([z.string().max(32), z.number()]).nullish(),
  currency: z.string().max(3).nullish(),
  errors: z.array(ErrorEntrySchema).nullish(),
  errorMessage: z.string().nullish(),
  errorCode: z.coerce.number().int().nullish(),
});
export type StatusResponse = z.infer<typeof StatusResponseSchema>;

/** The body of a debit (the fields we send). */
export interface DebitRequest {
  merchantTransactionId: string;
  amount: string;
  currency: string;
  description?: string;
  successUrl: string;
  cancelUrl: string;
  errorUrl: string;
  callbackUrl: string;
  language?: string;
  customer?: { email?: string };
  extraData?: Record<string, string>;
}

export interface IxopayClientOptions extends Omit<ProviderHttpOptions, 'redirect'> {
  apiKey: string;
  username: string;
  password: string;
  sharedSecret: string;
  now?: () => Date;
}

type Outcome =
  | { kind: 'answer'; body: unknown }
  | { kind: 'refused'; message: string }
  | { kind: 'unavailable'; reason: string };

const ixopay = providerErrors('IXOPAY');

/** Error code of a status lookup that finds nothing. */
export const NOT_FOUND_CODE = 8001;
/** Error code of a reused `merchantTransactionId`. */
export const DUPLICATE_CODE = 3004;
/** Error codes that mean "try again later": timeouts, rate limit, maintenance, comms. */
const TRANSIENT_CODES: ReadonlySet<number> = new Set([1009, 1010, 3001, 3003, 3005]);

/** The errors of an answer, whether listed in `errors[]` or given at the top level. */
export function errorsOf(answer: {
  errors?: IxopayErrorEntry[] | null;
  errorMessage?: string | null;
  errorCode?: number | null;
}): IxopayErrorEntry[] {
  if (answer.errors && answer.errors.length > 0) return answer.errors;
  if (answer.errorCode != null || answer.errorMessage != null) {
    return [{ errorCode: answer.errorCode ?? null, errorMessage: answer.errorMessage ?? null }];
  }
  return [];
}

/** True when IXOPAY says the failure is temporary. */
export function isTransient(errors: IxopayErrorEntry[]): boolean {
  return errors.some((e) => e.errorCode != null && TRANSIENT_CODES.has(e.errorCode));
}

/** One line describing IXOPAY's errors, for merchants: message and code, cut to a sane length. */
export function describeErrors(errors: IxopayErrorEntry[]): string {
  if (errors.length === 0) return 'no reason given';
  return errors
    .slice(0, 3)
    .map((e) => {
      const message = oneLine(e.errorMessage ?? 'error', 160);
      const adapter = e.adapterMessage ? `; ${oneLine(e.adapterMessage, 80)}` : '';
      return e.errorCode != null
        ? `${message}${adapter} (code ${e.errorCode})`
        : `${message}${adapter}`;
    })
    .join('; ');
}

/** The IXOPAY Transaction and Status APIs. */
export class IxopayClient {
  readonly #http: ProviderHttp;
  readonly #apiKey: string;
  readonly #authorization: string;
  readonly #secret: string;
  readonly #now: () => Date;

  constructor(options: IxopayClientOptions) {
    this.#http = new ProviderHttp(
      { ...options, redirect: 'manual' },
      { beforeRequest: [(request) => this.#sign(request)] },
    );
    this.#apiKey = encodeURIComponent(options.apiKey);
    this.#authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`, 'utf8').toString('base64')}`;
    this.#secret = options.sharedSecret;
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * Sends a debit; resolves with IXOPAY's answer (which may say `success: false`) and the attempt
   * that got it, so that a 3004 on a repeat can be told from a 3004 on the first try.
   */
  async debit(body: DebitRequest): Promise<{ answer: TransactionResponse; attempt: number }> {
    const { outcome, attempt } = await this.#call(
      TransactionResponseSchema,
      'POST',
      `/transaction/${this.#apiKey}/debit`,
      JSON.stringify(body),
      (answer) => !answer.success && isTransient(errorsOf(answer)),
    );
    if (outcome.kind === 'answer') return { answer: outcome.answer, attempt };
    throw toError(outcome);
  }

  /** The transaction with our `merchantTransactionId`; null when IXOPAY knows none (8001). */
  async statusByMerchantTransactionId(id: string): Promise<StatusResponse | null> {
    const path = `/status/${this.#apiKey}/getByMerchantTransactionId/${encodeURIComponent(id)}`;
    const { outcome } = await this.#call(
      StatusResponseSchema,
      'GET',
      path,
      undefined,
      isTransientFailure,
    );
    if (outcome.kind !== 'answer') throw toError(outcome);
    const answer = outcome.answer;
    if (answer.success) return answer;
    const errors = errorsOf(answer);
    if (errors.some((e) => e.errorCode === NOT_FOUND_CODE)) return null;
    throw isTransient(errors)
      ? unavailable(`IXOPAY could not answer the status request (${describeErrors(errors)})`)
      : refused(describeErrors(errors));
  }

  /**
   * One call, safe to repeat, whose answer is read with `schema`; repeated as well while `again`
   * says IXOPAY's answer is a temporary failure.
   */
  async #call<T>(
    schema: z.ZodType<T>,
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    again: (answer: T) => boolean,
  ): Promise<{
    outcome: { kind: 'answer'; answer: T } | Exclude<Outcome, { kind: 'answer' }>;
    attempt: number;
  }> {
    const { outcome, attempt } = await this.#http.call(method, path, {
      headers: { Authorization: this.#authorization, 'Content-Type': IXOPAY_CONTENT_TYPE },
      ...(body !== undefined ? { body } : {}),
      repeat: 'safe',
      hooks: { afterResponse: [repeatWhile(schema, again)] },
    });
    const read = readAnswer(outcome);
    return {
      outcome:
        read.kind === 'answer' ? { kind: 'answer', answer: ixopay.parse(schema, read.body) } : read,
      attempt,
    };
  }

  /** Signs one attempt: `Date` and `X-Signature` over its method, body, content type and path. */
  async #sign(request: Request): Promise<void> {
    const url = new URL(request.url);
    const date = this.#now().toUTCString();
    const body = request.body ? await request.clone().text() : '';
    const signature = signIxopay(this.#secret, {
      method: request.method,
      body,
      contentType: IXOPAY_CONTENT_TYPE,
      date,
      requestUri: `${url.pathname}${url.search}`,
    });
    request.headers.set('Date', date);
    request.headers.set('X-Signature', signature);
  }
}

/** Any answer of IXOPAY's APIs, before it is read with its own schema. */
const AnswerSchema = z.looseObject({ success: z.boolean() });

/**
 * A ky hook that repeats the call, while attempts are left, when a 2xx is not an IXOPAY answer or
 * when IXOPAY answers (2xx or 4xx) what `again` calls a temporary failure; the last such answer is
 * read as it is.
 */
function repeatWhile<T>(schema: z.ZodType<T>, again: (answer: T) => boolean): AfterResponseHook {
  return async (_request, options, response, { retryCount }) => {
    if (retryCount >= (options.retry.limit ?? 0)) return;
    if (isTransientStatus(response.status) || response.status === 401 || response.status === 403) {
      return;
    }
    const body: unknown = await response.json().catch(() => null);
    if (!AnswerSchema.safeParse(body).success) return response.ok ? ky.retry() : undefined;
    const answer = schema.safeParse(body);
    return answer.success && again(answer.data) ? ky.retry() : undefined;
  };
}

/** IXOPAY's answer: a body with `success` (whatever the status), a refusal, or unavailable. */
function readAnswer(outcome: HttpOutcome): Outcome {
  if (outcome.kind === 'unavailable') return outcome;
  const payload = outcome.body;
  const answer = AnswerSchema.safeParse(payload);
  if (outcome.kind === 'refused' && (outcome.status === 401 || outcome.status === 403)) {
    const errors = answer.success ? errorsOf(payload as TransactionResponse) : [];
    const signatureProblem = errors.some((e) => e.errorCode === 1004);
    return {
      kind: 'refused',
      message: signatureProblem
        ? 'IXOPAY refused the request signature (check IXOPAY_SHARED_SECRET)'
        : 'IXOPAY refused our credentials (check IXOPAY_USERNAME, IXOPAY_PASSWORD and IXOPAY_API_KEY)',
    };
  }
  if (answer.success) return { kind: 'answer', body: payload };
  if (outcome.kind === 'ok') return { kind: 'unavailable', reason: 'unreadable answer' };
  return {
    kind: 'refused',
    message:
      outcome.status === 404
        ? 'IXOPAY does not know this endpoint (check IXOPAY_API_URL)'
        : `IXOPAY answered HTTP ${outcome.status}`,
  };
}

/** A status answer that failed for a reason IXOPAY calls temporary (not a missing transaction). */
function isTransientFailure(answer: StatusResponse): boolean {
  if (answer.success) return false;
  const errors = errorsOf(answer);
  return !errors.some((e) => e.errorCode === NOT_FOUND_CODE) && isTransient(errors);
}

/** A retryable 502: IXOPAY could not be reached or could not answer right now. */
export function unavailable(message: string): ApiError {
  return providerUnavailable(message);
}

/** A definitive 502: IXOPAY refused the request. */
export function refused(message: string): ApiError {
  return ixopay.refused(message);
}

function toError(
  outcome:
    | { kind: 'unavailable'; reason: string; certain?: boolean }
    | { kind: 'refused'; message: string },
): ApiError {
  return outcome.kind === 'unavailable'
    ? ixopay.unreachable(outcome.reason, outcome.certain === true)
    : providerError(outcome.message);
}
