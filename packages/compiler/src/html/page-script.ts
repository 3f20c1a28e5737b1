/**
 * The browser-side runtime of a generated HTML dashboard, as plain ES2020 text.
 *
 * It reads the dashboard model embedded in the page (`<script id="vigil-dashboard">`), asks
 * Prometheus's HTTP API (`/api/v1/query_range`) for every panel query and draws the results with
 * uPlot (inlined before this script). It is a text module rather than compiled TypeScript so the
 * page needs no bundler and the same bytes run under Node (for the unit tests of its pure
 * helpers, exported on `window.vigilDashboard`) and in the browser.
 *
 * Which Prometheus it queries, first match wins: the `?prometheus=` query parameter, the address
 * baked in at generation time, then the page's own origin (the page served by Prometheus itself
 * with `--web.user-assets`, see docs). Each panel records its state on `data-state`
 * (`loading`, `ok`, `empty`, `error`) so tests and users can tell an empty panel from a broken one.
 *
 * Written without backticks or `${`, since it lives inside a template literal.
 */
export const PAGE_SCRIPT = String.raw`(function () {
  'use strict';

  var PALETTE = ['#3274d9', '#e0752d', '#56a64b', '#a352cc', '#f2cc0c', '#4ab4c0', '#e02f44', '#8f6a44', '#7f8c99', '#d683ce'];
  var SEVERITY_COLORS = { info: '#3274d9', warning: '#e0a400', critical: '#e02f44' };
  var RANGES = ['1h', '6h', '24h', '7d'];
  var TARGET_POINTS = 240;

  // --- pure helpers (exported for tests) -------------------------------------------------

  /** Parses a Prometheus/Grafana duration such as 30s, 5m, 6h, 7d, now-6h into seconds. */
  function parseDuration(text) {
    if (text === undefined || text === null) return undefined;
    var match = /^(?:now-)?(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)$/.exec(String(text).trim());
    if (!match) return undefined;
    var factor = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 }[match[2]];
    return Number(match[1]) * factor;
  }

  /** A duration in seconds as Prometheus writes it (90 -> 90s, 300 -> 5m). */
  function formatDuration(seconds) {
    var s = Math.max(1, Math.round(seconds));
    if (s % 86400 === 0) return s / 86400 + 'd';
    if (s % 3600 === 0) return s / 3600 + 'h';
    if (s % 60 === 0) return s / 60 + 'm';
    return s + 's';
  }

  function trimNumber(value, digits) {
    return String(Number(value.toPrecision(digits)));
  }

  /** A plain number with an SI suffix past a thousand (1234 -> 1.23k). */
  function formatShort(value) {
    var abs = Math.abs(value);
    var suffixes = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
    for (var i = 0; i < suffixes.length; i++) {
      if (abs >= suffixes[i][0]) return trimNumber(value / suffixes[i][0], 3) + suffixes[i][1];
    }
    if (abs !== 0 && abs < 0.001) return value.toExponential(2);
    return trimNumber(value, 3);
  }

  /** A value with an SI-prefixed symbol (1500 W -> 1.5 kW, 0.002 W -> 2 mW). */
  function formatSI(value, symbol) {
    var abs = Math.abs(value);
    var prefixes = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k'], [1, ''], [1e-3, 'm'], [1e-6, 'µ']];
    if (abs === 0) return '0 ' + symbol;
    for (var i = 0; i < prefixes.length; i++) {
      if (abs >= prefixes[i][0] || i === prefixes.length - 1) return trimNumber(value / prefixes[i][0], 3) + ' ' + prefixes[i][1] + symbol;
    }
    return String(value);
  }

  function formatSeconds(value) {
    var abs = Math.abs(value);
    if (abs === 0) return '0 s';
    if (abs < 1e-3) return trimNumber(value * 1e6, 3) + ' µs';
    if (abs < 1) return trimNumber(value * 1e3, 3) + ' ms';
    if (abs < 60) return trimNumber(value, 3) + ' s';
    if (abs < 3600) return trimNumber(value / 60, 3) + ' min';
    if (abs < 86400) return trimNumber(value / 3600, 3) + ' h';
    return trimNumber(value / 86400, 3) + ' d';
  }

  var IEC_BYTES = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

  function formatBytes(value, base, names) {
    var abs = Math.abs(value);
    var i = 0;
    while (abs >= base && i < names.length - 1) {
      abs /= base;
      i++;
    }
    return trimNumber(value / Math.pow(base, i), 3) + ' ' + names[i];
  }

  /** Formats a value in a Grafana unit id (percentunit, s, bytes, reqps, short, ...). */
  function formatValue(value, unit) {
    if (value === null || value === undefined || Number.isNaN(value)) return '–';
    if (value === Infinity) return '+Inf';
    if (value === -Infinity) return '-Inf';
    switch (unit || 'short') {
      case 'percentunit':
        return trimNumber(value * 100, 3) + '%';
      case 'percent':
        return trimNumber(value, 3) + '%';
      case 's':
      case 'dtdurations':
        return formatSeconds(value);
      case 'ms':
        return formatSeconds(value / 1000);
      case 'µs':
        return formatSeconds(value / 1e6);
      case 'ns':
        return formatSeconds(value / 1e9);
      case 'm':
        return formatSeconds(value * 60);
      case 'h':
        return formatSeconds(value * 3600);
      case 'd':
        return formatSeconds(value * 86400);
      case 'bytes':
        return formatBytes(value, 1024, IEC_BYTES);
      case 'kbytes':
        return formatBytes(value * 1024, 1024, IEC_BYTES);
      case 'mbytes':
        return formatBytes(value * 1048576, 1024, IEC_BYTES);
      case 'gbytes':
        return formatBytes(value * 1073741824, 1024, IEC_BYTES);
      case 'Bps':
        return formatBytes(value, 1024, IEC_BYTES) + '/s';
      case 'KiBs':
        return formatBytes(value * 1024, 1024, IEC_BYTES) + '/s';
      case 'MiBs':
        return formatBytes(value * 1048576, 1024, IEC_BYTES) + '/s';
      case 'bits':
        return formatSI(value, 'b');
      case 'bps':
        return formatSI(value, 'b/s');
      case 'watt':
        return formatSI(value, 'W');
      case 'kwatt':
        return formatSI(value * 1000, 'W');
      case 'watth':
        return formatSI(value, 'Wh');
      case 'kwatth':
        return formatSI(value * 1000, 'Wh');
      case 'joule':
        return formatSI(value, 'J');
      case 'massg':
        return formatSI(value, 'g');
      case 'masskg':
        return formatSI(value * 1000, 'g');
      case 'masst':
        return formatSI(value * 1e6, 'g');
      case 'hertz':
        return formatSI(value, 'Hz');
      case 'celsius':
        return trimNumber(value, 3) + ' °C';
      case 'decbytes':
        return formatBytes(value, 1000, ['B', 'kB', 'MB', 'GB', 'TB', 'PB']);
      case 'reqps':
        return formatShort(value) + ' req/s';
      case 'ops':
        return formatShort(value) + ' ops/s';
      case 'short':
      case 'none':
        return formatShort(value);
      default:
        return formatShort(value) + ' ' + unit;
    }
  }

  /** Fills a Grafana legend format ({{label}}) from a series' labels. */
  function formatLegend(legend, labels) {
    if (legend && legend !== '__auto') {
      return legend.replace(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, function (_, name) {
        return labels[name] === undefined ? '' : labels[name];
      });
    }
    var names = Object.keys(labels).filter(function (n) { return n !== '__name__'; }).sort();
    var inner = names.map(function (n) { return n + '="' + labels[n] + '"'; }).join(', ');
    var metric = labels.__name__ || '';
    if (!inner) return metric; // an aggregate over everything: nothing to tell its lines apart
    return metric + '{' + inner + '}';
  }

  /**
   * Replaces Grafana's built-in and dashboard variables in a query: $__rate_interval (as Grafana:
   * the larger of step + scrape interval and four scrape intervals), $__interval, $__range and
   * each $name or {name} in braces from the variable selections (multi-values as a regex alternation).
   */
  function interpolate(expr, context) {
    var rateInterval = Math.max(context.stepSeconds + context.scrapeSeconds, 4 * context.scrapeSeconds);
    var builtins = {
      __rate_interval: formatDuration(rateInterval),
      __interval: formatDuration(context.stepSeconds),
      __range: formatDuration(context.rangeSeconds),
      __range_s: String(Math.round(context.rangeSeconds)),
    };
    return expr.replace(/\$\{([a-zA-Z_][a-zA-Z0-9_]*)(?::[a-z]+)?\}|\$([a-zA-Z_][a-zA-Z0-9_]*)/g, function (whole, braced, bare) {
      var name = braced || bare;
      if (Object.prototype.hasOwnProperty.call(builtins, name)) return builtins[name];
      if (Object.prototype.hasOwnProperty.call(context.variables, name)) return context.variables[name];
      return whole;
    });
  }

  /** The query step: about TARGET_POINTS points over the range, never below the scrape interval. */
  function stepFor(rangeSeconds, scrapeSeconds) {
    return Math.max(Math.ceil(rangeSeconds / TARGET_POINTS), Math.round(scrapeSeconds) || 1);
  }

  /** Aligns query_range matrices on one time axis: [xs, ys...] as uPlot wants, nulls for gaps. */
  function alignSeries(start, end, step, matrices) {
    var xs = [];
    for (var t = start; t <= end; t += step) xs.push(t);
    var index = {};
    xs.forEach(function (x, i) { index[x] = i; });
    var columns = [];
    matrices.forEach(function (matrix) {
      matrix.forEach(function (series) {
        var ys = new Array(xs.length).fill(null);
        series.values.forEach(function (pair) {
          var i = index[Math.round(pair[0])];
          if (i !== undefined) ys[i] = parseSampleValue(pair[1]);
        });
        columns.push(ys);
      });
    });
    return [xs].concat(columns);
  }

  function parseSampleValue(text) {
    if (text === '+Inf') return Infinity;
    if (text === '-Inf') return -Infinity;
    var value = Number(text);
    return Number.isNaN(value) ? null : value;
  }

  /** An instant vector (or scalar) reshaped as a one-point matrix, so panels read one shape. */
  function asMatrix(data) {
    if (data.resultType === 'matrix') return data;
    if (data.resultType === 'scalar') return { resultType: 'matrix', result: [{ metric: {}, values: [data.result] }] };
    return { resultType: 'matrix', result: (data.result || []).map(function (s) { return { metric: s.metric, values: [s.value] }; }) };
  }

  /** Orders histogram bucket series by their upper bound (le), as a heatmap reads them. */
  function byBucket(a, b) {
    return parseSampleValue(a.metric.le) - parseSampleValue(b.metric.le);
  }

  /** The colour of the most severe threshold a value is past (op > fires above, < below). */
  function thresholdColor(thresholds, value) {
    var color = '';
    var rank = -1;
    var order = ['info', 'warning', 'critical'];
    (thresholds || []).forEach(function (t) {
      var past = t.op === '<' ? value < t.value : value > t.value;
      if (past && order.indexOf(t.severity) > rank) {
        rank = order.indexOf(t.severity);
        color = SEVERITY_COLORS[t.severity] || '';
      }
    });
    return color;
  }

  function lastValue(values) {
    for (var i = values.length - 1; i >= 0; i--) {
      var v = parseSampleValue(values[i][1]);
      if (v !== null) return v;
    }
    return null;
  }

  var helpers = {
    parseDuration: parseDuration,
    formatDuration: formatDuration,
    formatValue: formatValue,
    formatLegend: formatLegend,
    interpolate: interpolate,
    stepFor: stepFor,
    alignSeries: alignSeries,
    thresholdColor: thresholdColor,
  };
  if (typeof window !== 'undefined') window.vigilDashboard = helpers;
  if (typeof document === 'undefined' || !document.getElementById('vigil-dashboard')) return;

  // --- page ------------------------------------------------------------------------------

  var config = JSON.parse(document.getElementById('vigil-dashboard').textContent);
  var dashboard = config.dashboard;
  var params = new URLSearchParams(location.search);
  var prometheusUrl = (params.get('prometheus') || config.prometheusUrl || (/^https?:$/.test(location.protocol) ? location.origin : '')).replace(/\/+$/, '');
  var scrapeSeconds = config.scrapeIntervalSeconds || 15;
  var defaultRange = (dashboard.timeFrom || 'now-6h').replace(/^now-/, '');
  var rangeText = params.get('range') || defaultRange;
  var refreshText = params.has('refresh') ? params.get('refresh') : dashboard.refresh || '';
  var variableValues = {};
  var reloads = [];
  var panels = [];
  var refreshTimer = null;
  var charts = [];

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setParam(name, value) {
    var url = new URL(location.href);
    url.searchParams.set(name, value);
    history.replaceState(null, '', url);
  }

  async function prometheusGet(path, query) {
    var url = prometheusUrl + path + '?' + new URLSearchParams(query).toString();
    var response;
    try {
      response = await fetch(url, { headers: { accept: 'application/json' } });
    } catch (error) {
      throw new Error('cannot reach Prometheus at ' + prometheusUrl + ' (' + error.message + ')');
    }
    var body;
    try {
      body = await response.json();
    } catch (_) {
      throw new Error('HTTP ' + response.status + ' from ' + prometheusUrl + path + ' (not the Prometheus API?)');
    }
    if (body.status !== 'success') throw new Error((body.errorType ? body.errorType + ': ' : '') + (body.error || 'HTTP ' + response.status));
    return body.data;
  }

  // --- header: title, range picker, refresh, variables -----------------------------------

  function buildHeader() {
    var header = el('header', 'vd-header');
    var heading = header.appendChild(el('h1', 'vd-title', dashboard.title));
    if (dashboard.description) heading.title = dashboard.description;
    var controls = el('div', 'vd-controls');
    var ranges = RANGES.indexOf(defaultRange) < 0 ? [defaultRange].concat(RANGES) : RANGES;
    var picker = el('div', 'vd-ranges');
    picker.setAttribute('role', 'group');
    picker.setAttribute('aria-label', 'time range');
    ranges.forEach(function (range) {
      var button = el('button', 'vd-range', range);
      button.type = 'button';
      button.dataset.range = range;
      button.setAttribute('aria-pressed', String(range === rangeText));
      button.addEventListener('click', function () {
        rangeText = range;
        setParam('range', range);
        picker.querySelectorAll('button').forEach(function (b) { b.setAttribute('aria-pressed', String(b.dataset.range === range)); });
        refreshAll();
      });
      picker.appendChild(button);
    });
    controls.appendChild(picker);
    var refreshButton = el('button', 'vd-refresh', '↻');
    refreshButton.type = 'button';
    refreshButton.title = 'refresh now';
    refreshButton.addEventListener('click', refreshAll);
    controls.appendChild(refreshButton);
    var refreshSeconds = parseDuration(refreshText);
    controls.appendChild(el('span', 'vd-meta', (refreshSeconds ? 'every ' + refreshText + ' · ' : '') + (prometheusUrl || 'no Prometheus')));
    header.appendChild(controls);
    var variables = el('div', 'vd-variables');
    (dashboard.variables || []).forEach(function (variable) { variables.appendChild(buildVariable(variable)); });
    header.appendChild(variables);
    return header;
  }

  /** Regex value of a selection: all -> .*, several -> a|b (values escaped). */
  function selectionValue(selected) {
    if (selected.length === 0 || selected.indexOf('$__all') >= 0) return '.*';
    return selected.map(function (v) { return v.replace(/[.*+?^$(){}|[\]\\]/g, '\\$&'); }).join('|');
  }

  function buildVariable(variable) {
    var name = variable.name;
    var label = el('label', 'vd-variable');
    label.appendChild(el('span', '', (variable.label || name) + ' '));
    var select = el('select');
    select.dataset.variable = name;
    var all = el('option', '', 'All');
    all.value = '$__all';
    select.appendChild(all);
    var fromUrl = params.get('var-' + name);
    var fixed = variable.options || variable.values;
    function fill(values) {
      var keep = select.value !== '$__all' ? select.value : fromUrl;
      select.replaceChildren(all);
      values.forEach(function (value) {
        var option = el('option', '', value);
        option.value = value;
        select.appendChild(option);
      });
      select.value = keep && values.indexOf(keep) >= 0 ? keep : '$__all';
      variableValues[name] = selectionValue([select.value]);
    }
    variableValues[name] = fromUrl ? selectionValue([fromUrl]) : '.*';
    var reload = function () { return Promise.resolve(); };
    if (Array.isArray(fixed)) {
      fill(fixed.map(function (o) { return typeof o === 'string' ? o : o.value; }));
    } else {
      // label_values(<selector>, <label>): the selector may name other variables ($service).
      reload = function () {
        var labelName = labelFromQuery(variable.query) || name;
        var match = matchFromQuery(variable.query);
        var context = { stepSeconds: 60, scrapeSeconds: scrapeSeconds, rangeSeconds: parseDuration(rangeText) || 21600, variables: variableValues };
        var query = match ? { 'match[]': interpolate(match, context) } : {};
        return prometheusGet('/api/v1/label/' + encodeURIComponent(labelName) + '/values', query).then(fill, function () { fill([]); });
      };
      reloads.push({ name: name, query: variable.query, reload: reload });
      reload();
    }
    select.addEventListener('change', function () {
      variableValues[name] = selectionValue([select.value]);
      setParam('var-' + name, select.value === '$__all' ? '' : select.value);
      // Variables whose query names this one list new values first, then the panels reload.
      var dependents = reloads.filter(function (r) { return r.name !== name && new RegExp('\\$\\{?' + name + '\\b').test(r.query); });
      Promise.all(dependents.map(function (r) { return r.reload(); })).then(refreshAll);
    });
    label.appendChild(select);
    return label;
  }

  function labelFromQuery(query) {
    var match = /label_values\((?:.*,)?\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/.exec(typeof query === 'string' ? query : '');
    return match ? match[1] : undefined;
  }

  function matchFromQuery(query) {
    var match = /label_values\((.*),\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)$/.exec(typeof query === 'string' ? query : '');
    return match ? match[1] : undefined;
  }

  // --- panels ----------------------------------------------------------------------------

  function panelKind(type) {
    switch (type) {
      case 'stat':
      case 'gauge':
      case 'bargauge':
        return 'number';
      case 'table':
        return 'table';
      default:
        return 'chart'; // timeseries, heatmap (one line per bucket), anything new
    }
  }

  function buildPanel(panel) {
    var node = el('section', 'vd-panel vd-' + panelKind(panel.type));
    node.dataset.state = 'loading';
    node.dataset.type = panel.type;
    var head = el('div', 'vd-panel-head');
    var title = head.appendChild(el('h3', 'vd-panel-title', panel.title));
    if (panel.description) title.title = panel.description;
    (panel.thresholds || []).forEach(function (threshold) {
      var tag = el('span', 'vd-threshold vd-' + threshold.severity, threshold.severity + ' ' + (threshold.op || '') + ' ' + formatValue(threshold.value, panel.unit));
      if (threshold.alert) tag.title = threshold.alert;
      head.appendChild(tag);
    });
    node.appendChild(head);
    var body = el('div', 'vd-panel-body');
    body.appendChild(el('div', 'vd-message', 'Loading…'));
    node.appendChild(body);
    return { model: panel, node: node, body: body, chart: null, generation: 0 };
  }

  function showMessage(panel, state, text) {
    destroyChart(panel);
    panel.node.dataset.state = state;
    panel.body.replaceChildren(el('div', state === 'error' ? 'vd-message vd-error' : 'vd-message', text));
  }

  function destroyChart(panel) {
    if (panel.chart) {
      charts.splice(charts.indexOf(panel.chart), 1);
      panel.chart.destroy();
      panel.chart = null;
    }
  }

  async function loadPanel(panel) {
    var generation = ++panel.generation;
    var rangeSeconds = parseDuration(rangeText) || 21600;
    var step = stepFor(rangeSeconds, scrapeSeconds);
    // The range ends now (whole seconds, so returned timestamps match the axis exactly); ending
    // at a step boundary instead could end before the newest sample and show nothing new.
    var end = Math.floor(Date.now() / 1000);
    var start = end - Math.floor(rangeSeconds / step) * step;
    var context = { stepSeconds: step, scrapeSeconds: scrapeSeconds, rangeSeconds: rangeSeconds, variables: variableValues };
    panel.node.dataset.state = 'loading';
    var queries = panel.model.queries || [];
    if (!prometheusUrl) {
      showMessage(panel, 'error', 'No Prometheus address: open this page with ?prometheus=http://host:9090');
      return;
    }
    var results;
    try {
      results = await Promise.all(queries.map(function (query) {
        var expr = interpolate(query.expr, context);
        if (!query.instant) return prometheusGet('/api/v1/query_range', { query: expr, start: start, end: end, step: step });
        // Instant queries (stat, gauge, table) ask for the value at the end of the range only.
        return prometheusGet('/api/v1/query', { query: expr, time: end }).then(asMatrix);
      }));
    } catch (error) {
      if (generation === panel.generation) showMessage(panel, 'error', error.message);
      return;
    }
    if (generation !== panel.generation) return; // a newer load superseded this one
    var series = [];
    results.forEach(function (data, q) {
      if (queries[q].format === 'heatmap' && data.result) data.result.sort(byBucket);
      (data.result || []).forEach(function (s) {
        // Heatmaps are drawn as one line per bucket, named by its bound in the panel's unit.
        var bucket = queries[q].format === 'heatmap' && s.metric.le !== undefined;
        var name = bucket ? '≤ ' + formatValue(parseSampleValue(s.metric.le), panel.model.unit) : formatLegend(queries[q].legend, s.metric);
        series.push({ name: name, labels: s.metric, values: s.values });
      });
    });
    var matrices = results.map(function (data) { return data.result || []; });
    var hasSample = series.some(function (s) { return s.values.length > 0; });
    if (!hasSample) {
      showMessage(panel, 'empty', 'No data');
      return;
    }
    var kind = panelKind(panel.model.type);
    if (kind === 'number') renderNumbers(panel, series);
    else if (kind === 'table') renderTable(panel, series);
    else renderChart(panel, series, alignSeries(start, end, step, matrices));
    panel.node.dataset.state = 'ok';
    panel.node.dataset.series = String(series.length);
  }

  function renderNumbers(panel, series) {
    destroyChart(panel);
    var list = el('div', series.length > 3 ? 'vd-numbers vd-numbers-many' : 'vd-numbers');
    series.forEach(function (s) {
      var value = lastValue(s.values);
      var item = el('div', 'vd-number');
      var number = el('div', 'vd-number-value', formatValue(value, panel.model.unit));
      if (value !== null) number.style.color = thresholdColor(panel.model.thresholds, value);
      item.appendChild(number);
      if (series.length > 1 || s.name) item.appendChild(el('div', 'vd-number-label', s.name));
      list.appendChild(item);
    });
    panel.body.replaceChildren(list);
  }

  function renderTable(panel, series) {
    destroyChart(panel);
    // With legends (p50 {{route}}, p99 {{route}}) the legend tells rows of different queries apart.
    var named = (panel.model.queries || []).some(function (q) { return q.legend && q.legend !== '__auto'; });
    var names = [];
    series.forEach(function (s) {
      Object.keys(s.labels).forEach(function (n) { if (names.indexOf(n) < 0) names.push(n); });
    });
    names.sort();
    var table = el('table', 'vd-table');
    var headRow = el('tr');
    (named ? ['Series'] : []).concat(names, ['Value']).forEach(function (n) { headRow.appendChild(el('th', '', n)); });
    table.appendChild(el('thead')).appendChild(headRow);
    var tbody = table.appendChild(el('tbody'));
    series.forEach(function (s) {
      var row = el('tr');
      if (named) row.appendChild(el('td', '', s.name));
      names.forEach(function (n) { row.appendChild(el('td', '', s.labels[n] || '')); });
      row.appendChild(el('td', 'vd-table-value', formatValue(lastValue(s.values), panel.model.unit)));
      tbody.appendChild(row);
    });
    var wrap = el('div', 'vd-table-wrap');
    wrap.appendChild(table);
    panel.body.replaceChildren(wrap);
  }

  function chartWidth(panel) {
    return Math.max(200, panel.body.clientWidth - 8);
  }

  function drawThresholds(panel) {
    return function (u) {
      var ctx = u.ctx;
      ctx.save();
      ctx.lineWidth = 2 * devicePixelRatio;
      ctx.setLineDash([8 * devicePixelRatio, 4 * devicePixelRatio]);
      // The most severe line is drawn last, on top of any other at the same value.
      var order = ['info', 'warning', 'critical'];
      (panel.model.thresholds || []).slice().sort(function (a, b) { return order.indexOf(a.severity) - order.indexOf(b.severity); }).forEach(function (t) {
        var y = Math.round(u.valToPos(t.value, 'y', true));
        if (y < u.bbox.top || y > u.bbox.top + u.bbox.height) return;
        ctx.strokeStyle = SEVERITY_COLORS[t.severity] || '#888';
        ctx.beginPath();
        ctx.moveTo(u.bbox.left, y);
        ctx.lineTo(u.bbox.left + u.bbox.width, y);
        ctx.stroke();
      });
      ctx.restore();
    };
  }

  function renderChart(panel, series, data) {
    // A heatmap's unit is its buckets' (seconds); its lines are observations per second.
    var unit = panel.model.type === 'heatmap' ? 'ops' : panel.model.unit;
    var thresholds = (panel.model.thresholds || []).map(function (t) { return t.value; });
    if (typeof panel.model.min === 'number') thresholds.push(panel.model.min);
    if (typeof panel.model.max === 'number') thresholds.push(panel.model.max);
    var options = {
      width: chartWidth(panel),
      height: 220,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true },
        y: {
          // Keep threshold lines in view: a threshold outside the data would be invisible.
          range: function (u, min, max) {
            var lo = Math.min.apply(null, [min].concat(thresholds));
            var hi = Math.max.apply(null, [max].concat(thresholds));
            if (lo === hi) { lo = lo - 1; hi = hi + 1; }
            var pad = (hi - lo) * 0.05;
            return [lo >= 0 && lo - pad < 0 ? 0 : lo - pad, hi + pad];
          },
        },
      },
      series: [{}].concat(series.map(function (s, i) {
        // A series with a handful of samples (a rule that just started) would draw no line: dot it.
        var samples = data[i + 1].filter(function (v) { return v !== null; }).length;
        return {
          label: s.name,
          stroke: PALETTE[i % PALETTE.length],
          width: 1.5,
          spanGaps: false,
          points: { show: samples < 3, size: 7, fill: PALETTE[i % PALETTE.length] },
          value: function (u, v) { return formatValue(v, unit); },
        };
      })),
      axes: [
        { stroke: '#8e8e8e', grid: { stroke: 'rgba(128,128,128,0.15)' } },
        { stroke: '#8e8e8e', size: 70, grid: { stroke: 'rgba(128,128,128,0.15)' }, values: function (u, values) { return values.map(function (v) { return formatValue(v, unit); }); } },
      ],
      hooks: { draw: [drawThresholds(panel)] },
    };
    // A refresh with the same series only swaps the data: no flicker, legend state kept.
    var key = series.map(function (s) { return s.name; }).join('\n') + '\n' + series.map(function (s, i) { return data[i + 1].filter(function (v) { return v !== null; }).length < 3; }).join();
    if (panel.chart && panel.chartKey === key) {
      panel.chart.setData(data);
      return;
    }
    destroyChart(panel);
    panel.body.replaceChildren();
    panel.chartKey = key;
    panel.chart = new uPlot(options, data, panel.body);
    charts.push(panel.chart);
    panel.chart.vigilPanel = panel;
  }

  function refreshAll() {
    panels.forEach(function (panel) { if (panel.row.open) loadPanel(panel); });
  }

  function start() {
    document.title = dashboard.title;
    var root = document.getElementById('vigil-root');
    root.appendChild(buildHeader());
    (dashboard.rows || []).forEach(function (row) {
      // A row is a <details>: collapsed rows stay folded and query only once opened.
      var section = el('details', 'vd-row');
      section.open = !row.collapsed;
      section.appendChild(el('summary', 'vd-row-title', row.title || 'Panels'));
      var grid = el('div', 'vd-grid');
      var rowPanels = (row.panels || []).map(function (model) {
        var panel = buildPanel(model);
        panel.row = section;
        grid.appendChild(panel.node);
        return panel;
      });
      panels = panels.concat(rowPanels);
      section.addEventListener('toggle', function () {
        if (section.open) rowPanels.forEach(function (panel) { loadPanel(panel); });
      });
      section.appendChild(grid);
      root.appendChild(section);
    });
    refreshAll();
    var refreshSeconds = parseDuration(refreshText);
    if (refreshSeconds) refreshTimer = setInterval(refreshAll, Math.max(1, refreshSeconds) * 1000);
    var resizeTimer = null;
    window.addEventListener('resize', function () {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(function () {
        charts.forEach(function (chart) { chart.setSize({ width: chartWidth(chart.vigilPanel), height: 220 }); });
      }, 100);
    });
  }

  helpers.refresh = refreshAll;
  helpers.refreshTimer = function () { return refreshTimer; };
  start();
})();
`;
