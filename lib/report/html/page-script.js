// Draws the plan report from the JSON in #report-data (lib/report/html/plan-page-data.ts). Every
// drawn mark carries its number in a data attribute, so a headless browser test can compare the
// chart with the plan. Plain DOM and SVG: the page loads nothing from the network.
(function () {
  'use strict';
  var errors = [];
  window.addEventListener('error', function (event) { errors.push(String(event.message)); document.body.dataset.renderError = errors.join(' | '); });

  var data = JSON.parse(document.getElementById('report-data').textContent);
  var SVG = 'http://www.w3.org/2000/svg';
  var TIER_COLOR = { network: 'var(--network)', ingest: 'var(--ingest)', kafka: 'var(--kafka)', flink: 'var(--flink)', influx: 'var(--influx)', monitoring: 'var(--monitoring)' };
  var usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var usd0 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
  var int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  var count = function (n) { return Number.isInteger(n) ? int.format(n) : n.toFixed(2); };
  var shortLoad = function (n) { return n >= 1e6 ? (n / 1e6) + 'M' : n >= 1e3 ? (n / 1e3) + 'k' : String(n); };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function titled(node, text) { node.appendChild(svgEl('title', {}, text)); return node; }
  function row(table, cells, attrs) {
    var tr = el('tr', attrs);
    cells.forEach(function (c) { var attrs = c.num ? { class: 'num' } : {}; if (c.title) attrs.title = c.title; var td = el(c.head ? 'th' : 'td', attrs, c.text); if (c.swatch) td.prepend(el('span', { class: 'swatch', style: 'background:' + TIER_COLOR[c.swatch] })); tr.appendChild(td); });
    table.appendChild(tr);
    return tr;
  }

  // Summary line.
  document.getElementById('summary').textContent = data.environment + ' in ' + data.region + ', ' + data.pricing + ' pricing: ' +
    usd.format(data.totalMonthlyUsd) + ' a month for ' + int.format(data.averageMetricsPerSecond) + ' metrics/s on average (' +
    int.format(data.peakMetricsPerSecond) + ' at peak), ' + '$' + Number(data.costPerMillionMetricsUsd.toPrecision(4)) + ' per million metrics.';
  document.body.dataset.totalMonthlyUsd = String(data.totalMonthlyUsd);

  // Cost by tier: horizontal bars.
  (function () {
    var width = 560, barHeight = 22, gap = 8, labelWidth = 90, valueWidth = 90;
    var max = Math.max.apply(null, data.monthlyUsdByTier.map(function (t) { return t.monthlyUsd; }));
    var svg = svgEl('svg', { viewBox: '0 0 ' + width + ' ' + (data.monthlyUsdByTier.length * (barHeight + gap)), id: 'tier-bars' });
    data.monthlyUsdByTier.forEach(function (t, i) {
      var y = i * (barHeight + gap);
      var w = (width - labelWidth - valueWidth) * (t.monthlyUsd / max);
      svg.appendChild(svgEl('text', { x: 0, y: y + 15 }, t.tier));
      svg.appendChild(titled(svgEl('rect', { class: 'tier-bar', x: labelWidth, y: y, width: w.toFixed(2), height: barHeight, rx: 3, fill: TIER_COLOR[t.tier], 'data-tier': t.tier, 'data-monthly-usd': String(t.monthlyUsd) }), t.tier + ': ' + usd.format(t.monthlyUsd)));
      svg.appendChild(svgEl('text', { x: labelWidth + w + 6, y: y + 15 }, usd.format(t.monthlyUsd)));
    });
    document.getElementById('tier-chart').appendChild(svg);
  })();

  // Instances and cost lines: tables.
  (function () {
    var table = document.getElementById('instances');
    row(table, [{ head: true, text: 'tier' }, { head: true, text: 'what' }, { head: true, text: 'type' }, { head: true, text: 'count', num: true }, { head: true, text: 'sizing' }]);
    data.instances.forEach(function (i) {
      row(table, [{ text: i.tier, swatch: i.tier }, { text: i.label }, { text: i.type }, { text: count(i.count), num: true }, { text: i.detail }], { 'data-tier': i.tier, 'data-count': String(i.count) });
    });
    var lines = document.getElementById('lines');
    row(lines, ['tier', 'resource', 'type', 'count', 'quantity/month', 'unit price', 'monthly', 'usage assumption'].map(function (h, k) { return { head: true, text: h, num: k >= 3 && k <= 6 }; }));
    data.lines.forEach(function (l) {
      row(lines, [{ text: l.tier, swatch: l.tier }, { text: l.resource }, { text: l.type }, { text: count(l.count), num: true }, { text: count(Math.round(l.monthlyQuantity * 100) / 100) + ' ' + l.unit, num: true }, { text: '$' + Number(l.unitPriceUsd.toPrecision(6)) + ' / ' + l.unit, num: true, title: l.priceSource }, { text: usd.format(l.monthlyUsd), num: true }, { text: l.assumption }],
        { class: 'cost-line-row', 'data-tier': l.tier, 'data-resource': l.resource, 'data-type': l.type, 'data-count': String(l.count), 'data-monthly-usd': String(l.monthlyUsd) });
    });
    row(lines, [{ text: 'total' }, { text: '' }, { text: '' }, { text: '' }, { text: '' }, { text: '' }, { text: usd.format(data.totalMonthlyUsd), num: true }, { text: '' }], { class: 'total' });
  })();

  // Batching: the configured workload beside Telegraf's defaults.
  (function () {
    var table = document.getElementById('batching');
    row(table, ['workload', 'metrics/request', 'requests/s', 'LCU', 'LCU cost', 'data out', 'data out cost', 'access logs', 'ingest instances', 'monthly'].map(function (h, k) { return { head: true, text: h, num: k >= 1 }; }));
    data.batching.forEach(function (b) {
      row(table, [{ text: b.label + (b.compression === 'gzip' ? ' (gzip)' : '') }, { text: int.format(b.metricsPerRequest), num: true }, { text: int.format(b.requestsPerSecond), num: true }, { text: b.lcus.toFixed(1), num: true },
        { text: usd.format(b.lcuUsd), num: true }, { text: b.dataOutTB.toFixed(2) + ' TB', num: true }, { text: usd.format(b.dataOutUsd), num: true }, { text: usd.format(b.accessLogUsd), num: true },
        { text: int.format(b.ingestInstances), num: true }, { text: usd.format(b.totalMonthlyUsd), num: true }], { class: 'batching-row', 'data-monthly-usd': String(b.totalMonthlyUsd) });
    });
  })();

  // What-if charts: x is metrics/s on a log scale; invalid loads are shaded gaps.
  var W = 900, H = 300, M = { left: 70, right: 20, top: 12, bottom: 36 };
  var points = data.curve.points;
  var lx = function (v) { return M.left + (Math.log10(v) - Math.log10(data.curve.from)) / (Math.log10(data.curve.to) - Math.log10(data.curve.from)) * (W - M.left - M.right); };
  function frame(id, yMax, yFormat) {
    var svg = svgEl('svg', { viewBox: '0 0 ' + W + ' ' + H, id: id + '-svg' });
    var ly = function (v) { return H - M.bottom - (v / yMax) * (H - M.top - M.bottom); };
    for (var k = 0; k <= 5; k++) {
      var v = (yMax / 5) * k;
      svg.appendChild(svgEl('line', { class: 'grid', x1: M.left, x2: W - M.right, y1: ly(v), y2: ly(v) }));
      svg.appendChild(svgEl('text', { x: M.left - 6, y: ly(v) + 4, 'text-anchor': 'end' }, yFormat(v)));
    }
    [1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6].filter(function (t) { return t >= data.curve.from && t <= data.curve.to; }).forEach(function (t) {
      svg.appendChild(svgEl('line', { class: 'grid', x1: lx(t), x2: lx(t), y1: M.top, y2: H - M.bottom }));
      svg.appendChild(svgEl('text', { x: lx(t), y: H - M.bottom + 16, 'text-anchor': 'middle' }, shortLoad(t)));
    });
    svg.appendChild(svgEl('text', { x: (W + M.left) / 2, y: H - 4, 'text-anchor': 'middle' }, 'average metrics per second (log scale)'));
    svg.appendChild(svgEl('line', { class: 'axis', x1: M.left, x2: W - M.right, y1: H - M.bottom, y2: H - M.bottom }));
    points.forEach(function (p, i) {
      if (p.valid) return;
      var x0 = i > 0 ? (lx(points[i - 1].metricsPerSecond) + lx(p.metricsPerSecond)) / 2 : lx(p.metricsPerSecond);
      var x1 = i < points.length - 1 ? (lx(p.metricsPerSecond) + lx(points[i + 1].metricsPerSecond)) / 2 : lx(p.metricsPerSecond);
      svg.appendChild(titled(svgEl('rect', { class: 'gap', x: x0, y: M.top, width: Math.max(2, x1 - x0), height: H - M.top - M.bottom, 'data-metrics-per-second': String(p.metricsPerSecond) }), shortLoad(p.metricsPerSecond) + ' metrics/s: ' + p.reason));
    });
    var cx = lx(data.averageMetricsPerSecond);
    if (cx >= M.left && cx <= W - M.right) {
      svg.appendChild(svgEl('line', { class: 'current', x1: cx, x2: cx, y1: M.top, y2: H - M.bottom, 'data-metrics-per-second': String(data.averageMetricsPerSecond) }));
      svg.appendChild(svgEl('text', { x: cx + 4, y: M.top + 10 }, 'this config'));
    }
    return { svg: svg, ly: ly };
  }
  /** A path through valid points, broken at every invalid one. */
  function pathOf(value, ly) {
    var d = '', pen = false;
    points.forEach(function (p) {
      if (!p.valid) { pen = false; return; }
      d += (pen ? ' L' : ' M') + lx(p.metricsPerSecond).toFixed(1) + ',' + ly(value(p)).toFixed(1);
      pen = true;
    });
    return d.trim();
  }
  function niceMax(v) { var e = Math.pow(10, Math.floor(Math.log10(v))); return [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map(function (m) { return m * e; }).find(function (m) { return m >= v; }); }
  var valid = points.filter(function (p) { return p.valid; });

  (function () {
    var f = frame('cost-curve', niceMax(Math.max.apply(null, valid.map(function (p) { return p.totalMonthlyUsd; }))), function (v) { return usd0.format(v); });
    f.svg.appendChild(svgEl('path', { class: 'cost-line', d: pathOf(function (p) { return p.totalMonthlyUsd; }, f.ly) }));
    valid.forEach(function (p) {
      f.svg.appendChild(titled(svgEl('circle', { class: 'curve-point', cx: lx(p.metricsPerSecond), cy: f.ly(p.totalMonthlyUsd), r: 3, fill: 'var(--ink)', 'data-metrics-per-second': String(p.metricsPerSecond), 'data-total-usd': String(p.totalMonthlyUsd) }),
        int.format(p.metricsPerSecond) + ' metrics/s: ' + usd.format(p.totalMonthlyUsd) + ' a month'));
    });
    // Steps of the tiers that rarely step (brokers, nodes) as vertical lines: the cost jumps there.
    data.curve.steps.filter(function (s) { return s.tier === 'kafka' || s.tier === 'influx'; }).forEach(function (s) {
      f.svg.appendChild(titled(svgEl('line', { class: 'step-line', x1: lx(s.metricsPerSecond), x2: lx(s.metricsPerSecond), y1: M.top, y2: H - M.bottom, stroke: TIER_COLOR[s.tier], 'data-tier': s.tier, 'data-metrics-per-second': String(s.metricsPerSecond) }),
        s.tier + ' steps up ' + s.from + ' → ' + s.to + ' at ' + int.format(s.metricsPerSecond) + ' metrics/s'));
    });
    document.getElementById('cost-curve').appendChild(f.svg);
  })();

  (function () {
    var tiers = data.instances.map(function (i) { return i.tier; });
    var max = niceMax(Math.max.apply(null, valid.map(function (p) { return Math.max.apply(null, tiers.map(function (t) { return p.counts[t]; })); })));
    var f = frame('count-curve', max, function (v) { return int.format(v); });
    tiers.forEach(function (t) {
      f.svg.appendChild(svgEl('path', { class: 'tier-line', stroke: TIER_COLOR[t], d: pathOf(function (p) { return p.counts[t]; }, f.ly), 'data-tier': t }));
      valid.forEach(function (p) {
        f.svg.appendChild(titled(svgEl('circle', { class: 'count-point', cx: lx(p.metricsPerSecond), cy: f.ly(p.counts[t]), r: 2.2, fill: TIER_COLOR[t], 'data-tier': t, 'data-metrics-per-second': String(p.metricsPerSecond), 'data-count': String(p.counts[t]) }),
          t + ': ' + p.counts[t] + ' at ' + int.format(p.metricsPerSecond) + ' metrics/s'));
      });
    });
    // Every step-up as a triangle on its tier's line, at the exact load where it happens.
    data.curve.steps.forEach(function (s) {
      var x = lx(s.metricsPerSecond), y = f.ly(s.to);
      f.svg.appendChild(titled(svgEl('path', { class: 'step-marker', d: 'M' + x.toFixed(1) + ',' + (y - 9).toFixed(1) + ' l-4,-7 h8 z', fill: TIER_COLOR[s.tier], 'data-tier': s.tier, 'data-metrics-per-second': String(s.metricsPerSecond), 'data-from': String(s.from), 'data-to': String(s.to) }),
        s.tier + ': ' + s.from + ' → ' + s.to + ' at ' + int.format(s.metricsPerSecond) + ' metrics/s'));
    });
    var box = document.getElementById('count-curve');
    box.appendChild(f.svg);
    var legend = el('div', { class: 'legend' });
    data.instances.forEach(function (i) { var item = el('span', {}, i.label); item.prepend(el('span', { class: 'swatch', style: 'background:' + TIER_COLOR[i.tier] })); legend.appendChild(item); });
    legend.appendChild(el('span', {}, '▼ a tier steps up'));
    box.appendChild(legend);

    // The step-ups as a list, per tier.
    var details = el('details');
    details.appendChild(el('summary', {}, data.curve.steps.length + ' step-ups between ' + shortLoad(data.curve.from) + ' and ' + shortLoad(data.curve.to) + ' metrics/s'));
    var table = el('table', { id: 'step-table' });
    row(table, [{ head: true, text: 'tier' }, { head: true, text: 'at metrics/s', num: true }, { head: true, text: 'count', num: true }]);
    data.curve.steps.forEach(function (s) { row(table, [{ text: s.tier, swatch: s.tier }, { text: int.format(s.metricsPerSecond), num: true }, { text: s.from + ' → ' + s.to, num: true }]); });
    details.appendChild(table);
    document.getElementById('steps').appendChild(details);
    var gaps = points.filter(function (p) { return !p.valid; });
    if (gaps.length) document.getElementById('steps').appendChild(el('p', { class: 'sub', id: 'gaps' }, gaps.length + ' load level(s) the config cannot carry (shaded): ' + gaps[0].reason + (gaps.length > 1 ? ' …' : '')));
  })();

  document.getElementById('footer').textContent = 'Prices: snapshot of ' + data.pricesAsOf + ' (lib/pricing/snapshot/' + data.region + '.json). ' +
    'What-if points: ' + points.length + ' loads from ' + shortLoad(data.curve.from) + ' to ' + shortLoad(data.curve.to) + ' metrics/s, each planned and priced with lib/plan and lib/pricing.';
  if (!errors.length) document.body.dataset.rendered = 'ok';
})();
