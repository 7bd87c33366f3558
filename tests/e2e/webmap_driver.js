// Drives Debian's headless Chromium through the DevTools protocol (puppeteer-core, fetched by
// tools/fetch-web-libs --test; never a downloaded browser) over a scicov web map, and prints
// what it saw as JSON on stdout for tests/e2e/test_webmap.py to check against the GeoPackage.
//
//   node webmap_driver.js CONFIG.json
//
// CONFIG: {"puppeteer": ".cache/web/puppeteer", "url": "file:///…/map.html", "out_dir": "/tmp/x",
//          "village": "某村", "toggle_type": "science_room"}
// With "measure": true it only loads the page and times a zoom, a pan and a change of type
// (the figures of docs/webmap.md).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const puppeteer = require(path.join(config.puppeteer, 'node_modules', 'puppeteer-core'));

async function main() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'scicov-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    headless: false,  // the flags below say --headless themselves; no defaults of puppeteer's
    ignoreDefaultArgs: true,
    pipe: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync', '--user-data-dir=' + profile,
      '--hide-scrollbars', '--mute-audio', '--lang=zh-CN'],
  });
  const out = { console_errors: [], failed_requests: [] };
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    page.on('console', (m) => { if (m.type() === 'error') out.console_errors.push(m.text()); });
    page.on('pageerror', (e) => out.console_errors.push(String(e)));
    page.on('requestfailed', (r) => out.failed_requests.push(r.url().slice(0, 200)));

    const started = Date.now();
    await page.goto(config.url, { waitUntil: 'load', timeout: 120000 });
    out.load_wall_ms = Date.now() - started;
    await page.waitForFunction('window.scicovMap !== undefined', { timeout: 60000 });
    out.timing = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const paint = {};
      for (const p of performance.getEntriesByType('paint')) paint[p.name] = Math.round(p.startTime);
      return { first_paint_ms: paint['first-paint'], first_contentful_paint_ms: paint['first-contentful-paint'],
        dom_content_loaded_ms: Math.round(nav.domContentLoadedEventEnd), load_ms: Math.round(nav.loadEventEnd),
        transfer_bytes: nav.decodedBodySize };
    });
    out.drawn_initial = await page.evaluate(() => window.scicovMap.drawn());
    if (config.measure) {
      // Redraw times after the load: a zoom step, a pan, and a change of the coverage type.
      out.redraw_ms = await page.evaluate(async () => {
        const s = window.scicovMap;
        const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        const timed = async (f) => { const t = performance.now(); f(); await frame(); return Math.round(performance.now() - t); };
        const types = s.meta.types.map((t) => t.key);
        return { zoom_in: await timed(() => s.map.setZoom(s.map.getZoom() + 1, { animate: false })),
          pan: await timed(() => s.map.panBy([300, 200], { animate: false })),
          zoom_out: await timed(() => s.map.setZoom(s.map.getZoom() - 3, { animate: false })),
          change_type: await timed(() => s.showType(types[0])),
          js_heap_mb: Math.round(performance.memory.usedJSHeapSize / 1048576) };
      });
      const metrics = await page.metrics();  // main-thread busy seconds, less hostage to a loaded machine
      out.main_thread_s = { task: metrics.TaskDuration, script: metrics.ScriptDuration, layout: metrics.LayoutDuration };
      out.screenshot = path.join(config.out_dir, 'webmap.png');
      await page.screenshot({ path: out.screenshot });
      process.stdout.write(JSON.stringify(out));
      return;
    }
    out.meta_counts = await page.evaluate(() => window.scicovMap.meta.counts);
    out.type_options = await page.evaluate(() => Array.from(document.querySelectorAll('#type-select option'),
      (o) => ({ value: o.value, text: o.textContent })));
    out.legend = await page.$eval('.legend', (e) => e.innerText);
    out.layer_labels = await page.$$eval('.leaflet-control-layers-overlays label', (ls) => ls.map((l) => l.innerText.trim()));
    out.screenshot = path.join(config.out_dir, 'webmap.png');
    await page.screenshot({ path: out.screenshot });

    // Search for a village by name, pick the village among the results, read its popup.
    await page.click('#search');
    await page.keyboard.type(config.village);
    await page.waitForSelector('#search-results li');
    out.search_results = await page.$$eval('#search-results li', (ls) => ls.map((l) => l.innerText));
    const items = await page.$$('#search-results li');
    let picked = false;
    for (const item of items) {
      const text = await item.evaluate((l) => l.innerText);
      if (text.startsWith(config.village) && text.includes('村(社区) village')) {
        await item.click();
        picked = true;
        break;
      }
    }
    out.search_picked = picked;
    if (picked) {
      await page.waitForSelector('.leaflet-popup-content .popup.village', { timeout: 10000 });
      out.popup = await page.$eval('.leaflet-popup-content .popup.village', (p) => ({
        code: p.dataset.code,
        title: p.querySelector('h3').innerText,
        population: p.querySelector('.population').innerText,
        text: p.innerText,
        rows: Array.from(p.querySelectorAll('tr.cov'), (r) => ({ type: r.dataset.type, cov: Number(r.dataset.cov),
          dist: r.dataset.dist === '' ? null : Number(r.dataset.dist),
          time: r.dataset.time === '' ? null : Number(r.dataset.time), text: r.innerText })),
      }));
      out.zoom_after_search = await page.evaluate(() => window.scicovMap.map.getZoom());
      await page.screenshot({ path: path.join(config.out_dir, 'webmap-popup.png') });
    }

    // Toggle one facility type off in the layer switcher, with a real click on its checkbox.
    const box = await page.$('[data-layer="facilities-' + config.toggle_type + '"]');
    const input = await box.evaluateHandle((s) => s.closest('label').querySelector('input'));
    await page.evaluate(() => window.scicovMap.map.closePopup());
    await input.click();
    out.toggle_checked = await input.evaluate((i) => i.checked);
    out.toggle_on_map = await page.evaluate((t) =>
      window.scicovMap.map.hasLayer(window.scicovMap.layers.facilitiesByType[t]), config.toggle_type);
    out.drawn_after_toggle = await page.evaluate(() => window.scicovMap.drawn());

    // Download the facilities as CSV through the button (the browser saves it into out_dir).
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: config.out_dir });
    await page.click('#download-csv');
    await page.click('#download-geojson');
    const deadline = Date.now() + 20000;
    out.downloads = [];
    while (Date.now() < deadline) {
      out.downloads = fs.readdirSync(config.out_dir).filter((f) => /-facilities\.(csv|geojson)$/.test(f));
      if (out.downloads.length === 2) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => { console.error(e); process.exit(1); });
