/**
 * @module
 * Serving the built console: index.html with the strict CSP at `/console/` and for deep links,
 * assets by path with long caching, nothing outside the build, a 404 for a missing asset, and a
 * 503 that says how to build it when there is no build.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, consoleDistDir, serveConsoleFile } from './static.js';

let root: string;
let dist: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'pay-checkout-console-'));
  dist = join(root, 'dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(dist, 'favicon.svg'), '<svg/>');
  writeFileSync(join(root, 'secret.txt'), 'outside the build');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the console build', () => {
  it('serves index.html with the CSP at the root and for deep links', async () => {
    for (const path of ['', 'index.html', 'orders/ord_1', 'notifications']) {
      const response = await serveConsoleFile(dist, path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
      expect(await response.text()).toContain('<title>console</title>');
    }
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).toContain("frame-ancestors 'none'");
  });

  it('serves assets by path, hashed ones cached for good', async () => {
    const script = await serveConsoleFile(dist, 'assets/index-abc123.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toContain('immutable');
    expect(await script.text()).toBe('console.log(1)');
    const icon = await serveConsoleFile(dist, 'favicon.svg');
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
  });

  it('answers 404 for a missing asset and never reads outside the build', async () => {
    for (const path of ['assets/gone.js', '../secret.txt', '%2e%2e/secret.txt', 'x.css']) {
      const response = await serveConsoleFile(dist, path);
      expect(await response.text(), path).not.toContain('outside the build');
      expect(response.status, path).toBe(404);
    }
  });

  it('answers 503 with how to build it when there is no build', async () => {
    for (const where of [null, join(root, 'nowhere')]) {
      const response = await serveConsoleFile(where, '');
      expect(response.status).toBe(503);
      expect(await response.text()).toMatch(/not built.*@pay-checkout\/console build/);
    }
  });

  it('finds the console package’s dist directory', () => {
    expect(consoleDistDir()).toMatch(/packages[/\\]console[/\\]dist$/);
  });
});
