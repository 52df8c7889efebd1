/**
 * The self-contained HTML plan report: one file with its CSS, its script and its data inline, no
 * network access (no CDN, no fonts), so it opens from a CI artifact or a mail attachment. The
 * script (page-script.js) draws the SVG charts from the embedded JSON.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlanPageData } from './plan-page-data';

const PAGE_CSS = readFileSync(join(__dirname, 'page.css'), 'utf8');
const PAGE_SCRIPT = readFileSync(join(__dirname, 'page-script.js'), 'utf8');

export function planPageHtml(data: PlanPageData): string {
  const title = `MetricStream ${data.environment}: capacity plan and cost`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
${PAGE_CSS}
</style>
</head>
<body>
<header>
  <h1>${escapeHtml(title)}</h1>
  <p class="sub" id="summary"></p>
</header>
<main>
  <section><h2>Cost by tier</h2><div id="tier-chart" class="chart"></div></section>
  <section><h2>Instances</h2><table id="instances"></table></section>
  <section class="wide"><h2>Cost by resource</h2><table id="lines"></table></section>
  <section class="wide"><h2>What batching does</h2><p>The configured workload beside Telegraf's defaults (1,000-metric batches flushed every 10 s, gzip): ALB capacity units, bytes out to clients, access logs and the ingest fleet.</p><table id="batching"></table></section>
  <section class="wide"><h2>What if the load grows: monthly cost</h2><div id="cost-curve" class="chart"></div></section>
  <section class="wide"><h2>What if the load grows: instances</h2><div id="count-curve" class="chart"></div><div id="steps"></div></section>
</main>
<footer id="footer"></footer>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>
${PAGE_SCRIPT}
</script>
</body>
</html>
`;
}

/** JSON inside <script>: `<` escaped so no "</script>" in the data can end the element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
