/**
 * Renders the extension icon (package.json `icon`: media/icon.png, 128x128, transparent corners) from
 * scripts/icon.svg with the Chromium the e2e tests use (no image tool needed). `npm run icon`; also
 * renders media/localbatch.svg (the activity-bar icon) to test-results/ for a look at it.
 */
import { readFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(__dirname, '..');
const CHROMIUM = process.env.LOCALBATCH_CHROMIUM ?? '/usr/bin/chromium';

async function render(svgFile: string, out: string, size: number, css = ''): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'], headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
    const svg = readFileSync(svgFile, 'utf8').replace(/<svg /, `<svg style="width:${size}px;height:${size}px;display:block" `);
    await page.setContent(`<html><body style="margin:0;background:transparent;${css}">${svg}</body></html>`);
    await page.screenshot({ path: out, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  await render(path.join(ROOT, 'scripts', 'icon.svg'), path.join(ROOT, 'media', 'icon.png'), 128);
  mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
  await render(path.join(ROOT, 'media', 'localbatch.svg'), path.join(ROOT, 'test-results', 'activity-bar-icon.png'), 96, 'color:#c5c5c5;background:#181818');
  console.log('wrote media/icon.png (and test-results/activity-bar-icon.png to look at)');
}

void main();
