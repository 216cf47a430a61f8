/**
 * @module
 * core/logger.ts `lazyChild`: a request's logger costs nothing until it is used, and once used
 * it writes exactly what a pino child would (its bindings, the parent's redaction and level).
 */
import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { createLogger, lazyChild } from './logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { lines, logger: createLogger(undefined, 'info', destination) };
}

describe('lazyChild', () => {
  it('makes no child until something is logged through it', () => {
    const { logger } = capture();
    const child = vi.spyOn(logger, 'child');
    const bindings = vi.fn(() => ({ requestId: 'req-1' }));
    const log = lazyChild(logger, bindings);
    expect(child).not.toHaveBeenCalled();
    expect(bindings).not.toHaveBeenCalled();
    log.info('first');
    log.warn('second');
    expect(child).toHaveBeenCalledTimes(1);
    expect(bindings).toHaveBeenCalledTimes(1);
  });

  it('writes what a child would: bindings, level, redaction, nested children', () => {
    const { lines, logger } = capture();
    const log = lazyChild(logger, () => ({ requestId: 'req-2' }));
    log.debug('below the level');
    log.info({ authorization: 'Bearer secret-value', n: 1 }, 'hello');
    log.child({ step: 'inner' }).error('nested');
    expect(log.level).toBe('info');
    expect(log.isLevelEnabled('debug')).toBe(false);

    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      requestId: 'req-2',
      service: 'pay-checkout-server',
      msg: 'hello',
      n: 1,
      authorization: '[redacted]',
    });
    expect(lines[1]).toMatchObject({ requestId: 'req-2', step: 'inner', msg: 'nested' });
  });
});
