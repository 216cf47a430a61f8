/**
 * @module
 * The status vocabulary as a zod schema.
 */
import { z } from 'zod';
import { ORDER_STATUSES } from './status.js';

export const OrderStatusSchema = z.enum(ORDER_STATUSES);
