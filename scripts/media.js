#!/usr/bin/env node
'use strict';
// `node scripts/media.js`: makes the packaged images from their sources, with the headless chromium the
// e2e tier uses (no image tools needed):
//   media/icon.png (128×128, the marketplace icon)       from media/icon.svg
//   media/walkthrough/{light,dark}/<step>.png            cropped from the e2e screenshots in
//                                                        .test-output/screenshots/{light,dark} (run `npm run test:e2e` first)
// The results are committed: they are the product's images, not build output.
const fs = require('node:fs');
const path = require('node:path');
const { ensureChromium } = require('./lib/vscodeHost');

const root = path.resolve(__dirname, '..');
const shots = path.join(root, '.test-output', 'screenshots');

/** Each walkthrough step's image: which e2e screenshot (test/e2e/walkthrough.e2e.test.ts), and the part of it that shows the step (pixels of the 1400×900 shot). */
const STEPS = {
  connect: { shot: 'walkthrough-connect', clip: { x: 0, y: 35, width: 345, height: 470 } },
  browse: { shot: 'walkthrough-browse', clip: { x: 0, y: 35, width: 1000, height: 460 } },
  save: { shot: 'walkthrough-save', clip: { x: 345, y: 35, width: 1055, height: 835 } },
  watch: { shot: 'walkthrough-watch', clip: { x: 0, y: 35, width: 1000, height: 745 } },
  coordination: { shot: 'walkthrough-coordination', clip: { x: 0, y: 35, width: 1400, height: 540 } },
  script: { shot: 'walkthrough-script', clip: { x: 345, y: 35, width: 1055, height: 300 } },
};

async function main() {
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({ executablePath: await ensureChromium({ log: console.log }), args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const svg = fs.readFileSync(path.join(root, 'media', 'icon.svg'), 'utf8');
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
    await page.locator('svg').screenshot({ path: path.join(root, 'media', 'icon.png'), omitBackground: true });
    console.log('media/icon.png');
    for (const theme of ['light', 'dark']) {
      for (const [step, { shot, clip }] of Object.entries(STEPS)) {
        const source = path.join(shots, theme, `${shot}.png`);
        if (!fs.existsSync(source)) throw new Error(`${source} is missing: run the e2e tier first (npm run test:e2e)`);
        const data = fs.readFileSync(source).toString('base64');
        await page.setContent(`<html><body style="margin:0"><img src="data:image/png;base64,${data}" style="display:block;width:1400px;height:900px"></body></html>`);
        await page.locator('img').evaluate((img) => img.decode());
        const out = path.join(root, 'media', 'walkthrough', theme, `${step}.png`);
        await page.screenshot({ path: out, clip });
        console.log(path.relative(root, out));
      }
    }
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
