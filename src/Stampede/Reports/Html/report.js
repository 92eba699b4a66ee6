// Stampede's HTML report: draws the charts with uPlot (inlined above) from the JSON in #report-data.
// Everything it needs is in the page; it makes no request.
(function () {
  'use strict';

  const data = JSON.parse(document.getElementById('report-data').textContent);
  const palette = ['#2563eb', '#d97706', '#16a34a', '#9333ea', '#0891b2', '#db2777', '#65a30d', '#7c3aed', '#475569', '#ca8a04'];
  const failureColor = '#dc2626';
  const percentileDash = { p50: [], p95: [8, 4], p99: [2, 3] };
  const percentileWidth = { p50: 2, p95: 1.5, p99: 1.5 };
  const charts = [];

  // ---- formatting ----------------------------------------------------------------------------

  function alpha(hex, a) {
    const n = parseInt(hex.slice(1), 16);
    return 'rgba(' + (n >> 16) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + a + ')';
  }

  function number(v, decimals) {
    if (v == null || !isFinite(v)) return '–';
    return v.toLocaleString('en-US', { maximumFractionDigits: decimals, minimumFractionDigits: 0 });
  }

  function withUnit(text, unit) {
    return text === '–' ? text : text + ' ' + unit;
  }

  function ms(v) {
    return v == null ? '–' : withUnit(number(v, v < 10 ? 3 : v < 100 ? 2 : 1), 'ms');
  }

  function elapsed(seconds) {
    if (seconds == null) return '–';
    const s = Math.round(seconds * 10) / 10;
    const m = Math.floor(s / 60);
    const rest = s - m * 60;
    const text = (Math.round(rest * 10) / 10).toString();
    return m + ':' + (rest < 10 ? '0' : '') + text;
  }

  // x = 1 / (1 − p): each power of ten is one more nine (1 → 0%, 10 → 90%, 100 → 99%).
  const toNines = (p) => 1 / (1 - p / 100);
  const fromNines = (x) => 100 * (1 - 1 / x);

  function percentLabel(p) {
    if (p == null) return '–';
    const decimals = p < 90 ? 0 : Math.min(6, Math.max(1, Math.ceil(-Math.log10(100 - p + 1e-12)) + 1));
    return number(p, decimals) + '%';
  }

  // ---- chart plumbing ------------------------------------------------------------------------

  const secondIncrements = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400];

  function timeAxis() {
    return {
      label: 'elapsed (m:ss)',
      incrs: secondIncrements,
      values: (u, splits) => splits.map(elapsed),
      gap: 6,
    };
  }

  function timeSeries() {
    return { label: 'elapsed', value: (u, v) => elapsed(v) };
  }

  function chartHeight(el) {
    return el.classList.contains('tall') ? 340 : el.classList.contains('short') ? 190 : 260;
  }

  function noData(el, message) {
    const p = document.createElement('p');
    p.className = 'no-data';
    p.textContent = message;
    el.replaceChildren(p);
  }

  function makeChart(id, opts, columns) {
    const el = document.getElementById(id);
    if (!columns[0] || columns[0].length === 0) {
      noData(el, 'No data: the run recorded no complete second.');
      return null;
    }

    const u = new uPlot(Object.assign({ width: el.clientWidth || 640, height: chartHeight(el) }, opts), columns, el);
    charts.push({ u: u, el: el });
    return u;
  }

  // ---- the charts ----------------------------------------------------------------------------

  function throughputChart() {
    makeChart('chart-throughput', {
      scales: { x: { time: false } },
      series: [
        timeSeries(),
        { label: 'requests/s', stroke: palette[0], fill: alpha(palette[0], 0.08), width: 2, value: (u, v) => number(v, 2) },
        { label: 'failures/s', stroke: failureColor, fill: alpha(failureColor, 0.08), width: 2, value: (u, v) => number(v, 2) },
      ],
      axes: [timeAxis(), { label: 'per second', size: 60 }],
    }, [data.seconds, data.requestsPerSecond, data.failuresPerSecond]);
  }

  function usersChart() {
    makeChart('chart-users', {
      scales: { x: { time: false } },
      series: [
        timeSeries(),
        { label: 'users', stroke: palette[2], fill: alpha(palette[2], 0.1), width: 2, paths: uPlot.paths.stepped({ align: 1 }), value: (u, v) => number(v, 0) },
      ],
      axes: [timeAxis(), { label: 'users', size: 60 }],
    }, [data.seconds, data.users]);
  }

  // ---- drift: each series' Theil–Sen line over its judged window (analysis.drift) -----------------------

  let driftLines = 0;

  function driftOf(metric, label) {
    const drift = data.analysis && data.analysis.drift;
    return drift ? drift.find((d) => d.metric === metric && d.label === label) || null : null;
  }

  // The fitted line at each x of the charts, null outside the judged window; times k (100 / capacity for a % line).
  function driftColumn(d, k) {
    const f = k == null ? 1 : k;
    return data.seconds.map((x) => (x >= d.from - 1e-9 && x <= d.to + 1e-9 ? (d.start + (d.end - d.start) * (x - d.from) / (d.to - d.from)) * f : null));
  }

  // On the analysis charts a drift line is coloured by its verdict; on the latency chart by its row, as the row's lines.
  const driftColor = { rising: failureColor, falling: '#16a34a', stable: '#475569' };

  function driftSeries(d, stroke, scale, show, value) {
    driftLines++;
    const s = { label: d.label + ' drift (' + d.verdict + ')', stroke: stroke || driftColor[d.verdict], width: 2, dash: [2, 4], points: { show: false }, show: show, value: value };
    if (scale != null) s.scale = scale;
    return s;
  }

  function latencyChart() {
    const rows = data.rows;
    const named = rows.length - 1;
    const keys = ['p50', 'p95', 'p99'];
    const series = [timeSeries()];
    const columns = [data.seconds];
    const shown = rows.map((row, i) => (i === 0 ? named === 0 || named > 4 : named <= 4));
    rows.forEach((row, i) => {
      const color = palette[i % palette.length];
      keys.forEach((key) => {
        series.push({
          label: row.label + ' ' + key,
          stroke: color,
          width: percentileWidth[key],
          dash: percentileDash[key],
          show: shown[i],
          spanGaps: false,
          value: (u, v) => ms(v),
        });
        columns.push(row[key]);
      });
    });

    // Each row's p95 drift line follows the row's toggle.
    const driftIndex = [];
    rows.forEach((row, i) => {
      const d = driftOf('latency', row.label);
      if (!d) return;
      driftIndex[i] = series.length;
      series.push(driftSeries(d, palette[i % palette.length], null, shown[i], (u, v) => ms(v)));
      columns.push(driftColumn(d));
    });

    const u = makeChart('chart-latency', {
      scales: { x: { time: false } },
      series: series,
      axes: [timeAxis(), { label: 'response time (ms)', size: 70 }],
    }, columns);

    const toggles = document.getElementById('latency-rows');
    rows.forEach((row, i) => {
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = shown[i];
      box.dataset.row = row.label;
      box.disabled = u == null;
      box.addEventListener('change', () => {
        u.batch(() => {
          keys.forEach((key, k) => u.setSeries(1 + i * keys.length + k, { show: box.checked }));
          if (driftIndex[i] != null) u.setSeries(driftIndex[i], { show: box.checked });
        });
      });
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = palette[i % palette.length];
      label.append(box, swatch, document.createTextNode(row.label));
      toggles.append(label);
    });
  }

  function distributionChart() {
    const d = data.distribution;
    const x = d.percentiles.map(toNines);
    const el = document.getElementById('chart-distribution');
    if (d.rows.length === 0) {
      noData(el, 'No data: no request completed, or the document kept no histograms.');
      return;
    }

    const series = [{ label: 'percentile', value: (u, v) => percentLabel(v == null ? null : fromNines(v)) }];
    const columns = [x];
    d.rows.forEach((row) => {
      const i = data.rows.findIndex((r) => r.label === row.label);
      series.push({ label: row.label, stroke: palette[Math.max(0, i) % palette.length], width: row.label === 'Aggregated' ? 2.5 : 2, value: (u, v) => ms(v) });
      columns.push(row.ms);
    });

    const top = Math.pow(10, Math.ceil(Math.log10(x[x.length - 1] || 10)));
    makeChart('chart-distribution', {
      scales: {
        x: { time: false, distr: 3, log: 10, range: () => [1, Math.max(10, top)] },
      },
      series: series,
      axes: [
        {
          label: 'percentile',
          splits: (u) => {
            const out = [];
            for (let v = 1; v <= u.scales.x.max * 1.0001; v *= 10) out.push(v);
            return out;
          },
          values: (u, splits) => splits.map((v) => percentLabel(fromNines(v))),
        },
        { label: 'response time (ms)', size: 70 },
      ],
    }, columns);
  }

  function cpuChart() {
    const g = data.generator;
    const threshold = g.seconds.map(() => g.thresholdPercent);
    makeChart('chart-cpu', {
      scales: { x: { time: false }, cpu: { range: [0, 100] }, gc: { range: (u, min, max) => [0, Math.max(1, max)] } },
      series: [
        timeSeries(),
        { label: 'CPU %', scale: 'cpu', stroke: palette[0], fill: alpha(palette[0], 0.08), width: 2, value: (u, v) => withUnit(number(v, 1), '%') },
        { label: 'warning level', scale: 'cpu', stroke: failureColor, dash: [6, 4], width: 1, points: { show: false }, value: (u, v) => withUnit(number(v, 0), '%') },
        { label: 'GC pauses', scale: 'gc', stroke: palette[3], width: 1.5, value: (u, v) => ms(v) },
      ],
      axes: [
        timeAxis(),
        { scale: 'cpu', label: 'CPU (%)', size: 60 },
        { scale: 'gc', label: 'GC pause (ms)', side: 1, size: 60, grid: { show: false } },
      ],
    }, [g.seconds, g.cpuPercent, threshold, g.gcPauseMs]);
  }

  // ---- the analysis: one time axis, one cursor, the knee marked ---------------------------------

  const analysisSync = 'stampede-analysis';
  const analysisCharts = [];
  let syncingScale = false;
  const axisSize = 64;

  const binaryUnits = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

  // A value in its unit: bytes (and bytes/s) in binary multiples, anything else as a number and its unit.
  function amount(v, unit) {
    if (v == null || !isFinite(v)) return '–';
    if (isBytes(unit)) {
      let i = 0;
      let x = Math.abs(v);
      while (x >= 1024 && i < binaryUnits.length - 1) { x /= 1024; i++; }
      const text = number(Math.sign(v) * x, x >= 100 ? 0 : x >= 10 ? 1 : 2) + ' ' + binaryUnits[i];
      return unit === 'bytes/s' ? text + '/s' : text;
    }
    return withUnit(number(v, Math.abs(v) >= 100 ? 1 : 3), unit);
  }

  // Byte axes tick at binary steps (64 MiB, 128 MiB …) rather than at decimal ones (95.4 MiB).
  const byteIncrs = [];
  for (let k = 0; k <= 5; k++) [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].forEach((m) => byteIncrs.push(m * Math.pow(1024, k)));

  function isBytes(unit) {
    return unit === 'bytes' || unit === 'bytes/s';
  }

  function axisAmount(unit) {
    return (u, splits) => splits.map((v) => (isBytes(unit) ? amount(v, unit) : number(v, 2)));
  }

  // The knee as a dashed vertical line over the plot, a DOM element so it can be found (and read) in the page.
  function kneePlugin(x) {
    let line = null;
    return {
      hooks: {
        draw: (u) => {
          if (line == null) {
            line = document.createElement('div');
            line.className = 'knee-line';
            const label = document.createElement('span');
            label.className = 'knee-label';
            label.textContent = 'knee';
            line.append(label);
            u.over.append(line);
          }
          const left = u.valToPos(x, 'x');
          line.hidden = !(left >= 0 && left <= u.over.clientWidth);
          line.style.left = left + 'px';
        },
      },
    };
  }

  // Zooming one chart of the analysis zooms them all: the time axis stays shared.
  function syncScale(u, key) {
    if (key !== 'x' || syncingScale) return;
    syncingScale = true;
    const min = u.scales.x.min;
    const max = u.scales.x.max;
    analysisCharts.forEach((other) => {
      if (other !== u && (other.scales.x.min !== min || other.scales.x.max !== max)) other.setScale('x', { min: min, max: max });
    });
    syncingScale = false;
  }

  function analysisChart(id, series, columns, scales, axes) {
    const a = data.analysis;
    const opts = {
      scales: Object.assign({ x: { time: false } }, scales),
      series: [timeSeries()].concat(series),
      axes: [timeAxis()].concat(axes),
      cursor: { sync: { key: analysisSync, setSeries: false, scales: ['x', null] } },
      hooks: { setScale: [syncScale] },
      plugins: a.knee == null ? [] : [kneePlugin(a.knee)],
    };
    const u = makeChart(id, opts, [data.seconds].concat(columns));
    if (u) analysisCharts.push(u);
    return u;
  }

  // Every analysis chart has an axis on each side of the same size, so their plots (and knees) line up.
  function leftAxis(scale, label, values, unit) {
    return { scale: scale, label: label, size: axisSize, values: values, incrs: isBytes(unit) ? byteIncrs : undefined };
  }

  // A label on every axis (an empty one too), since a labelled axis takes the label's room beside its size.
  function rightAxis(scale, label, values, unit) {
    return { scale: scale, label: label || '', side: 1, size: axisSize, values: values, grid: { show: false }, incrs: isBytes(unit) ? byteIncrs : undefined };
  }

  const fromZero = (u, min, max) => [0, max > 0 ? max * 1.08 : 1];

  function analysisThroughput() {
    const ok = data.requestsPerSecond.map((r, i) => (r == null || data.failuresPerSecond[i] == null ? null : Math.max(0, Math.round((r - data.failuresPerSecond[i]) * 1000) / 1000)));
    analysisChart('chart-analysis-throughput', [
      { label: 'successful/s', scale: 'rate', stroke: palette[2], fill: alpha(palette[2], 0.08), width: 2, value: (u, v) => number(v, 2) },
      { label: 'requests/s', scale: 'rate', stroke: palette[0], width: 1.5, dash: [6, 3], value: (u, v) => number(v, 2) },
      { label: 'users', scale: 'users', stroke: palette[8], width: 1, paths: uPlot.paths.stepped({ align: 1 }), value: (u, v) => number(v, 0) },
    ], [ok, data.requestsPerSecond, data.users],
    { rate: { range: fromZero }, users: { range: fromZero } },
    [leftAxis('rate', 'per second'), rightAxis('users', 'users')]);
  }

  function analysisLatency() {
    const all = data.rows[0];
    const series = [
      { label: 'p50', scale: 'ms', stroke: palette[0], width: 2, spanGaps: false, value: (u, v) => ms(v) },
      { label: 'p95', scale: 'ms', stroke: palette[1], width: 1.5, dash: percentileDash.p95, spanGaps: false, value: (u, v) => ms(v) },
    ];
    const columns = [all.p50, all.p95];
    const drift = driftOf('latency', all.label);
    if (drift) {
      series.push(driftSeries(drift, null, 'ms', true, (u, v) => ms(v)));
      columns.push(driftColumn(drift));
    }

    analysisChart('chart-analysis-latency', series, columns,
    { ms: { range: fromZero } },
    [leftAxis('ms', 'ms'), rightAxis('ms', null)]);
  }

  function resourceChart(chart, index) {
    const series = [];
    const columns = [];
    const scales = {};
    const rawUnits = [];
    chart.lines.forEach((line, i) => {
      const scale = line.percent ? 'percent' : 'raw:' + line.unit;
      if (!line.percent && rawUnits.indexOf(line.unit) < 0) rawUnits.push(line.unit);
      scales[scale] = line.percent ? { range: (u, min, max) => [0, Math.max(100, (max || 0) * 1.05)] } : { range: fromZero };
      series.push({
        label: line.label,
        scale: scale,
        stroke: palette[(index * 3 + i) % palette.length],
        width: 2,
        spanGaps: false,
        value: line.percent ? (u, v) => withUnit(number(v, 1), '%') : (u, v) => amount(v, line.unit),
      });
      columns.push(line.values);
    });

    // Each memory line's drift, on the line's own scale (as % of its capacity when the line is).
    chart.lines.forEach((line, i) => {
      const d = driftOf('memory', line.label);
      if (!d) return;
      const percent = line.percent && line.capacity > 0;
      series.push(driftSeries(d, null, percent ? 'percent' : 'raw:' + line.unit, true,
        percent ? (u, v) => withUnit(number(v, 1), '%') : (u, v) => amount(v, line.unit)));
      columns.push(driftColumn(d, percent ? 100 / line.capacity : 1));
    });

    // Left: % of capacity (or the first raw unit); right: the first raw unit beside %, or the left mirrored.
    const percent = scales.percent != null;
    const first = percent ? 'percent' : 'raw:' + rawUnits[0];
    const firstValues = percent ? (u, splits) => splits.map((v) => v + '%') : axisAmount(rawUnits[0]);
    const firstUnit = percent ? '%' : rawUnits[0];
    const axes = [leftAxis(first, percent ? '% of capacity' : rawUnits[0], firstValues, firstUnit)];
    axes.push(percent && rawUnits.length > 0
      ? rightAxis('raw:' + rawUnits[0], rawUnits[0], axisAmount(rawUnits[0]), rawUnits[0])
      : rightAxis(first, null, firstValues, firstUnit));
    analysisChart('chart-resource-' + index, series, columns, scales, axes);
  }

  // ---- autoscaling: replicas, offered load and p95 on the analysis time axis, its seconds marked --------

  // Each mark (spike, scale-out, recovery, load drop, scale-in) as a vertical line with its label, a DOM element so it
  // can be found (and read) in the page, as the knee is.
  function marksPlugin(marks) {
    const lines = [];
    return {
      hooks: {
        draw: (u) => {
          if (lines.length === 0) {
            marks.forEach((m, i) => {
              const line = document.createElement('div');
              line.className = 'scale-mark ' + m.kind;
              line.dataset.kind = m.kind;
              line.dataset.x = String(m.x);
              const label = document.createElement('span');
              label.className = 'scale-mark-label';
              label.style.top = (2 + (i % 3) * 14) + 'px';
              label.textContent = m.label;
              line.append(label);
              u.over.append(line);
              lines.push(line);
            });
          }
          lines.forEach((line, i) => {
            const left = u.valToPos(marks[i].x, 'x');
            line.hidden = !(left >= 0 && left <= u.over.clientWidth);
            line.style.left = left + 'px';
          });
        },
      },
    };
  }

  function autoscalingChart() {
    const a = data.analysis.autoscaling;
    if (!a) return;
    const p95 = data.rows[0].p95;
    const replicas = a.replicas.length === data.seconds.length ? a.replicas : data.seconds.map(() => null);
    // Each value describes its interval (arrivals due in it, the read at its end): drawn over the second before its point.
    const plugins = [marksPlugin(a.marks)];
    const opts = {
      scales: { x: { time: false }, ms: { range: fromZero }, offered: { range: fromZero }, replicas: { range: (u, min, max) => [0, Math.max(1, max || 0) * 1.25] } },
      series: [
        timeSeries(),
        { label: 'p95 (ms)', scale: 'ms', stroke: palette[1], width: 1.5, dash: percentileDash.p95, spanGaps: false, value: (u, v) => ms(v) },
        { label: 'offered (' + a.offeredUnit + ')', scale: 'offered', stroke: palette[0], width: 2, paths: uPlot.paths.stepped({ align: -1 }), value: (u, v) => number(v, 2) },
        { label: a.replicasLabel, scale: 'replicas', stroke: palette[2], fill: alpha(palette[2], 0.1), width: 2.5, paths: uPlot.paths.stepped({ align: -1 }), value: (u, v) => amount(v, a.replicasUnit) },
      ],
      axes: [
        timeAxis(),
        { scale: 'ms', label: 'p95 (ms)', size: axisSize },
        { scale: 'offered', label: a.offeredUnit, size: axisSize, grid: { show: false } },
        { scale: 'replicas', label: a.replicasUnit, side: 1, size: axisSize, grid: { show: false }, values: axisAmount(a.replicasUnit) },
      ],
      cursor: { sync: { key: analysisSync, setSeries: false, scales: ['x', null] } },
      hooks: { setScale: [syncScale] },
      plugins: plugins,
    };
    const u = makeChart('chart-autoscaling', opts, [data.seconds, p95, a.offered, replicas]);
    if (u) analysisCharts.push(u);
  }

  function analysisSection() {
    if (!data.analysis) return;
    if (data.analysis.autoscaling) autoscalingChart();
    analysisThroughput();
    analysisLatency();
    data.analysis.resources.forEach(resourceChart);
  }

  // ---- LLM streams: TTFT and output tokens/s per second, TTFT and ITL by percentile (data.llm) ----------

  function llmColor(label) {
    const i = data.rows.findIndex((r) => r.label === label);
    return palette[Math.max(0, i) % palette.length];
  }

  function llmTtftChart() {
    const series = [timeSeries()];
    const columns = [data.seconds];
    data.llm.rows.forEach((row) => {
      ['50', '95'].forEach((key) => {
        series.push({
          label: row.label + ' p' + key,
          stroke: llmColor(row.label),
          width: percentileWidth['p' + key],
          dash: percentileDash['p' + key],
          spanGaps: false,
          value: (u, v) => ms(v),
        });
        columns.push(row['ttftP' + key]);
      });
    });

    makeChart('chart-llm-ttft', {
      scales: { x: { time: false }, y: { range: fromZero } },
      series: series,
      axes: [timeAxis(), { label: 'TTFT (ms)', size: 70 }],
    }, columns);
  }

  function llmTokensChart() {
    const series = [timeSeries()];
    const columns = [data.seconds];
    data.llm.rows.forEach((row) => {
      const color = llmColor(row.label);
      series.push({ label: row.label, stroke: color, fill: alpha(color, 0.08), width: 2, value: (u, v) => withUnit(number(v, 1), 'tokens/s') });
      columns.push(row.outputTokensPerSecond);
    });

    makeChart('chart-llm-tokens', {
      scales: { x: { time: false }, y: { range: fromZero } },
      series: series,
      axes: [timeAxis(), { label: 'output tokens/s', size: 70 }],
    }, columns);
  }

  // As the latency distribution: one more nine a step to the right; the document's percentiles start at 50%.
  function llmDistributionChart(id, key, label) {
    const d = data.llm.distribution;
    const x = d.percentiles.map(toNines);
    const el = document.getElementById(id);
    if (x.length === 0) {
      noData(el, 'No data: no stream completed.');
      return;
    }

    const series = [{ label: 'percentile', value: (u, v) => percentLabel(v == null ? null : fromNines(v)) }];
    const columns = [x];
    d.rows.forEach((row) => {
      series.push({ label: row.label, stroke: llmColor(row.label), width: row.label === 'Aggregated' ? 2.5 : 2, value: (u, v) => ms(v) });
      columns.push(row[key]);
    });

    let last = 0;
    d.rows.forEach((row) => row[key].forEach((v, i) => { if (v != null && i > last) last = i; }));
    const top = Math.max(10, Math.pow(10, Math.ceil(Math.log10(x[last] || 10))));
    makeChart(id, {
      scales: {
        x: { time: false, distr: 3, log: 10, range: () => [x[0], top] },
        y: { range: fromZero },
      },
      series: series,
      axes: [
        {
          label: 'percentile',
          splits: (u) => {
            const out = [x[0]];
            for (let v = 10; v <= u.scales.x.max * 1.0001; v *= 10) out.push(v);
            return out;
          },
          // uPlot's log axes label only powers of ten by default; 50% (x = 2) is the first tick here.
          filter: (u, splits) => splits,
          values: (u, splits) => splits.map((v) => percentLabel(fromNines(v))),
        },
        { label: label + ' (ms)', size: 70 },
      ],
    }, columns);
  }

  function llmSection() {
    if (!data.llm) return;
    llmTtftChart();
    llmTokensChart();
    llmDistributionChart('chart-llm-ttft-distribution', 'ttftMs', 'TTFT');
    llmDistributionChart('chart-llm-itl-distribution', 'itlMs', 'ITL');
  }

  function resizeAll() {
    charts.forEach((c) => {
      const width = c.el.clientWidth;
      if (width > 0 && width !== c.u.width) c.u.setSize({ width: width, height: c.u.height });
    });
  }

  [analysisSection, throughputChart, usersChart, latencyChart, distributionChart, llmSection, cpuChart].forEach((draw) => draw());

  let pending = 0;
  window.addEventListener('resize', () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(resizeAll);
  });

  document.body.dataset.chartsReady = String(charts.length);
  document.body.dataset.driftLines = String(driftLines);
})();
