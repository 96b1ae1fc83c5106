/* The PLC lab page: editor, live sandbox on the server, animated HMI, I/O, watch, trend, grading.
 * No inline code (CSP): data comes from the json_script elements "lab-data" and "lab-text". */
(function () {
  "use strict";

  const LAB = JSON.parse(document.getElementById("lab-data").textContent);
  const T = JSON.parse(document.getElementById("lab-text").textContent);
  const SVGNS = "http://www.w3.org/2000/svg";
  const $ = (id) => document.getElementById(id);
  const langQ = "?lang=" + (LAB.lang === "zh" ? "zh-hans" : "en");
  const STORE = "plc-lab:" + LAB.urls.draft;

  // -- HTTP ---------------------------------------------------------------------------------------
  function csrf() {
    const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  async function api(url, body, method, headers) {
    const opts = { method: method || (body === undefined ? "GET" : "POST"), credentials: "same-origin",
      headers: Object.assign({ "X-CSRFToken": csrf(), "Content-Type": "application/json" }, headers || {}) };
    if (body !== undefined) opts.body = JSON.stringify(body);
    const res = await fetch(url + langQ, opts);
    let data = {};
    try { data = await res.json(); } catch (e) { data = { message: res.statusText }; }
    return { ok: res.ok, status: res.status, data: data };
  }
  function alertBox(text) {
    const box = $("lab-alert");
    box.textContent = text || "";
    box.hidden = !text;
  }
  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function svg(tag, attrs) {
    const e = document.createElementNS(SVGNS, tag);
    Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
    return e;
  }
  function label(obj) { return obj ? (obj[LAB.lang] || obj.en || "") : ""; }

  // -- editor -------------------------------------------------------------------------------------
  const src = $("st-source");
  const hl = $("st-highlight").firstElementChild;
  const gutter = $("st-gutter");
  const KEYWORDS = new Set(("PROGRAM END_PROGRAM FUNCTION END_FUNCTION FUNCTION_BLOCK END_FUNCTION_BLOCK VAR " +
    "VAR_INPUT VAR_OUTPUT VAR_IN_OUT VAR_TEMP VAR_GLOBAL VAR_EXTERNAL END_VAR CONSTANT RETAIN AT IF THEN " +
    "ELSIF ELSE END_IF CASE OF END_CASE FOR TO BY DO END_FOR WHILE END_WHILE REPEAT UNTIL END_REPEAT EXIT " +
    "RETURN AND OR XOR NOT MOD TRUE FALSE TYPE END_TYPE STRUCT END_STRUCT ARRAY CONFIGURATION " +
    "END_CONFIGURATION RESOURCE END_RESOURCE TASK WITH ON").split(" "));
  const TYPES = new Set(("BOOL SINT INT DINT LINT USINT UINT UDINT ULINT BYTE WORD DWORD LWORD REAL LREAL " +
    "TIME STRING TON TOF TP CTU CTD CTUD R_TRIG F_TRIG SR RS").split(" "));
  const TOKEN = /(\(\*[\s\S]*?(?:\*\)|$)|\/\/[^\n]*)|('(?:[^'$]|\$.)*'?)|(%[IQM][XBWDL]?\d+(?:\.\d+)*)|((?:T|TIME|t|time)#[0-9a-zA-Z_.]+|\d+#[0-9A-Fa-f_]+|\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)/g;
  function esc(s) { return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"); }
  function highlight(text) {
    let out = "", last = 0, m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      out += esc(text.slice(last, m.index));
      let cls = "";
      if (m[1]) cls = "c"; else if (m[2]) cls = "s"; else if (m[3]) cls = "a"; else if (m[4]) cls = "n";
      else if (m[5]) { const u = m[5].toUpperCase(); cls = KEYWORDS.has(u) ? "k" : TYPES.has(u) ? "t" : ""; }
      out += cls ? '<span class="tok-' + cls + '">' + esc(m[0]) + "</span>" : esc(m[0]);
      last = TOKEN.lastIndex;
    }
    return out + esc(text.slice(last)) + "\n";
  }
  let diagnostics = [];
  let faultLine = null;
  function renderEditor() {
    const text = src.value;
    hl.innerHTML = highlight(text);
    const lines = text.split("\n").length;
    const bad = new Map(diagnostics.map((d) => [d.line, d]));
    gutter.textContent = "";
    for (let i = 1; i <= lines; i++) {
      const n = el("div", { class: "ln" }, String(i));
      if (bad.has(i)) { n.classList.add("err"); n.title = bad.get(i).message; }
      if (faultLine === i) { n.classList.add("fault"); }
      gutter.appendChild(n);
    }
    syncScroll();
  }
  function syncScroll() {
    hl.parentElement.scrollTop = src.scrollTop;
    hl.parentElement.scrollLeft = src.scrollLeft;
    gutter.scrollTop = src.scrollTop;
  }
  function showDiagnostics(list) {
    diagnostics = list || [];
    const ul = $("diagnostics");
    ul.textContent = "";
    diagnostics.forEach((d) => {
      const li = el("li", { class: "diag" });
      const link = el("button", { type: "button", class: "link-button diag-loc" }, T.line + " " + d.line + ":" + d.column);
      link.addEventListener("click", () => goTo(d.line, d.column));
      li.appendChild(link);
      li.appendChild(document.createTextNode(" " + d.message));
      ul.appendChild(li);
    });
    if (!diagnostics.length && src.value.trim()) ul.appendChild(el("li", { class: "diag ok" }, T.compiled));
    renderEditor();
  }
  function goTo(line, col) {
    const lines = src.value.split("\n");
    let pos = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) pos += lines[i].length + 1;
    pos += Math.max(0, (col || 1) - 1);
    src.focus();
    src.setSelectionRange(pos, pos);
  }
  src.addEventListener("scroll", syncScroll);
  src.addEventListener("keydown", (ev) => {
    if (ev.key === "Tab") {
      ev.preventDefault();
      const s = src.selectionStart;
      src.setRangeText("    ", s, src.selectionEnd, "end");
      onEdit();
    }
  });

  // -- autosave (server, with a copy in this browser until the server has it) --------------------
  let version = LAB.version;
  let saveTimer = null, compileTimer = null, saving = false;
  function onEdit() {
    renderEditor();
    try { localStorage.setItem(STORE, JSON.stringify({ source: src.value, version: version, dirty: true })); } catch (e) { /* private mode */ }
    clearTimeout(saveTimer);
    saveTimer = setTimeout(save, 800);
    clearTimeout(compileTimer);
    compileTimer = setTimeout(compile, 500);
  }
  async function save() {
    if (saving) { saveTimer = setTimeout(save, 500); return; }
    saving = true;
    $("save-state").textContent = T.saving;
    const text = src.value;
    try {
      const r = await api(LAB.urls.draft, { source: text, version: version });
      if (r.ok) {
        version = r.data.version;
        $("save-state").textContent = T.saved.replace("%(v)s", version);
        if (src.value === text) {
          try { localStorage.setItem(STORE, JSON.stringify({ source: text, version: version, dirty: false })); } catch (e) { /* ignore */ }
        }
      } else {
        $("save-state").textContent = r.data.message || T.offline;
      }
    } catch (e) {
      $("save-state").textContent = T.offline;
      saveTimer = setTimeout(save, 5000);
    } finally { saving = false; }
  }
  async function compile() {
    try {
      const r = await api(LAB.urls.compile, { source: src.value });
      if (r.ok) showDiagnostics(r.data.diagnostics);
      else alertBox(r.data.message);
    } catch (e) { /* offline: markers stay as they were */ }
  }
  src.addEventListener("input", onEdit);
  window.addEventListener("online", () => save());

  // -- HMI ----------------------------------------------------------------------------------------
  const drawing = LAB.plant.drawing || { width: 400, height: 200, shapes: [] };
  const hmi = svg("svg", { viewBox: "0 0 " + drawing.width + " " + drawing.height, class: "hmi-svg", role: "img" });
  $("hmi").appendChild(hmi);
  const updaters = [];
  const itemsLayer = svg("g", { class: "items" });
  const pending = [];
  let last = null;

  function value(name) {
    if (!last || !name) return undefined;
    if (name.startsWith("plant.")) return last.plant.state[name.slice(6)];
    const io = last.plant.io;
    if (name in io) return io[name];
    const up = name.toUpperCase();
    for (const k in io) if (k.toUpperCase() === up) return io[k];
    return undefined;
  }
  function addLabel(s) {
    if (!s.label) return;
    const t = svg("text", { x: s.x + s.w / 2, y: s.y + s.h + 14, class: "hmi-label", "text-anchor": "middle" });
    t.textContent = label(s.label);
    hmi.appendChild(t);
  }
  function shape(s) {
    const b = s.bind || {};
    const g = svg("g", { class: "hmi-" + s.type, "data-id": s.id });
    hmi.appendChild(g);
    if (s.type === "button") {
      const c = svg("circle", { cx: s.x + s.w / 2, cy: s.y + s.h / 2, r: s.w / 2, class: "btn btn-" + (s.color || "grey") });
      g.appendChild(c);
      g.setAttribute("role", "button");
      g.setAttribute("tabindex", "0");
      g.setAttribute("aria-label", label(s.label) || b.press);
      g.setAttribute("data-press", b.press);
      const down = (ev) => { ev.preventDefault(); press(b.press, g); };
      const up = () => { if (g.classList.contains("pressed")) release(b.press, g); };
      g.addEventListener("pointerdown", down);
      g.addEventListener("pointerup", up);
      g.addEventListener("pointerleave", up);
      g.addEventListener("keydown", (ev) => { if (ev.key === " " || ev.key === "Enter") down(ev); });
      g.addEventListener("keyup", up);
    } else if (s.type === "lamp" || s.type === "sensor") {
      const c = svg("circle", { cx: s.x + s.w / 2, cy: s.y + s.h / 2, r: s.w / 2, class: "lamp lamp-" + (s.color || "yellow") });
      g.appendChild(c);
      updaters.push(() => g.classList.toggle("on", !!value(b.on)));
    } else if (s.type === "motor") {
      const cx = s.x + s.w / 2, cy = s.y + s.h / 2, r = s.w / 2;
      g.appendChild(svg("circle", { cx: cx, cy: cy, r: r, class: "motor-body" }));
      const rotor = svg("g", {});
      rotor.appendChild(svg("line", { x1: cx - r * 0.7, y1: cy, x2: cx + r * 0.7, y2: cy, class: "rotor" }));
      rotor.appendChild(svg("line", { x1: cx, y1: cy - r * 0.7, x2: cx, y2: cy + r * 0.7, class: "rotor" }));
      g.appendChild(rotor);
      let angle = 0, prevT = null;
      updaters.push(() => {
        const speed = b.speed ? Number(value(b.speed)) || 0 : (value(b.on) ? (b.max || 1500) : 0);
        const t = last.t_ms;
        if (prevT !== null && t > prevT) angle = (angle + speed * 6 * (t - prevT) / 1000 / 10) % 360;
        prevT = t;
        rotor.setAttribute("transform", "rotate(" + angle.toFixed(1) + " " + cx + " " + cy + ")");
        g.classList.toggle("on", speed > 1);
        g.setAttribute("data-running", speed > 1 ? "true" : "false");
      });
    } else if (s.type === "tank") {
      g.appendChild(svg("rect", { x: s.x, y: s.y, width: s.w, height: s.h, class: "tank-body" }));
      const fill = svg("rect", { x: s.x + 2, y: s.y + s.h, width: s.w - 4, height: 0, class: "tank-fill" });
      g.appendChild(fill);
      updaters.push(() => {
        const f = Math.max(0, Math.min(1, (Number(value(b.level)) || 0) / (b.max || 100)));
        fill.setAttribute("y", s.y + s.h * (1 - f));
        fill.setAttribute("height", s.h * f);
      });
    } else if (s.type === "valve") {
      const p = [s.x, s.y, s.x + s.w, s.y + s.h, s.x + s.w, s.y, s.x, s.y + s.h].join(" ");
      const v = svg("polygon", { points: p, class: "valve-body" });
      g.appendChild(v);
      updaters.push(() => {
        const o = b.opening ? Number(value(b.opening)) || 0 : (value(b.on) ? 1 : 0);
        g.classList.toggle("on", o > 0.5);
        v.setAttribute("fill-opacity", (0.2 + 0.8 * Math.min(1, o)).toFixed(2));
      });
    } else if (s.type === "belt") {
      const r = svg("rect", { x: s.x, y: s.y, width: s.w, height: s.h, rx: s.h / 2, class: "belt" });
      g.appendChild(r);
      let off = 0;
      updaters.push(() => {
        const on = !!value(b.on);
        if (on) off = (off + 4) % 16;
        r.setAttribute("stroke-dashoffset", String(-off));
        g.classList.toggle("on", on);
      });
    } else if (s.type === "door") {
      g.appendChild(svg("rect", { x: s.x, y: s.y, width: s.w, height: s.h, class: "door-frame" }));
      const panel = svg("rect", { x: s.x, y: s.y, width: s.w, height: s.h, class: "door-panel" });
      g.appendChild(panel);
      updaters.push(() => {
        const pos = Math.max(0, Math.min(1, (Number(value(b.position)) || 0) / (b.max || 100)));
        panel.setAttribute("height", s.h * (1 - pos));
      });
    } else if (s.type === "text") {
      const t = svg("text", { x: s.x, y: s.y + s.h - 4, class: "hmi-text" });
      g.appendChild(t);
      updaters.push(() => {
        if (b.visible) g.classList.toggle("hidden", !value(b.visible));
        t.textContent = label(s.label) + (b.value ? ": " + fmt(value(b.value)) : "");
      });
      return g;
    } else {
      const r = svg("rect", { x: s.x, y: s.y, width: s.w, height: s.h, class: "hmi-rect" });
      if (s.color) r.setAttribute("fill", s.color);
      g.appendChild(r);
      if (b.on || b.off) updaters.push(() => g.classList.toggle("on", b.on ? !!value(b.on) : !value(b.off)));
      if (b.height) updaters.push(() => {
        const h = Number(value(b.height)) || 0;
        r.setAttribute("height", Math.max(0, Math.min(s.h, h * s.h)));
        r.setAttribute("y", s.y + s.h - Math.max(0, Math.min(s.h, h * s.h)));
      });
      if (b.rotate) updaters.push(() => {
        const a = (Number(value(b.rotate)) || 0) * 45;
        r.setAttribute("transform", "rotate(" + a + " " + (s.x + s.w / 2) + " " + s.y + ")");
      });
    }
    addLabel(s);
    return g;
  }
  drawing.shapes.forEach(shape);
  hmi.appendChild(itemsLayer);
  function drawItems() {
    const spec = drawing.items;
    itemsLayer.textContent = "";
    if (!spec || !last) return;
    (last.plant.items || []).forEach((it) => {
      const w = spec.size_m[0] * spec.px_per_m, h = spec.size_m[1] * spec.px_per_m;
      const x = spec.origin[0] + (it.x || 0) * spec.px_per_m - w / 2;
      const tall = it.tall ? 1.5 : 1;
      itemsLayer.appendChild(svg("rect", { x: x, y: spec.origin[1] - h * tall, width: w, height: h * tall,
        class: "item item-" + spec.shape + (it.full ? " full" : "") }));
    });
  }

  // -- sandbox loop -------------------------------------------------------------------------------
  // stepToken: signed by the server for this sandbox; steps carrying it skip the session path.
  let sandbox = null, stepToken = null, running = false, inFlight = false, loopTimer = null;
  const watch = [];
  function press(name, g) { if (g) g.classList.add("pressed"); pending.push({ op: "press", name: name }); kick(); }
  function release(name, g) { if (g) g.classList.remove("pressed"); pending.push({ op: "release", name: name }); kick(); }
  function takeActions() {
    // a press and its release never travel in the same request: the PLC must see the press
    const out = [], pressed = new Set();
    while (pending.length) {
      const a = pending[0];
      if (a.op === "release" && pressed.has(a.name)) break;
      if (a.op === "press") pressed.add(a.name);
      out.push(pending.shift());
    }
    return out;
  }
  async function ensureSandbox() {
    if (sandbox) return true;
    const r = await api(LAB.urls.sandbox, { source: src.value });
    if (!r.ok) {
      if (r.data.diagnostics) showDiagnostics(r.data.diagnostics);
      alertBox(r.data.error === "compile" ? T.compile_errors : r.data.message);
      return false;
    }
    alertBox("");
    sandbox = r.data.sandbox;
    stepToken = r.data.token || null;
    faultLine = null;
    showDiagnostics([]);
    applyState(r.data.state);
    return true;
  }
  async function step(advance) {
    if (!sandbox || inFlight) return;
    inFlight = true;
    const actions = takeActions();
    try {
      const url = LAB.urls.step + encodeURIComponent(sandbox) + "/step";
      const body = { actions: actions, advance_ms: advance, watch: watch };
      let r = await api(url, body, "POST", stepToken ? { "X-Sandbox-Token": stepToken } : null);
      // an expired or refused step token: step through the session, which answers a fresh one
      if (r.status === 401 && r.data.error === "token") { stepToken = null; r = await api(url, body); }
      if (r.ok) { if (r.data.token) stepToken = r.data.token; applyState(r.data); }
      else if (r.status === 410 || r.status === 404) { sandbox = null; setRunning(false); alertBox(r.data.message || T.stale); }
      else alertBox(r.data.message);
    } catch (e) {
      actions.reverse().forEach((a) => pending.unshift(a));
      alertBox(T.network);
    } finally { inFlight = false; }
  }
  function kick() { if (sandbox && !running && pending.length) step(0); }
  function setRunning(on) {
    running = on;
    clearInterval(loopTimer);
    if (on) loopTimer = setInterval(() => step(100), 100);
  }
  $("btn-run").addEventListener("click", async () => { if (await ensureSandbox()) setRunning(true); });
  $("btn-pause").addEventListener("click", () => setRunning(false));
  $("btn-step").addEventListener("click", async () => { setRunning(false); if (await ensureSandbox()) step(LAB.scanMs); });
  $("btn-cold").addEventListener("click", async () => {
    const wasRunning = running;
    setRunning(false);
    sandbox = null;
    trendData.length = 0;
    if (await ensureSandbox() && wasRunning) setRunning(true);
  });
  $("btn-warm").addEventListener("click", () => { if (sandbox) { pending.push({ op: "warm_restart" }); kick(); } });

  function fmt(v) {
    if (v === true) return "TRUE";
    if (v === false) return "FALSE";
    if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(2);
    if (v && typeof v === "object" && v.error) return v.error;
    return v === undefined || v === null ? "–" : String(v);
  }
  function applyState(state) {
    last = state;
    $("plc-clock").textContent = "t = " + (state.t_ms / 1000).toFixed(1) + " s";
    const st = $("plc-status");
    st.dataset.status = state.status;
    st.textContent = T["status_" + state.status] || state.status;
    if (state.fault) {
      faultLine = state.fault.line || null;
      alertBox(T.fault + ": " + state.fault.message);
      renderEditor();
    }
    updaters.forEach((u) => u());
    drawItems();
    renderIO();
    renderWatch();
    renderFaults();
    pushTrend();
  }

  // -- I/O list -----------------------------------------------------------------------------------
  const ioBody = $("io-table").tBodies[0];
  const ioRows = {};
  LAB.plant.io.forEach((p) => {
    const tr = el("tr", { "data-name": p.name });
    const nameCell = el("td");
    if (p.operator) {
      const b = el("button", { type: "button", class: "link-button io-toggle" }, p.name);
      b.addEventListener("click", () => { pending.push({ op: "operate", name: p.name, value: !value(p.name) }); kick(); });
      nameCell.appendChild(b);
    } else nameCell.textContent = p.name;
    tr.appendChild(nameCell);
    tr.appendChild(el("td", { class: "mono" }, p.address));
    const v = el("td", { class: "io-value mono" }, "–");
    tr.appendChild(v);
    const f = el("td");
    const fb = el("button", { type: "button", class: "button small secondary" }, T.force);
    fb.addEventListener("click", () => {
      const forced = last && (p.address in last.forced || p.name in last.forced);
      if (forced) pending.push({ op: "unforce", name: p.address });
      else if (p.type === "BOOL") pending.push({ op: "force", name: p.address, value: !value(p.name) });
      else {
        const raw = window.prompt(p.name + " (" + p.type + ")", String(value(p.name) || 0));
        if (raw === null || raw.trim() === "" || isNaN(Number(raw))) return;
        pending.push({ op: "force", name: p.address, value: Math.trunc(Number(raw)) });
      }
      kick();
    });
    f.appendChild(fb);
    tr.appendChild(f);
    tr.appendChild(el("td", { class: "muted" }, label(p.description)));
    ioBody.appendChild(tr);
    ioRows[p.name] = { value: v, force: fb, row: tr, point: p };
  });
  function renderIO() {
    Object.values(ioRows).forEach((r) => {
      const v = value(r.point.name);
      r.value.textContent = fmt(v);
      r.row.classList.toggle("on", v === true);
      const forced = r.point.address in last.forced || r.point.name in last.forced;
      r.row.classList.toggle("forced", forced);
      r.force.textContent = forced ? T.unforce : T.force;
    });
  }

  // -- watch table --------------------------------------------------------------------------------
  const watchBody = $("watch-table").tBodies[0];
  $("watch-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const name = $("watch-name").value.trim();
    if (name && !watch.includes(name) && watch.length < 32) { watch.push(name); $("watch-name").value = ""; kick(); renderWatch(); }
  });
  function renderWatch() {
    watchBody.textContent = "";
    watch.forEach((name) => {
      const tr = el("tr");
      tr.appendChild(el("td", { class: "mono" }, name));
      tr.appendChild(el("td", { class: "mono" }, last && last.watch ? fmt(last.watch[name]) : "–"));
      const td = el("td");
      const rm = el("button", { type: "button", class: "link-button" }, T.remove);
      rm.addEventListener("click", () => { watch.splice(watch.indexOf(name), 1); renderWatch(); });
      td.appendChild(rm);
      tr.appendChild(td);
      watchBody.appendChild(tr);
    });
  }

  // -- trend --------------------------------------------------------------------------------------
  const trendData = [];
  const trendOn = new Set(LAB.plant.io.filter((p) => p.direction === "output").map((p) => p.name).slice(0, 4));
  const signals = LAB.plant.io.map((p) => p.name).concat((LAB.plant.state || []).map((s) => "plant." + s.name));
  signals.forEach((name) => {
    const id = "trend-" + name.replace(/\W/g, "_");
    const box = el("input", { type: "checkbox", id: id });
    box.checked = trendOn.has(name);
    box.addEventListener("change", () => { if (box.checked) trendOn.add(name); else trendOn.delete(name); drawTrend(); });
    const lab = el("label", { for: id, class: "trend-pick" });
    lab.appendChild(box);
    lab.appendChild(document.createTextNode(" " + name));
    $("trend-signals").appendChild(lab);
  });
  function pushTrend() {
    const row = { t: last.t_ms };
    signals.forEach((n) => { row[n] = value(n); });
    if (trendData.length && trendData[trendData.length - 1].t >= row.t) trendData.length = 0;
    trendData.push(row);
    if (trendData.length > 300) trendData.shift();
    drawTrend();
  }
  function lanes(container, series, t0, t1, marker) {
    const W = 600, laneH = 28, H = Math.max(1, series.length) * laneH + 16;
    const box = svg("svg", { viewBox: "0 0 " + W + " " + H, class: "trend-svg" });
    const span = Math.max(1, t1 - t0);
    series.forEach((s, i) => {
      const top = i * laneH + 4, nums = s.points.map((p) => Number(p[1]) || 0);
      const lo = Math.min(0, ...nums), hi = Math.max(1, ...nums);
      let d = "";
      s.points.forEach((p, j) => {
        const x = 90 + (W - 100) * (p[0] - t0) / span;
        const y = top + laneH - 6 - (laneH - 10) * ((Number(p[1]) || 0) - lo) / (hi - lo || 1);
        d += (j ? (" H" + x.toFixed(1) + " V" + y.toFixed(1)) : ("M" + x.toFixed(1) + " " + y.toFixed(1)));
      });
      if (s.points.length) d += " H" + (W - 10);
      const t = svg("text", { x: 4, y: top + laneH / 2 + 4, class: "trend-name" });
      t.textContent = s.name;
      box.appendChild(t);
      box.appendChild(svg("path", { d: d, class: "trend-line trend-" + (i % 6) }));
    });
    if (marker !== undefined) {
      const x = 90 + (W - 100) * (marker - t0) / span;
      box.appendChild(svg("line", { x1: x, y1: 0, x2: x, y2: H, class: "trend-marker" }));
    }
    container.textContent = "";
    container.appendChild(box);
  }
  function drawTrend() {
    if (!trendData.length) return;
    const t0 = trendData[0].t, t1 = trendData[trendData.length - 1].t;
    const series = [...trendOn].map((n) => ({ name: n, points: trendData.map((r) => [r.t, r[n] === true ? 1 : r[n] === false ? 0 : r[n]]) }));
    lanes($("trend"), series, t0, t1);
  }

  // -- faults -------------------------------------------------------------------------------------
  if (LAB.allowFaults) {
    $("faults-card").hidden = false;
    LAB.plant.io.forEach((p) => $("fault-target").appendChild(el("option", { value: p.name }, p.name)));
    Object.entries(LAB.faultKinds).forEach(([k, v]) => $("fault-kind").appendChild(el("option", { value: k }, v)));
    $("fault-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      pending.push({ op: "fault", kind: $("fault-kind").value, target: $("fault-target").value });
      kick();
    });
  }
  function renderFaults() {
    if (!LAB.allowFaults) return;
    const ul = $("fault-list");
    ul.textContent = "";
    (last.plant.faults || []).forEach((f) => {
      const li = el("li", {}, f.target + ": " + (LAB.faultKinds[f.kind] || f.kind) + " ");
      const b = el("button", { type: "button", class: "link-button" }, T.clear);
      b.addEventListener("click", () => { pending.push({ op: "clear_fault", target: f.target }); kick(); });
      li.appendChild(b);
      ul.appendChild(li);
    });
  }

  // -- grading ------------------------------------------------------------------------------------
  async function submit() {
    clearTimeout(saveTimer);
    await save();
    const r = await api(LAB.urls.submit, { source: src.value });
    if (!r.ok) { alertBox(r.data.message); return; }
    showSubmission(r.data.submission);
    poll(r.data.submission.id, 0);
  }
  async function poll(id, n) {
    if (n > 120) return;
    const r = await api(LAB.urls.submission + id);
    if (!r.ok) { alertBox(r.data.message); return; }
    showSubmission(r.data.submission);
    if (r.data.submission.status === "queued" || r.data.submission.status === "running") setTimeout(() => poll(id, n + 1), 1000);
  }
  function showSubmission(sub) {
    const body = $("result-body");
    body.textContent = "";
    body.dataset.status = sub.status;
    if (sub.status === "queued" || sub.status === "running") {
      body.appendChild(el("progress", { class: "grading-progress" }));
      body.appendChild(el("p", {}, sub.status === "queued" ? T.queued : T.running));
      return;
    }
    if (sub.status !== "graded") { body.appendChild(el("p", {}, sub.message || sub.status_label)); return; }
    const head = el("p", { class: "result-head " + (sub.passed ? "passed" : "failed") },
      (sub.passed ? T.passed : T.failed) + " · " + T.score + " " + sub.score + "%");
    head.id = "result-verdict";
    body.appendChild(head);
    const res = sub.result || {};
    (res.diagnostics || []).forEach((d) => body.appendChild(el("p", { class: "diag" }, T.line + " " + d.line + ": " + d.message)));
    if (res.diagnostics && res.diagnostics.length) showDiagnostics(res.diagnostics);
    let first = null;
    (res.scenarios || []).forEach((s) => {
      const sec = el("div", { class: "scenario " + (s.passed ? "passed" : "failed") });
      sec.appendChild(el("h3", {}, (s.passed ? "✓ " : "✗ ") + (s.visible === false && !s.checks.length ? T.hidden_scenario : s.title)));
      if (s.fault) sec.appendChild(el("p", { class: "diag" }, T.fault + ": " + (s.fault.message || "")));
      const ul = el("ul", { class: "checks" });
      (s.checks || []).forEach((c) => {
        ul.appendChild(el("li", { class: c.passed ? "ok" : "bad" }, (c.passed ? "✓ " : "✗ ") + c.id + (c.passed ? "" : " — " + c.message)));
      });
      sec.appendChild(ul);
      body.appendChild(sec);
      if (!first && !s.passed && s.first_failure && s.trace && Object.keys(s.trace).length) first = s;
    });
    if (first) {
      body.appendChild(el("h3", {}, T.first_failure + ": " + first.first_failure.id + " " + T.at + " " + ((first.first_failure.t_ms || 0) / 1000).toFixed(2) + " s"));
      const box = el("div", { class: "trend failure-trace", id: "failure-trace" });
      body.appendChild(box);
      const series = Object.entries(first.trace).map(([n, pts]) => ({ name: n, points: pts.map((p) => [p[0], p[1] === true ? 1 : p[1] === false ? 0 : p[1]]) }));
      lanes(box, series, 0, first.duration_ms || 1, first.first_failure.t_ms || 0);
    }
  }
  $("btn-submit").addEventListener("click", submit);

  // -- real-time endpoint -------------------------------------------------------------------------
  if (LAB.realtime !== "off") {
    $("realtime-card").hidden = false;
    const show = (ep) => {
      const dl = $("rt-details");
      dl.textContent = "";
      if (!ep) { dl.appendChild(el("dd", {}, T.no_endpoint)); return; }
      [["endpoint_modbus", ep.modbus], ["endpoint_opcua", ep.opcua], ["endpoint_idle", ep.idle_seconds]].forEach(([k, v]) => {
        if (v === undefined) return;
        dl.appendChild(el("dt", {}, T[k]));
        dl.appendChild(el("dd", { class: "mono" }, String(v)));
      });
    };
    const rt = async (action) => {
      const r = await api(LAB.urls.realtime, { action: action, source: src.value });
      if (r.ok) show(r.data.endpoint); else alertBox(r.data.message);
    };
    $("rt-start").addEventListener("click", () => rt("start"));
    $("rt-stop").addEventListener("click", () => rt("stop"));
    rt("status");
    setInterval(() => rt("status"), 60000);
  }

  // -- start --------------------------------------------------------------------------------------
  let initial = LAB.source;
  try {
    const local = JSON.parse(localStorage.getItem(STORE) || "null");
    if (local && local.dirty && local.version >= LAB.version && local.source !== LAB.source) initial = local.source;
  } catch (e) { /* ignore */ }
  src.value = initial;
  renderEditor();
  if (initial !== LAB.source) save();
  compile();
  if (LAB.lastSubmission) showSubmission(LAB.lastSubmission);
  if (LAB.lastSubmission && (LAB.lastSubmission.status === "queued" || LAB.lastSubmission.status === "running")) poll(LAB.lastSubmission.id, 0);
})();
