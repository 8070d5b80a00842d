//! The stylesheet and the one small script, compiled into the binary so the UI needs no build
//! chain and no files beside the executable. The CSP allows only same-origin scripts, so all
//! behaviour lives in `app.js` (no inline scripts or event handlers anywhere).

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// Calm, readable screen styles plus print rules that turn a copy into an A4 sheet laid out like
/// the official form (black on white, bordered cells, no navigation or buttons).
pub const CSS: &str = r#"
:root{--ink:#1b1f24;--muted:#5b6470;--line:#c9d0d8;--bg:#f4f6f8;--brand:#17456b;--err:#a4001d;--ok:#1e6b34}
*{box-sizing:border-box}
html{font-size:16px}
body{margin:0;font-family:"Noto Sans JP","Hiragino Kaku Gothic ProN","Hiragino Sans",Meiryo,"Yu Gothic",system-ui,sans-serif;color:var(--ink);background:var(--bg);line-height:1.6}
a{color:#0b5394}a:hover{text-decoration:none}
.sr{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
header.top{background:var(--brand);color:#fff;padding:.4rem 1rem;display:flex;flex-wrap:wrap;align-items:center;gap:.4rem 1.2rem}
header.top .brand{font-weight:bold;font-size:1.1rem;color:#fff;text-decoration:none;letter-spacing:.05em}
header.top nav{display:flex;flex-wrap:wrap;gap:.2rem .9rem}
header.top nav a{color:#fff;text-decoration:none;padding:.1rem 0;border-bottom:2px solid transparent}
header.top nav a:hover,header.top nav a[aria-current=page]{border-bottom-color:#fff}
header.top .who{margin-left:auto;font-size:.85rem;display:flex;align-items:center;gap:.8rem;flex-wrap:wrap}
header.top .who form{margin:0}
header.top .who button{background:transparent;border:1px solid #fff;color:#fff;padding:.15rem .6rem;font-size:.85rem}
header.top .lang a{color:#fff}
main{max-width:1120px;margin:1rem auto;background:#fff;padding:1rem 1.6rem 2rem;border:1px solid var(--line);border-radius:4px}
h1{font-size:1.45rem;margin:.3rem 0 1rem}h2{font-size:1.2rem;margin:1.6rem 0 .6rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem}
th,td{border:1px solid var(--line);padding:.35rem .55rem;vertical-align:top;text-align:left}
thead th{background:#e9eef3}
tbody th{background:#f3f6f9;font-weight:600}
table.list td,table.list th{font-size:.92rem}
.num{text-align:right;white-space:nowrap}.nowrap{white-space:nowrap}
.muted{color:var(--muted);font-size:.9rem}.small{font-size:.85rem}
.pre{white-space:pre-wrap;overflow-wrap:anywhere}
.badge{display:inline-block;padding:0 .45rem;border-radius:3px;font-weight:bold;font-size:.82rem;line-height:1.5;white-space:nowrap;border:1px solid transparent}
.tlp-RED{background:#000;color:#ff2b2b;border-color:#000}
.tlp-AMBER_STRICT,.tlp-AMBER{background:#000;color:#ffc000;border-color:#000}
.tlp-GREEN{background:#000;color:#33ff00;border-color:#000}
.tlp-CLEAR{background:#000;color:#fff;border-color:#000}
.imp-alert{background:#a4001d;color:#fff}.imp-caution{background:#f2c94c;color:#222}.imp-reference{background:#dfe6ee;color:#222}
.st-open{background:#e7f0fb;color:#0b3d74;border-color:#9cbfe6}.st-closed{background:#eef1ee;color:#333;border-color:#bcc6bc}
.consult-open{background:#fff4d6;color:#6a4a00;border-color:#e6c36a}.consult-answered{background:#e7f0fb;color:#0b3d74;border-color:#9cbfe6}.consult-closed{background:#eef1ee;color:#333;border-color:#bcc6bc}
.flag{background:#f6eefc;color:#4b1f73;border-color:#cdb3e4}
td.line{min-width:14rem}.flags .badge{margin:0 0 .15rem}
.flag-urgent{background:#a4001d;color:#fff}.flag-forward{background:#fff4d6;color:#6a4a00;border-color:#e6c36a}
input[type=search],input[type=date]{font:inherit;padding:.3rem .45rem;border:1px solid #9aa5b1;border-radius:3px;background:#fff;max-width:100%}
.banner{border:1px solid var(--line);border-left:6px solid var(--brand);background:#f8fafc;padding:.6rem 1rem;margin:0 0 1rem;display:flex;flex-wrap:wrap;gap:.4rem 1.4rem;align-items:baseline}
.banner .k{color:var(--muted);font-size:.85rem;margin-right:.3rem}
.ls-banner{background:#7a0019;color:#fff;padding:.5rem 1rem;font-weight:bold}
.ls-banner a{color:#fff}
.ex-banner{background:#5b2a86;color:#fff;padding:.5rem 1rem;font-weight:bold;margin:0 0 1rem}
.ex-banner a{color:#fff}
.flag-exercise{background:#5b2a86;color:#fff}
.banner .tlpdef{flex-basis:100%;font-size:.88rem}
.actions{display:flex;flex-wrap:wrap;gap:.6rem 1rem;align-items:center;margin:.8rem 0 1rem}
.button,button{display:inline-block;background:var(--brand);color:#fff;border:1px solid var(--brand);padding:.45rem 1.1rem;border-radius:3px;cursor:pointer;font:inherit;text-decoration:none;line-height:1.4}
.button.secondary,button.secondary{background:#fff;color:var(--brand)}
button.danger{background:#fff;color:var(--err);border-color:var(--err)}
button.small{padding:.1rem .6rem;font-size:.85rem}
label{cursor:pointer}
input[type=text],input[type=password],input[type=email],input[type=tel],input[type=number],input[type=datetime-local],textarea,select{font:inherit;padding:.3rem .45rem;border:1px solid #9aa5b1;border-radius:3px;background:#fff;max-width:100%}
input[type=text],input[type=password],input[type=email],input[type=tel],textarea,select.wide{width:100%}
textarea{min-height:4.5rem;resize:vertical}
select[multiple]{min-height:7rem}
input:focus,textarea:focus,select:focus,button:focus,a:focus,summary:focus,[tabindex]:focus{outline:3px solid #0a3d91;outline-offset:2px;box-shadow:0 0 0 5px #ffd54a}
header.top :focus,.ls-banner :focus{outline-color:#ffd54a;box-shadow:none}
[aria-invalid=true]{border-color:var(--err)!important;background:#fff7f8}
.err{color:var(--err);font-size:.9rem;margin:.15rem 0}
.errbox{border:2px solid var(--err);background:#fff7f8;padding:.5rem 1rem;margin:0 0 1rem;border-radius:3px}
.errbox h2{border:0;margin:.2rem 0;font-size:1.05rem;color:var(--err)}
.okbox{border:2px solid var(--ok);background:#f3fbf5;padding:.5rem 1rem;margin:0 0 1rem;border-radius:3px}
.req::after{content:" *";color:var(--err);font-weight:bold}
.opts{display:flex;flex-wrap:wrap;gap:.2rem 1.2rem}
.opts.col{flex-direction:column;gap:.2rem}
.opt-def{display:block;margin-left:1.6rem;color:var(--muted);font-size:.84rem;line-height:1.45}
.grp{font-weight:600;font-size:.9rem;margin:.3rem 0 .1rem}
.field{margin:.4rem 0}
.field>label.lbl{display:block;font-weight:600;margin-bottom:.15rem}
fieldset{border:1px solid var(--line);border-radius:3px;margin:.8rem 0;padding:.4rem .9rem .7rem;min-width:0}
legend{font-weight:bold;padding:0 .3rem}
table.sheet-form>tbody>tr>th{width:13rem}
.filters{display:flex;flex-wrap:wrap;gap:.6rem 1.2rem;align-items:flex-end;margin:0 0 .8rem}
.filters .field{margin:0}
.pager{margin:.6rem 0}
.empty{padding:1.2rem;text-align:center;color:var(--muted);border:1px dashed var(--line);border-radius:3px}
.token{font-family:ui-monospace,Menlo,Consolas,monospace;background:#fffbe6;border:1px solid #e6d27a;padding:.4rem .6rem;display:block;overflow-wrap:anywhere}
.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem}
.toc{columns:2;margin:.2rem 0 1rem}
.diagram{overflow-x:auto;margin:.5rem 0}
svg.topology{width:100%;max-width:1000px;height:auto;font-family:inherit}
svg.topology .node rect{fill:#fff;stroke:#333;stroke-width:1.2}
svg.topology .node text{fill:#111}
svg.topology .edge line{stroke-width:1.6}
svg.topology .edge-optional line{stroke-dasharray:6 4}
svg.topology .edge-impl line{stroke:#1f4e79}
svg.topology .edge-plan line{stroke:#b26b00}
svg.topology .edge-decl line{stroke:#aaa}
svg.topology .arrow-impl{fill:#1f4e79}
svg.topology .arrow-plan{fill:#b26b00}
svg.topology .arrow-decl{fill:#aaa}
svg.bars{width:100%;height:auto;max-height:12rem;font-family:inherit}
svg.bars rect{fill:#1f4e79}
svg.bars .axis{stroke:#333;stroke-width:1}
svg.bars text{fill:#111}
svg.defs{position:absolute;width:0;height:0;overflow:hidden}
svg.hbars{max-height:none;max-width:760px}
svg.hbars .count{fill:#111}
svg .imp-alert,svg rect.imp-alert{fill:url(#pat-hatch);stroke:#000;stroke-width:.6}
svg .imp-caution,svg rect.imp-caution{fill:url(#pat-dots);stroke:#000;stroke-width:.6}
svg .imp-reference,svg rect.imp-reference{fill:#b8c2cc;stroke:#000;stroke-width:.6}
svg .imp-none,svg rect.imp-none{fill:#fff;stroke:#000;stroke-width:.8}
svg.key{vertical-align:middle}
svg.depgraph{width:100%;max-width:760px;height:auto;font-family:inherit;display:block}
svg.depgraph line.dep{stroke:#888;stroke-width:1}
svg.depgraph line.dep.risky{stroke:#000;stroke-width:2.4;stroke-dasharray:6 3}
svg.depgraph .node rect{fill:#fff;stroke:#333;stroke-width:1.2}
svg.depgraph .node text{fill:#111}
svg.depgraph .node.source rect{fill:#111;stroke:#000}
svg.depgraph .node.source text{fill:#fff}
svg.depgraph .node.source text.mark,svg.depgraph .node text.mark{fill:#000;font-weight:bold;paint-order:stroke;stroke:#fff;stroke-width:3px}
svg.depgraph .node.at-risk rect{fill:url(#pat-risk);stroke:#000;stroke-width:3;stroke-dasharray:6 3}
svg.depgraph .node.at-risk text{font-weight:bold;paint-order:stroke;stroke:#fff;stroke-width:3px}
svg.depgraph .node.source.at-risk rect{fill:#111}
.badge.risk{background:#fff;color:#000;border:2px dashed #000}
.tally-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));gap:0 1rem}
.scroll{overflow-x:auto}
ol.timeline{padding-left:1.2rem}
ol.timeline li{margin:.25rem 0}
fieldset.deps{margin:.5rem 0}
fieldset.deps .checks{display:flex;flex-wrap:wrap;gap:.2rem 1rem}
.stat-charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:.8rem;margin:.5rem 0 1rem}
.stat-chart{margin:0;break-inside:avoid}
.stat-chart figcaption{font-size:.9rem;font-weight:600}
svg.topology .edge-label{font-size:10px;fill:#333;paint-order:stroke;stroke:#fff;stroke-width:3px}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;font-size:.85rem}
.swatch{display:inline-block;width:2rem;height:0;border-top:2px solid #1f4e79;vertical-align:middle;margin-right:.4rem}
.swatch.optional{border-top-style:dashed}
.swatch.plan{border-top-color:#b26b00}
.swatch.decl{border-top-color:#aaa}
.sheet{max-width:190mm;margin:0 auto}
.sheet h1{text-align:center;font-size:1.3rem;letter-spacing:.3em;margin:.2rem 0}
.sheet .sub{text-align:center;font-size:.85rem;margin:0 0 .4rem}
.sheet .note{font-size:.8rem}
.sheet table{margin:0;border:1.5px solid #000}
.sheet th,.sheet td{border:1px solid #444;font-size:.9rem;padding:.25rem .45rem}
.sheet th{background:#eef1f4;width:11rem}
.sheet td.sec{background:#dde3ea;font-weight:bold}
.sheet .box{font-family:"MS Gothic","Noto Sans Mono CJK JP",monospace;margin-right:.15rem}
.sheet ul.marks{list-style:none;margin:0;padding:0}
.sheet ul.marks li{margin:0}
.sheet .inline-marks{display:inline-flex;flex-wrap:wrap;gap:0 1rem;vertical-align:top}
.sheet .inline-marks>span{white-space:nowrap}
.sheet table.tl th{width:9rem}
.sender-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:0 1rem}
#route-preview-box{border:1px solid var(--line);border-left:6px solid var(--brand);background:#f8fafc;padding:.2rem .9rem .4rem;margin:.8rem 0}
#route-preview-box h3{margin:.5rem 0 .2rem}
#route-preview[aria-busy=true]{opacity:.6}
#sml-preview-box{border:1px solid var(--line);background:#f8fafc;padding:.3rem .9rem;margin:.5rem 0}
#sml-preview[aria-busy=true]{opacity:.6}
fieldset.measures{border:1px solid var(--line);margin:.5rem 0;padding:.3rem .8rem}
fieldset.measures .measure{display:inline-block;margin-right:1.2rem}
#live-link{color:#fff;text-decoration:none}
#live-count{background:#f2b400;color:#1b1f24;border-color:#1b1f24}
#live-count:empty,#live-count[data-unread="0"]{display:none}
ul.counts{list-style:none;padding:0;margin:0 0 1rem;display:flex;flex-wrap:wrap;gap:.5rem}
ul.counts li{border:1px solid var(--line);border-radius:4px;padding:.4rem .8rem;background:#f8fafc}
ul.counts li.some{border-color:var(--brand);border-left-width:6px}
ul.counts .n{font-size:1.15rem;margin-left:.3rem}
ul.waiting{list-style:none;padding:0;margin:0 0 .6rem}
ul.waiting li{border-bottom:1px solid var(--line);padding:.45rem 0}
ul.waiting .line{font-size:.92rem}
footer.foot{max-width:1120px;margin:0 auto 2rem;color:var(--muted);font-size:.8rem;padding:0 1rem}
.mono{overflow-wrap:anywhere}td{overflow-wrap:break-word}
input.when{width:11.5em;font-variant-numeric:tabular-nums}
/* Phones (390 px and up): one column; the header is two lines, the menu scrolls sideways;
   lists scroll inside their own box (never the page) or, for the inbox and provisions, become
   cards with the number, TLP and importance, state and age first; forms stack. */
@media screen and (max-width:700px){
 main{margin:.4rem 0;padding:.6rem .7rem 1.2rem;border-left:0;border-right:0;border-radius:0}
 h1{font-size:1.25rem}
 header.top{padding:.3rem .6rem;gap:.2rem .6rem}
 header.top .who{gap:.5rem}
 header.top nav{order:3;flex:1 0 100%;flex-wrap:nowrap;overflow-x:auto;white-space:nowrap;gap:0 1rem;padding-bottom:.2rem}
 #whoami{max-width:38vw;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
 table.list{display:block;overflow-x:auto;max-width:100%;position:relative}
 table.list th,table.list td{min-width:5.5em}
 table.list th{white-space:nowrap}
 table.list td.line{min-width:12rem}
 #copies,#provisions,#copies tbody,#provisions tbody{display:block;overflow:visible}
 #copies thead,#provisions thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)}
 #copies tr,#provisions tr{display:flex;flex-wrap:wrap;align-items:baseline;gap:.25rem .8rem;border:1px solid var(--line);border-radius:4px;padding:.5rem .6rem;margin:0 0 .6rem}
 #copies td,#provisions td{display:block;border:0;padding:0;min-width:0}
 #copies td:nth-child(1){order:1;font-weight:bold}#copies td:nth-child(4){order:2}#copies td:nth-child(7){order:3}
 #copies td:nth-child(6){order:4}#copies td:nth-child(5){order:5}#copies td:nth-child(2){order:6;flex-basis:100%}
 #copies td:nth-child(3){order:7;flex-basis:100%}#copies td:nth-child(8){order:8}
 #copies td br,#provisions td br{display:none}
 #copies td.nowrap .muted,#copies td .muted{margin-left:.4rem}
 #provisions td:nth-child(1){font-weight:bold}#provisions td:nth-child(6){flex-basis:100%}
 table.sheet-form,table.sheet-form>tbody,table.sheet-form>tbody>tr,table.sheet-form>tbody>tr>th,table.sheet-form>tbody>tr>td{display:block;width:auto}
 table.sheet-form>tbody>tr>th{border-bottom:0}
 .sheet table,.sheet tbody,.sheet tr,.sheet th,.sheet td{display:block;width:auto!important}
 .sheet th{border-bottom:0}
 .sheet h1{letter-spacing:.1em}
 .sheet .inline-marks>span{white-space:normal}
 .toc{columns:1}
 .filters{flex-direction:column;align-items:stretch}
 .filters>*,.filters select{min-width:0;max-width:100%}
 .actions{gap:.5rem}
 .banner{padding:.5rem .6rem}
}
@media print{
 @page{size:A4;margin:16mm 12mm;@bottom-center{content:counter(page) " / " counter(pages);font-size:9pt}}
 html{font-size:10pt}
 body{background:#fff;color:#000}
 header.top,nav,.actions,.noprint,button,.button,footer.foot,.pager,.filters{display:none!important}
 main{border:0;margin:0;padding:0;max-width:none;border-radius:0}
 a{color:#000;text-decoration:none}
 .banner{border:1px solid #000;border-left:4px solid #000;background:#fff;margin-bottom:3mm;padding:2mm 3mm}
 .sheet{max-width:none}
 .stat-charts{grid-template-columns:repeat(2,1fr)}
 section.figure{break-inside:avoid}
 svg.hbars,svg.depgraph{max-width:100%}
 svg.depgraph line.dep{stroke:#555}
 svg.bars rect{fill:#444}
 .sheet table,.sheet th,.sheet td{border-color:#000!important}
 .sheet th,.sheet td.sec{background:#fff!important}
 .sheet td,.sheet th{font-size:9pt}
 .badge{border:1px solid #000;-webkit-print-color-adjust:exact;print-color-adjust:exact}
 tr,li{page-break-inside:avoid;break-inside:avoid}
}
"#;

/// Adds ⑦ timeline rows on demand and opens the print dialog; the form works without it
/// (three empty rows are always rendered). On signed-in pages (`body[data-live="1"]`) it also
/// listens to `/api/v1/events`: the header's unread counter (`#live-count`) is refreshed from
/// `/api/v1/notifications`, and elements marked `data-live-refresh` (e.g. `#provisions-live`
/// on `/provisions`) are swapped for a fresh copy of the page, gaining `data-live-updated="1"`
/// and an incremented `data-live-version`. On the liaison forms it keeps the "送信先" box
/// (`#route-preview`) current: when a route choice, the TLP, the importance, the sector or the
/// added recipients change, the form is posted to `/liaison/route-preview` and the box replaced
/// with the server's answer (its `data-version` incremented). Likewise the ⑥ evaluation box
/// (`#sml-preview`) from `/liaison/sml-preview` when a ⑥ input or the sector changes. A list
/// that scrolls sideways in its own box (phones) is made focusable, so that it scrolls from the
/// keyboard too.
pub const JS: &str = r#"(function () {
  'use strict';
  function addRow() {
    var body = document.getElementById('timeline-rows');
    if (!body) { return; }
    var next = parseInt(body.getAttribute('data-next') || '0', 10);
    var ja = document.documentElement.lang !== 'en';
    var tr = document.createElement('tr');
    [['at', ja ? '日時' : 'Date/time', 'input'], ['event', ja ? '事象・対応状況等' : 'Event / response', 'textarea']].forEach(function (c) {
      var td = document.createElement('td');
      var id = 'timeline-' + next + '-' + c[0];
      var label = document.createElement('label');
      label.className = 'sr';
      label.htmlFor = id;
      label.textContent = c[1] + ' (' + (next + 1) + ')';
      var el = document.createElement(c[2]);
      if (c[2] === 'input') { el.type = 'text'; el.placeholder = 'XX/XX 00:00'; }
      else { el.rows = 2; }
      el.id = id;
      el.name = 'timeline.' + next + '.' + c[0];
      td.appendChild(label);
      td.appendChild(el);
      tr.appendChild(td);
    });
    body.appendChild(tr);
    body.setAttribute('data-next', String(next + 1));
    tr.querySelector('input').focus();
  }
  // Live updates: on pages whose body carries data-live="1", a server-sent event stream tells
  // of anything new reaching the person's organisation; the unread counter in the header
  // (#live-count) is re-counted from /api/v1/notifications and every element marked
  // data-live-refresh (with an id) is swapped for its fresh copy from this same URL.
  // body[data-live-state] says whether the stream is connected ("open") for tests and styles.
  function liveCount() {
    var el = document.getElementById('live-count');
    if (!el || !window.fetch) { return; }
    fetch('/api/v1/notifications', { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (!j || !j.items) { return; }
        var n = j.items.filter(function (i) { return !i.read_at; }).length;
        el.setAttribute('data-unread', String(n));
        el.textContent = n > 0 ? String(n) : '';
      })
      .catch(function () {});
  }
  var refreshing = false, again = false;
  function liveRefresh() {
    var targets = document.querySelectorAll('[data-live-refresh][id]');
    if (!targets.length || !window.fetch || !window.DOMParser) { return; }
    if (refreshing) { again = true; return; }
    refreshing = true;
    fetch(window.location.href, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var doc = new DOMParser().parseFromString(html, 'text/html');
        Array.prototype.forEach.call(document.querySelectorAll('[data-live-refresh][id]'), function (old) {
          var fresh = doc.getElementById(old.id);
          if (!fresh) { return; }
          var v = parseInt(old.getAttribute('data-live-version') || '0', 10) + 1;
          fresh.setAttribute('data-live-version', String(v));
          fresh.setAttribute('data-live-updated', '1');
          old.parentNode.replaceChild(document.importNode(fresh, true), old);
        });
      })
      .catch(function () {})
      .then(function () {
        refreshing = false;
        if (again) { again = false; liveRefresh(); }
      });
  }
  function live() {
    var body = document.body;
    if (!body || body.getAttribute('data-live') !== '1') { return; }
    liveCount();
    // A container with data-live-poll="<seconds>" (the situation picture, whose counts change
    // without an event for this person) is also refreshed on that period (at least 15 s).
    var poll = document.querySelector('[data-live-refresh][data-live-poll]');
    if (poll) {
      var secs = Math.max(15, parseInt(poll.getAttribute('data-live-poll'), 10) || 60);
      window.setInterval(function () { if (!document.hidden) { liveRefresh(); } }, secs * 1000);
    }
    if (!window.EventSource) { return; }
    var es = new EventSource('/api/v1/events', { withCredentials: true });
    var opened = false;
    es.addEventListener('open', function () {
      body.setAttribute('data-live-state', 'open');
      // After a reconnect something may have been missed: catch up.
      if (opened) { liveCount(); liveRefresh(); }
      opened = true;
    });
    es.addEventListener('error', function () {
      body.setAttribute('data-live-state', es.readyState === 2 ? 'closed' : 'connecting');
    });
    es.addEventListener('notification', function () {
      liveCount();
      liveRefresh();
    });
    window.addEventListener('pagehide', function () { es.close(); });
  }
  // Where the report goes: re-planned by the server whenever a choice that decides it changes.
  var ROUTE_FIELDS = ['case', 'statutory', 'via_ceptoar', 'urgent', 'anonymise', 'to_cabinet_secretariat', 'added_recipients', 'tlp', 'importance', 'sector'];
  function routePreview() {
    var box = document.getElementById('route-preview');
    if (!box || !window.fetch || !window.FormData || !window.URLSearchParams) { return; }
    var form = box.closest('form');
    if (!form) { return; }
    var seq = 0;
    function refresh() {
      var mine = ++seq;
      var body = new URLSearchParams();
      new FormData(form).forEach(function (v, k) { if (typeof v === 'string') { body.append(k, v); } });
      body.append('filing_kind', box.getAttribute('data-kind') || 'first');
      body.append('filing_target', box.getAttribute('data-target') || '');
      box.setAttribute('aria-busy', 'true');
      fetch('/liaison/route-preview', {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Accept': 'text/html' },
        body: body.toString()
      })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          // A slower answer to an earlier change must not replace a newer one.
          if (html === null || mine !== seq) { return; }
          box.innerHTML = html;
          var v = parseInt(box.getAttribute('data-version') || '0', 10) + 1;
          box.setAttribute('data-version', String(v));
        })
        .catch(function () {})
        .then(function () { if (mine === seq) { box.removeAttribute('aria-busy'); } });
    }
    form.addEventListener('change', function (e) {
      var name = e.target && e.target.name;
      if (ROUTE_FIELDS.indexOf(name) >= 0) { refresh(); }
    });
  }
  // ⑥ service maintenance level: re-evaluated by the server when the service, a figure or the
  // override changes (#sml-preview, its data-version incremented).
  function smlPreview() {
    var box = document.getElementById('sml-preview');
    if (!box || !window.fetch || !window.FormData || !window.URLSearchParams) { return; }
    var form = box.closest('form');
    if (!form) { return; }
    var seq = 0;
    function refresh() {
      var mine = ++seq;
      var body = new URLSearchParams();
      new FormData(form).forEach(function (v, k) { if (typeof v === 'string') { body.append(k, v); } });
      box.setAttribute('aria-busy', 'true');
      fetch('/liaison/sml-preview', {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Accept': 'text/html' },
        body: body.toString()
      })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null || mine !== seq) { return; }
          box.innerHTML = html;
          var v = parseInt(box.getAttribute('data-version') || '0', 10) + 1;
          box.setAttribute('data-version', String(v));
        })
        .catch(function () {})
        .then(function () { if (mine === seq) { box.removeAttribute('aria-busy'); } });
    }
    form.addEventListener('change', function (e) {
      var name = (e.target && e.target.name) || '';
      if (name.indexOf('impact.') === 0 || name === 'sector') { refresh(); }
    });
  }
  // A list that scrolls inside its own box (phones) takes keyboard focus, so it can be
  // scrolled without a mouse.
  function scrollers() {
    Array.prototype.forEach.call(document.querySelectorAll('table.list'), function (t) {
      if (t.scrollWidth > t.clientWidth + 1) { t.setAttribute('tabindex', '0'); }
      else if (t.getAttribute('tabindex') === '0') { t.removeAttribute('tabindex'); }
    });
  }
  document.addEventListener('DOMContentLoaded', function () {
    scrollers();
    window.addEventListener('resize', scrollers);
    live();
    routePreview();
    smlPreview();
    var add = document.getElementById('add-row');
    if (add) { add.hidden = false; add.addEventListener('click', addRow); }
    // An import form's file input fills the text area with the file's text (the form posts the
    // text; without script, the text is pasted).
    Array.prototype.forEach.call(document.querySelectorAll('input[type=file][data-fill]'), function (f) {
      if (f.parentElement) { f.parentElement.hidden = false; }
      f.addEventListener('change', function () {
        var target = document.getElementById(f.getAttribute('data-fill'));
        if (!target || !f.files || !f.files[0]) { return; }
        var r = new FileReader();
        r.onload = function () { target.value = String(r.result || ''); };
        r.readAsText(f.files[0]);
      });
    });
    var print = document.getElementById('print-link');
    if (print) {
      print.addEventListener('click', function (e) { e.preventDefault(); window.print(); });
    }
  });
})();
"#;

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

pub async fn css() -> Response {
    asset("text/css; charset=utf-8", CSS)
}

pub async fn js() -> Response {
    asset("text/javascript; charset=utf-8", JS)
}
