// Stampede's live dashboard. Numbers arrive as server-sent events (one per metrics snapshot, about once a
// second); the buttons send JSON POSTs. Text from the run (request names, errors, thresholds) is only ever set
// with textContent, never parsed as HTML.
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("dashboard-config").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var body = document.body;

  $("title").textContent = config.title || "";
  $("version").textContent = config.version || "";
  $("users-input").value = config.users;
  $("spawn-rate-input").value = config.spawnRate;
  $("host-input").value = config.host || "";
  if (config.runTimeSeconds) { $("run-time-input").value = config.runTimeSeconds + "s"; }
  $("figure-host").textContent = config.host || "–";

  // ---- charts ---------------------------------------------------------------------------------
  var series = { time: [], rps: [], failuresPerSecond: [], users: [], p50: [], p95: [] };
  // The history second the series start at: 0, or later when the page opened on a long run (the server sends its last hour).
  var seriesFrom = 0;
  var runId = null;

  function clock(seconds) {
    var d = new Date(seconds * 1000);
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    return two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds());
  }

  function chart(id, lines, yLabel) {
    var el = $(id);
    var opts = {
      width: Math.max(el.clientWidth, 240),
      height: 240,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [
        // Whole seconds as local HH:MM:SS: the points are one-second intervals.
        { stroke: "#616e7c", grid: { stroke: "#eef1f4" }, space: 70, incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200],
          values: function (u, splits) { return splits.map(clock); } },
        { stroke: "#616e7c", grid: { stroke: "#eef1f4" }, label: yLabel, size: 56 },
      ],
      series: [{}].concat(lines.map(function (l) {
        return { label: l.label, stroke: l.color, width: 2, dash: l.dash, points: { show: false }, spanGaps: false };
      })),
    };
    var data = [series.time].concat(lines.map(function (l) { return series[l.key]; }));
    var plot = new uPlot(opts, data, el);
    return { plot: plot, el: el, lines: lines };
  }

  var charts = [
    chart("chart-rps", [{ key: "rps", label: "Requests/s", color: "#2563eb" }, { key: "failuresPerSecond", label: "Failures/s", color: "#b91c1c" }], "per second"),
    chart("chart-latency", [{ key: "p50", label: "p50", color: "#0f766e" }, { key: "p95", label: "p95", color: "#c2410c", dash: [6, 4] }], "ms"),
    chart("chart-users", [{ key: "users", label: "Users", color: "#7c3aed" }], "users"),
  ];

  function redraw() {
    charts.forEach(function (c) {
      c.plot.setData([series.time].concat(c.lines.map(function (l) { return series[l.key]; })));
    });
    body.setAttribute("data-points", String(series.time.length));
  }

  function clearSeries() {
    Object.keys(series).forEach(function (k) { series[k].length = 0; });
    Object.keys(llmSeries).forEach(function (k) { llmSeries[k].length = 0; });
    targetLines.clear();
    seriesFrom = 0;
  }

  function resizeCharts() {
    charts.concat(targetChart ? [targetChart] : [], llmChart ? [llmChart] : []).forEach(function (c) {
      c.plot.setSize({ width: Math.max(c.el.clientWidth, 240), height: 240 });
    });
  }

  window.addEventListener("resize", resizeCharts);

  // ---- target (--metrics-url, --watch-pid) ----------------------------------------------------
  // One line per watched series, keyed by source and name (a Map: the names come from the servers), with one
  // value per point of the charts above: % of its capacity when one is known, raw in its unit otherwise.
  var targetLines = new Map();
  var targetChart = null;
  var targetSignature = "";
  var targetColors = ["#0891b2", "#d97706", "#16a34a", "#9333ea", "#db2777", "#65a30d", "#475569", "#ca8a04"];
  var binaryUnits = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  // Byte axes tick at binary steps (64 MiB, 128 MiB …) rather than at decimal ones (95.4 MiB).
  var byteIncrs = [];
  for (var k = 0; k <= 5; k++) {
    [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].forEach(function (m) { byteIncrs.push(m * Math.pow(1024, k)); });
  }

  function targetKey(s) { return s.source + "\n" + s.name; }

  function amount(value, unit) {
    if (value === null || value === undefined) { return "–"; }
    if (unit === "bytes" || unit === "bytes/s") {
      var i = 0, x = Math.abs(value);
      while (x >= 1024 && i < binaryUnits.length - 1) { x /= 1024; i++; }
      return fmt(Math.sign(value) * x, x >= 100 ? 0 : x >= 10 ? 1 : 2) + " " + binaryUnits[i] + (unit === "bytes/s" ? "/s" : "");
    }
    return fmt(value, Math.abs(value) >= 100 ? 1 : 3) + " " + unit;
  }

  function appendTarget(v, before) {
    var list = (v.target && v.target.series) || [];
    var points = v.points.target || [];
    var after = series.time.length;
    list.forEach(function (s, j) {
      var key = targetKey(s);
      var line = targetLines.get(key);
      if (!line) { line = { values: [] }; targetLines.set(key, line); }
      while (line.values.length < before) { line.values.push(null); }
      Array.prototype.push.apply(line.values, points[j] || []);
      line.meta = s;
    });
    targetLines.forEach(function (line) { while (line.values.length < after) { line.values.push(null); } });
  }

  function targetOptions(el, lines) {
    var scales = { x: { time: true } };
    var rawUnits = [];
    var seriesOpts = [{}];
    lines.forEach(function (l, i) {
      var m = l.meta;
      var scale = m.normalised ? "percent" : "raw:" + m.unit;
      if (!m.normalised && rawUnits.indexOf(m.unit) < 0) { rawUnits.push(m.unit); }
      scales[scale] = m.normalised
        ? { range: function (u, min, max) { return [0, Math.max(100, (max || 0) * 1.05)]; } }
        : { range: function (u, min, max) { return [0, max > 0 ? max * 1.08 : 1]; } };
      seriesOpts.push({
        label: (m.resource || "–") + ": " + m.name + " · " + m.source,
        scale: scale, stroke: targetColors[i % targetColors.length], width: 2, points: { show: false }, spanGaps: false,
      });
    });
    var unitValues = function (unit) {
      return function (u, splits) { return splits.map(function (v) { return unit === "bytes" || unit === "bytes/s" ? amount(v, unit) : fmt(v, 2); }); };
    };
    var axes = [{ stroke: "#616e7c", grid: { stroke: "#eef1f4" }, space: 70, incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200],
      values: function (u, splits) { return splits.map(clock); } }];
    if (scales.percent) {
      axes.push({ scale: "percent", stroke: "#616e7c", grid: { stroke: "#eef1f4" }, label: "% of capacity", size: 56,
        values: function (u, splits) { return splits.map(function (v) { return v + "%"; }); } });
    }
    if (rawUnits.length) {
      axes.push({ scale: "raw:" + rawUnits[0], stroke: "#616e7c", grid: { show: !scales.percent, stroke: "#eef1f4" }, label: rawUnits[0],
        side: scales.percent ? 1 : 3, size: 72, values: unitValues(rawUnits[0]),
        incrs: rawUnits[0] === "bytes" || rawUnits[0] === "bytes/s" ? byteIncrs : undefined });
    }
    return {
      width: Math.max(el.clientWidth, 240), height: 240,
      legend: { show: true, live: false }, cursor: { drag: { x: false, y: false } },
      scales: scales, axes: axes, series: seriesOpts,
    };
  }

  function renderTargetChart() {
    var lines = Array.from(targetLines.values());
    var show = lines.length > 0;
    var figure = $("target-figure");
    if (figure.hidden === show) {
      figure.hidden = !show;
      $("charts-grid").classList.toggle("with-target", show);
      resizeCharts();
    }
    if (!show) {
      if (targetChart) { targetChart.plot.destroy(); targetChart = null; targetSignature = ""; }
      return;
    }
    var data = [series.time].concat(lines.map(function (l) { return l.values; }));
    var signature = lines.map(function (l) { return targetKey(l.meta) + "\n" + l.meta.normalised + "\n" + l.meta.unit + "\n" + l.meta.resource; }).join("\n\n");
    if (targetChart && signature === targetSignature) {
      targetChart.plot.setData(data);
      return;
    }
    // A new series (or one whose unit changed): build the chart again, its scales and axes depend on them.
    if (targetChart) { targetChart.plot.destroy(); }
    var el = $("chart-target");
    targetChart = { plot: new uPlot(targetOptions(el, lines), data, el), el: el };
    targetSignature = signature;
  }

  function renderTarget(v) {
    var t = v.target;
    var b = v.bottleneck;
    $("target").hidden = !t && !b;
    $("target-watching").hidden = !t;
    body.setAttribute("data-target-series", String(t ? t.series.length : 0));

    var verdict = $("target-bottleneck");
    verdict.hidden = !b;
    if (b) {
      $("target-bottleneck-headline").textContent = b.headline;
      $("target-bottleneck-summary").textContent = b.summary;
      verdict.className = "overall bottleneck" + (b.resource === "none" ? " none" : "");
      verdict.setAttribute("data-resource", b.resource);
    }
    if (!t) { return; }

    fill("target-table", t.series.map(function (s) {
      var tr = row([
        s.resource || "–", s.name, s.source, amount(s.value, s.unit),
        s.percent === null || s.percent === undefined ? "–" : fmt(s.percent, 1) + "%" + (s.capacity !== null && s.unit !== "percent" ? " of " + amount(s.capacity, s.unit) : ""),
      ]);
      tr.title = s.description;
      return tr;
    }), "No series recognised yet.", 5);

    var sources = $("target-sources");
    sources.replaceChildren();
    t.sources.forEach(function (s) {
      var li = document.createElement("li");
      li.className = s.up ? "" : "down";
      li.textContent = s.name + " (" + s.kind + ", " + s.url + "): " + plural(s.scrapes, "scrape", "scrapes") + ", "
        + (s.failures === 0 ? "none failed" : s.failures + " failed" + (s.timeouts ? " (" + s.timeouts + " timed out)" : "") + (s.lastError ? ", last: " + s.lastError : ""));
      sources.appendChild(li);
    });
    var warnings = $("target-warnings");
    warnings.replaceChildren();
    (t.warnings || []).forEach(function (w) {
      var li = document.createElement("li");
      li.textContent = w;
      warnings.appendChild(li);
    });
  }

  // ---- agents of a distributed run ------------------------------------------------------------
  function renderAgents(v) {
    var c = v.cluster;
    $("agents").hidden = !c;
    body.setAttribute("data-agents", String(c ? c.agents.length : 0));
    if (!c) { return; }
    $("agents-note").textContent = "run '" + c.runId + "' on " + c.server + ": " + plural(c.reportsMerged, "report", "reports") + " merged exactly";
    fill("agents-table", c.agents.map(function (a) {
      var lost = a.state === "lost";
      return row([
        a.name, a.host, a.share,
        { text: lost ? "lost at " + fmt(a.lostAtSeconds, 1) + " s (" + a.lostReason + ")" : a.state, className: lost ? "fail" : "" },
        fmt(a.users, 0), fmt(a.requests, 0), { text: fmt(a.failures, 0), className: a.failures > 0 ? "fail" : "" },
        fmt(a.peakCpuPercent, 1), fmt(a.boundSeconds, 0), fmt(a.clockOffsetMs, 3),
      ], lost ? "lost" : "");
    }), "Waiting for agents.", 10);
  }

  // ---- LLM streams ----------------------------------------------------------------------------
  // Each second's TTFT p50/p95 and output tokens/s of the run's completed streams, aligned with series.time (null
  // before the run's first stream); the table is every row with streams, and the aggregate.
  var llmSeries = { ttftP50: [], ttftP95: [], outputTokensPerSecond: [] };
  var llmChart = null;
  var tokenSources = { usage: "server usage", tokenizer: "tokenizer", mixed: "mixed" };

  function appendLlm(v, before) {
    var points = v.points.llm || {};
    var after = series.time.length;
    Object.keys(llmSeries).forEach(function (k) {
      var values = llmSeries[k];
      while (values.length < before) { values.push(null); }
      Array.prototype.push.apply(values, points[k] || []);
      while (values.length < after) { values.push(null); }
    });
  }

  function llmOptions(el) {
    return {
      width: Math.max(el.clientWidth, 240), height: 240,
      legend: { show: true, live: false }, cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, ms: { range: function (u, min, max) { return [0, max > 0 ? max * 1.08 : 1]; } },
        tokens: { range: function (u, min, max) { return [0, max > 0 ? max * 1.08 : 1]; } } },
      axes: [
        { stroke: "#616e7c", grid: { stroke: "#eef1f4" }, space: 70, incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200],
          values: function (u, splits) { return splits.map(clock); } },
        { scale: "ms", stroke: "#616e7c", grid: { stroke: "#eef1f4" }, label: "TTFT, ms", size: 56 },
        { scale: "tokens", side: 1, stroke: "#616e7c", grid: { show: false }, label: "output tokens/s", size: 64 },
      ],
      series: [{},
        { label: "TTFT p50", scale: "ms", stroke: "#0f766e", width: 2, points: { show: false }, spanGaps: false },
        { label: "TTFT p95", scale: "ms", stroke: "#c2410c", width: 2, dash: [6, 4], points: { show: false }, spanGaps: false },
        { label: "Output tokens/s", scale: "tokens", stroke: "#2563eb", width: 2, points: { show: false }, spanGaps: false }],
    };
  }

  function renderLlm(v) {
    var rows = (v.rows || []).filter(function (r) { return r.llm; });
    $("llm").hidden = !rows.length;
    body.setAttribute("data-llm-rows", String(rows.length));
    if (!rows.length) {
      if (llmChart) { llmChart.plot.destroy(); llmChart = null; }
      return;
    }

    // With --goodput: one more column (share, count, rate of the streams that met every bound) and the bounds below.
    var withGoodput = rows.filter(function (r) { return r.llm.goodput; });
    var goodputBounds = withGoodput.length ? withGoodput[0].llm.goodput.bounds : null;
    $("llm-goodput-head").hidden = !goodputBounds;
    $("llm-goodput").hidden = !goodputBounds;
    $("llm-goodput").textContent = goodputBounds
      ? "Goodput: the share (count) of completed streams that met every bound of --goodput " + goodputBounds + ", then their rate (streams/s)."
      : "";
    fill("llm-table", rows.map(function (r) {
      var l = r.llm;
      var cells = [
        r.method, r.name, fmt(l.requests, 0), fmt(l.ttftP50Ms, 1), fmt(l.ttftP95Ms, 1), fmt(l.ttftP99Ms, 1),
        fmt(l.itlP50Ms, 1), fmt(l.itlP99Ms, 1), fmt(l.tpotP50Ms, 1), fmt(l.tpotP99Ms, 1), fmt(l.e2eP50Ms, 1), fmt(l.e2eP99Ms, 1),
        fmt(l.outputTokensMean, 1), fmt(l.inputTokensMean, 1), fmt(l.outputTokensPerSecond, 1), tokenSources[l.tokenSource] || l.tokenSource,
      ];
      if (goodputBounds) {
        cells.push(l.goodput ? fmt(l.goodput.share * 100, 1) + "% (" + fmt(l.goodput.requests, 0) + "), " + fmt(l.goodput.perSecond, 2) + "/s" : "–");
      }
      return row(cells, r.name === "Aggregated" && r.method === "" ? "total" : "");
    }), "", goodputBounds ? 17 : 16);

    var data = [series.time, llmSeries.ttftP50, llmSeries.ttftP95, llmSeries.outputTokensPerSecond];
    if (llmChart) {
      llmChart.plot.setData(data);
    } else {
      // Built once the panel shows, so the chart takes the panel's width.
      var el = $("chart-llm");
      llmChart = { plot: new uPlot(llmOptions(el), data, el), el: el };
    }
  }

  // ---- experiments (--find-capacity, --stress) and the ended run's analyses ---------------------
  var verdictBadges = { pass: ["PASS", "pass"], fail: ["FAIL", "fail"], invalid: ["INVALID", "fail"], info: ["RESULT", "nodata"] };
  var analysisTitles = { capacity: "Capacity", breakingPoint: "Breaking point", autoscaling: "Autoscaling", coldStart: "Cold start", drift: "Drift" };

  function ms(value) { return value === null || value === undefined ? "–" : fmt(value, 1) + " ms"; }

  function renderExperiment(v) {
    var e = v.experiment;
    var analyses = v.analyses || [];
    $("experiment").hidden = !e && !analyses.length;
    body.setAttribute("data-experiment-phase", e ? e.phase : "");

    var progress = $("experiment-progress");
    progress.hidden = !e;
    if (e) {
      progress.textContent = e.text;
      progress.className = "overall" + (e.phase === "done" ? " pass" : "");
      progress.setAttribute("data-phase", e.phase);
    }

    var list = $("experiment-analyses");
    list.replaceChildren();
    analyses.forEach(function (a) {
      var li = document.createElement("li");
      li.setAttribute("data-kind", a.kind);
      li.setAttribute("data-verdict", a.verdict);
      var badge = document.createElement("span");
      var b = verdictBadges[a.verdict] || [a.verdict, "nodata"];
      badge.className = "badge " + b[1];
      badge.textContent = b[0];
      var title = document.createElement("strong");
      title.textContent = " " + (analysisTitles[a.kind] || a.kind) + ": ";
      li.appendChild(badge);
      li.appendChild(title);
      li.appendChild(document.createTextNode(a.summary));
      list.appendChild(li);
    });

    var steps = e ? e.steps : [];
    $("experiment-steps-wrap").hidden = !e;
    if (!e) { return; }
    fill("experiment-steps", steps.map(function (s) {
      return row([
        fmt(s.number, 0), s.phase, fmt(s.rate, 2), fmt(s.achievedRate, 2), ms(s.p50Ms), ms(s.p95Ms), ms(s.p99Ms),
        fmt(100 * s.errorRate, 2) + "%", { text: s.pass ? "pass" : "fail", className: s.pass ? "" : "fail" }, s.reason,
      ], s.pass ? "" : "failed");
    }), "No step judged yet.", 10);
  }

  // ---- tables ---------------------------------------------------------------------------------
  function fmt(value, digits) {
    if (value === null || value === undefined) { return "–"; }
    return Number(value).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  }

  function row(cells, className) {
    var tr = document.createElement("tr");
    if (className) { tr.className = className; }
    cells.forEach(function (cell) {
      var td = document.createElement("td");
      if (cell && typeof cell === "object") { td.textContent = cell.text; td.className = cell.className || ""; }
      else { td.textContent = cell; }
      tr.appendChild(td);
    });
    return tr;
  }

  function fill(tableId, rows, emptyText, columns) {
    var tbody = $(tableId).tBodies[0];
    var fragment = document.createDocumentFragment();
    if (!rows.length) {
      var tr = row([emptyText], "empty");
      tr.firstChild.colSpan = columns;
      fragment.appendChild(tr);
    }
    rows.forEach(function (r) { fragment.appendChild(r); });
    tbody.replaceChildren(fragment);
  }

  function renderStats(v) {
    var rows = (v.rows || []).map(function (r) {
      var total = r.name === "Aggregated" && r.method === "";
      return row([
        r.method, r.name, fmt(r.requests, 0), { text: fmt(r.failures, 0), className: r.failures > 0 ? "fail" : "" },
        fmt(r.median, 1), fmt(r.p95, 1), fmt(r.p99, 1), fmt(r.average, 1), fmt(r.min, 1), fmt(r.max, 1),
        fmt(r.averageSize, 0), fmt(r.rps, 1), fmt(r.failuresPerSecond, 1),
      ], total ? "total" : "");
    });
    // Only the aggregate row means nothing was requested yet.
    fill("stats-table", rows.length > 1 ? rows : [], "No requests yet.", 13);
    fill("failures-table", (v.failures || []).map(function (f) {
      return row([fmt(f.occurrences, 0), f.method, f.name, f.error]);
    }), "No failures.", 4);
    fill("errors-table", (v.errors || []).map(function (e) {
      return row([fmt(e.count, 0), e.source, e.type, e.message]);
    }), "No exceptions.", 4);
    var warnings = $("warnings");
    warnings.replaceChildren();
    (v.warnings || []).forEach(function (w) {
      var li = document.createElement("li");
      li.textContent = w;
      warnings.appendChild(li);
    });
  }

  // ---- thresholds (--slo) ---------------------------------------------------------------------
  var badges = { pass: ["pass", "pass"], fail: ["FAIL", "fail"], noData: ["NO DATA", "nodata"] };

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function renderThresholds(v) {
    var list = v.thresholds || [];
    var panel = $("thresholds");
    panel.hidden = list.length === 0;
    if (!list.length) { return; }

    var count = { pass: 0, fail: 0, noData: 0 };
    var rows = list.map(function (t) {
      count[t.result] = (count[t.result] || 0) + 1;
      var tr = document.createElement("tr");
      tr.setAttribute("data-expression", t.expression);
      tr.setAttribute("data-result", t.result);
      if (t.abortedRun) { tr.className = "aborted"; }

      var result = document.createElement("td");
      var badge = document.createElement("span");
      var b = badges[t.result] || [t.result, "nodata"];
      badge.className = "badge " + b[1];
      badge.textContent = b[0];
      result.appendChild(badge);

      var expression = document.createElement("td");
      expression.textContent = t.expression;
      if (t.abortedRun) {
        var tag = document.createElement("span");
        tag.className = "tag";
        tag.textContent = "stopped the run";
        expression.appendChild(tag);
      }

      var rowName = document.createElement("td");
      rowName.textContent = t.row === null || t.row === undefined ? "Aggregated" : t.row;
      var measured = document.createElement("td");
      measured.textContent = t.measured === null || t.measured === undefined
        ? "no data" + (t.note ? " (" + t.note + ")" : "")
        : t.metric + " = " + t.measuredText;
      [result, expression, rowName, measured].forEach(function (td) { tr.appendChild(td); });
      return tr;
    });
    fill("thresholds-table", rows, "", 4);

    var overall = $("thresholds-overall");
    var text, kind;
    if (!v.rows) {
      kind = "";
      text = v.state === "running" || v.state === "stopping"
        ? "Waiting for the run's first snapshot."
        : plural(list.length, "threshold", "thresholds") + ", measured with every snapshot once a run starts.";
    } else {
      var when = v.thresholdsFinal ? "At the end of the run" : "On the run so far";
      if (count.fail === 0 && count.noData === 0) {
        kind = "pass";
        text = when + ": " + (list.length === 1 ? "the threshold passes." : "all " + list.length + " thresholds pass.");
      } else {
        var parts = [];
        if (count.fail > 0) { parts.push(count.fail + " of " + list.length + (v.thresholdsFinal ? " FAILED" : " FAIL")); }
        if (count.noData > 0) { parts.push(count.noData + " without data (not a pass)"); }
        kind = count.fail > 0 ? "fail" : "nodata";
        text = when + ": " + parts.join(", ") + ".";
      }
      (v.abortedBy || []).forEach(function (a) {
        text += " The abort threshold " + a.expression + " stopped the run (" + a.metric + " = " + a.measuredText + ").";
      });
    }
    overall.textContent = text;
    overall.className = "overall" + (kind ? " " + kind : "");
    panel.setAttribute("data-result", kind || "waiting");
  }

  // ---- state ----------------------------------------------------------------------------------
  var labels = { ready: "Ready", running: "Running", stopping: "Stopping", stopped: "Stopped" };
  var lastState = null;
  var endings = {
    RunTimeElapsed: "its run time elapsed",
    ShapeFinished: "its load shape finished",
    Interrupted: "it was stopped",
    AllUsersStopped: "every user stopped itself",
    ThresholdAborted: "an abort threshold failed",
    ExperimentFinished: "its experiment found its answer",
    TargetUnreachable: "its target was unreachable (see the warnings)",
  };

  function render(v) {
    if (v.runId !== runId) {
      runId = v.runId;
      clearSeries();
    }

    if (v.points) {
      if (v.points.from === 0 || v.points.from !== seriesFrom + series.time.length) {
        clearSeries();
        seriesFrom = v.points.from;
      }
      if (v.points.from === seriesFrom + series.time.length) {
        var before = series.time.length;
        Object.keys(series).forEach(function (k) {
          Array.prototype.push.apply(series[k], v.points[k] || []);
        });
        appendTarget(v, before);
        appendLlm(v, before);
      }
    }
    redraw();
    renderTargetChart();
    renderStats(v);
    renderThresholds(v);
    renderTarget(v);
    renderAgents(v);
    renderExperiment(v);
    renderLlm(v);

    var state = v.state;
    body.setAttribute("data-state", state);
    $("state").textContent = labels[state] || state;
    $("state").className = "state " + state;
    var active = state === "running" || state === "stopping";
    $("figure-users").textContent = active ? (v.users + " / " + v.targetUsers) : "0";
    var aggregated = (v.rows || []).filter(function (r) { return r.name === "Aggregated" && r.method === ""; })[0];
    $("figure-rps").textContent = aggregated && active ? fmt(aggregated.rps, 1) : "0";
    $("figure-failures").textContent = aggregated && aggregated.requests > 0
      ? fmt(100 * aggregated.failures / aggregated.requests, 1) + "%" : "0%";
    if (v.host) { $("figure-host").textContent = v.host; }
    $("elapsed").textContent = v.elapsedSeconds ? "after " + fmt(v.elapsedSeconds, 0) + " s" : "";

    $("start-panel").hidden = active;
    $("change-panel").hidden = !active;
    $("stop-button").disabled = state !== "running";
    $("start-button").disabled = active;
    if (state === "running" && lastState !== "running") {
      $("change-users-input").value = v.targetUsers;
      $("change-spawn-rate-input").value = v.spawnRate;
    }
    if (state === "stopped" && lastState !== "stopped" && lastState !== null) {
      // The next run starts where this one ended, as in Locust.
      $("users-input").value = v.targetUsers;
      if (v.spawnRate) { $("spawn-rate-input").value = v.spawnRate; }
    }

    var done = state === "stopped" || (state === "ready" && body.getAttribute("data-downloads") === "true");
    if (state === "stopped") { body.setAttribute("data-downloads", "true"); }
    document.querySelectorAll(".downloads a").forEach(function (a) {
      a.setAttribute("aria-disabled", done ? "false" : "true");
    });
    $("downloads-note").textContent = state === "stopped"
      ? "The run ended: " + (endings[v.stopReason] || v.stopReason || "stopped") + ". " + (v.headline || v.validity || "")
      : done ? "The outputs of the last finished run." : "The outputs appear here when a run ends (stop it, or let its run time pass).";
    if (v.message && v.version !== lastMessageVersion) {
      say(v.message);
      lastMessageVersion = v.version;
    }
    lastState = state;
  }

  var lastMessageVersion = null;

  // ---- the event stream -----------------------------------------------------------------------
  function connect() {
    var source = new EventSource("events");
    source.onopen = function () {
      body.setAttribute("data-connected", "true");
      $("connection").textContent = "connected";
    };
    source.onmessage = function (e) { render(JSON.parse(e.data)); };
    source.onerror = function () {
      body.setAttribute("data-connected", "false");
      $("connection").textContent = "connection lost, retrying…";
    };
  }

  // ---- control --------------------------------------------------------------------------------
  function say(text, info) {
    var m = $("message");
    m.textContent = text || "";
    m.className = "message" + (info ? " info" : "");
    m.hidden = !text;
  }

  function post(path, payload) {
    say("");
    return fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify(payload || {}),
    }).then(function (response) {
      if (response.ok) { return true; }
      return response.json().then(function (j) { say(j.error || response.statusText); return false; },
        function () { say(response.status + " " + response.statusText); return false; });
    }, function (error) { say("The dashboard did not answer: " + error); return false; });
  }

  $("start-form").addEventListener("submit", function (e) {
    e.preventDefault();
    $("start-button").disabled = true;
    post("api/start", {
      users: Number($("users-input").value),
      spawnRate: Number($("spawn-rate-input").value),
      host: $("host-input").value.trim() || null,
      runTime: $("run-time-input").value.trim() || null,
    }).then(function (ok) { if (!ok) { $("start-button").disabled = false; } });
  });

  $("change-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var rate = $("change-spawn-rate-input").value;
    post("api/users", { users: Number($("change-users-input").value), spawnRate: rate ? Number(rate) : null })
      .then(function (ok) { if (ok) { say("New user count sent: it applies from the run's next second.", true); } });
  });

  $("stop-button").addEventListener("click", function () {
    $("stop-button").disabled = true;
    post("api/stop");
  });

  $("reset-button").addEventListener("click", function () { post("api/reset"); });

  connect();
})();
