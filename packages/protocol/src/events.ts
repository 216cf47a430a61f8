/**
 * @module
 * The Server-Sent Events stream of a session (`GET /v1/sessions/:id/events`).
 *
 * Every message is `event: status`, `id: <integer, increasing per session>` and this JSON as
 * `data`. The first message after connecting is a snapshot of the current state.
 */
import { z } from 'zod';
import { TimestampSchema } from './common.js';
import { OrderStatusSchema } from './status-schema.js';

export const StatusEventSchema = z.object({
  /** The order whose status changed; `null` in a snapshot of a session with no order yet. */
  orderId: z.string().nullable(),
  status: OrderStatusSchema,
  at: TimestampSchema,
});
export type StatusEvent = z.infer<typeof StatusEventSchema>;

/** The SSE event name of status messages. */
export const STATUS_EVENT = 'status';
