/**
 * @module
 * The options `startCheckoutServer` gives @hono/node-server's `serve`: Node's own timeouts set
 * from the limits, and a `createServer` that puts the body guard (http/body-guard.ts) in front
 * of the request listener `serve` builds (for `Expect: 100-continue` requests too). The listener's own clean-up of unread bodies is off:
 * the guard has read every body by the time the listener runs.
 */
import { createServer, type RequestListener, type ServerOptions } from 'node:http';
import { BodyBudget } from './body-budget.js';
import { BUDGET_FACTOR, continueOrRefuse, guardBodies } from './body-guard.js';
import { nodeServerOptions, type HttpLimits } from './limits.js';

/** What to spread into `serve({ fetch, port, hostname, ... })`. */
export interface GuardedServeOptions {
  serverOptions: ServerOptions;
  createServer: typeof createServer;
  autoCleanupIncoming: false;
}

/**
 * @example
 * serve({ fetch, port, hostname, ...guardedServeOptions(limits, MAX_BODY_BYTES) });
 */
export function guardedServeOptions(limits: HttpLimits, maxBodyBytes: number): GuardedServeOptions {
  const create = (options: ServerOptions, listener: RequestListener) => {
    // One budget for every connection of the server, `Expect: 100-continue` ones included.
    const guard = { maxBodyBytes, limits, budget: new BodyBudget(maxBodyBytes * BUDGET_FACTOR) };
    return createServer(options, guardBodies(listener, guard)).on(
      'checkContinue',
      continueOrRefuse(listener, guard),
    );
  };
  return {
    serverOptions: nodeServerOptions(limits),
    // `serve` always calls it as `createServer(serverOptions, listener)`.
    createServer: create as typeof createServer,
    autoCleanupIncoming: false,
  };
}
