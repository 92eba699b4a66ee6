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
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.plot.setSize({ width: Math.max(c.el.clientWidth, 240), height: 240 }); });
  });

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
  };

  function render(v) {
    if (v.runId !== runId) {
      runId = v.runId;
      clearSeries();
    }

    if (v.points) {
      if (v.points.from === 0) { clearSeries(); }
      if (v.points.from === series.time.length) {
        Object.keys(series).forEach(function (k) {
          Array.prototype.push.apply(series[k], v.points[k] || []);
        });
      }
    }
    redraw();
    renderStats(v);
    renderThresholds(v);

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
      ? "The run ended: " + (endings[v.stopReason] || v.stopReason || "stopped") + ". " + (v.validity || "")
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
