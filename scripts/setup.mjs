#!/usr/bin/env node
/**
 * Makes a fresh machine ready: checks Node, installs pnpm when it is missing, installs the
 * workspace's dependencies from the lockfile and, with `--browser`, makes sure a Chromium is
 * there for the component and end-to-end tests.
 *
 * Uses nothing but Node's standard library, so it runs before any dependency exists.
 * Usage: node scripts/setup.mjs [--browser]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import process from 'node:process';

const root = new URL('..', import.meta.url).pathname;
const wantBrowser = process.argv.includes('--browser');

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`"${command} ${args.join(' ')}" exited with ${result.status}`);
  }
}

function has(command, args = ['--version']) {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return !result.error && result.status === 0;
}

function step(message) {
  process.stdout.write(`\n▸ ${message}\n`);
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`pay-checkout needs Node 20.19 or newer; this is ${process.version}.`);
  process.exit(1);
}

try {
  if (!has('pnpm')) {
    step('pnpm is missing: installing pnpm 10 with npm');
    run('npm', ['install', '--global', 'pnpm@10']);
  }

  step('Installing dependencies (pnpm install --frozen-lockfile)');
  run('pnpm', ['install', '--frozen-lockfile', '--prefer-offline'], {
    env: { ...process.env, CI: process.env.CI ?? 'true' },
  });

  if (wantBrowser) {
    const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
    if (!existsSync(chromium)) {
      const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
      if (!isRoot || !has('apt-get', ['--version'])) {
        throw new Error(
          `No Chromium at ${chromium}. Install one (Debian/Ubuntu: apt-get install chromium) ` +
            'or point CHROMIUM_PATH at a Chromium or Chrome binary.',
        );
      }
      step('Chromium is missing: installing Debian’s chromium package');
      run('apt-get', ['update', '-qq']);
      run('apt-get', ['install', '-y', '-qq', 'chromium'], {
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    }
  }
} catch (error) {
  console.error(`\nSet-up failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
