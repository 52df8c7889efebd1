/**
 * Headless Chromium for the report page test, through its command-line modes (no DevTools client,
 * no npm dependency): --dump-dom prints the DOM after the page's scripts ran, --screenshot writes a
 * PNG. The flags keep it off the network (this machine has none; without them it waits on it) and
 * a fresh profile each run keeps runs independent.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { chromiumPath } from './tools';

const run = promisify(execFile);

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  // Console messages (and uncaught errors) go to stderr as "INFO:CONSOLE" lines.
  '--enable-logging=stderr',
  '--v=0',
];

async function chromium(args: string[], file: string): Promise<{ stdout: string; stderr: string }> {
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  try {
    return await run(chromiumPath(), [...FLAGS, `--user-data-dir=${profile}`, ...args, pathToFileURL(file).href], { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The DOM after load and the page's console output (one entry per message). */
export async function renderedDom(file: string): Promise<{ dom: string; console: string[] }> {
  const { stdout, stderr } = await chromium(['--dump-dom', '--window-size=1280,2000'], file);
  return { dom: stdout, console: stderr.split('\n').filter((line) => line.includes(':CONSOLE')) };
}

export async function screenshot(file: string, png: string, width = 1280, height = 2000): Promise<void> {
  await chromium([`--screenshot=${png}`, `--window-size=${width},${height}`, '--hide-scrollbars'], file);
}

/** Attributes of every element with the given tag and class in a serialized DOM. */
export function elements(dom: string, tag: string, className: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  for (const match of dom.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, 'g'))) {
    const attrs = Object.fromEntries([...match[1].matchAll(/([\w:-]+)="([^"]*)"/g)].map((m) => [m[1], m[2].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>')]));
    if ((attrs.class ?? '').split(/\s+/).includes(className)) found.push(attrs);
  }
  return found;
}
