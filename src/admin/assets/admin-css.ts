/** The admin web's stylesheet: plain CSS, phone first; served by assets.ts with a versioned URL. */
export const ADMIN_CSS = `
:root { --green: #1b7a43; --green-dark: #125a30; --bg: #f5f7f5; --line: #d9e0da; --text: #1d2620; --muted: #5b6a60; --bad: #b42318; --bad-bg: #fdecea; --good-bg: #e8f5ec; --warn-bg: #fff6df; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 16px; line-height: 1.45; color: var(--text); background: var(--bg); }
a { color: var(--green-dark); }
header.top { background: var(--green); color: #fff; display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; padding: .5rem 1rem; }
header.top .brand { font-weight: 700; color: #fff; text-decoration: none; font-size: 1.1rem; }
header.top .who { margin-left: auto; display: flex; align-items: center; gap: .5rem; font-size: .9rem; }
header.top form { margin: 0; }
header.top button { background: transparent; color: #fff; border: 1px solid rgba(255,255,255,.6); border-radius: 4px; padding: .25rem .6rem; cursor: pointer; }
nav.main { background: #fff; border-bottom: 1px solid var(--line); overflow-x: auto; white-space: nowrap; }
nav.main a { display: inline-block; padding: .7rem .9rem; text-decoration: none; color: var(--text); border-bottom: 3px solid transparent; }
nav.main a[aria-current="page"] { border-bottom-color: var(--green); font-weight: 600; }
main { max-width: 76rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.4rem; margin: .2rem 0 1rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .6rem; }
section.card, article.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1rem; margin-bottom: 1rem; }
.grid { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); }
.figure { font-size: 1.8rem; font-weight: 700; }
.muted { color: var(--muted); font-size: .9rem; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .93rem; }
th, td { text-align: left; padding: .45rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th a { text-decoration: none; color: inherit; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.under td { background: var(--bad-bg); }
.badge { display: inline-block; border-radius: 999px; padding: 0 .5rem; font-size: .8rem; background: var(--line); }
.badge.bad { background: var(--bad-bg); color: var(--bad); }
.badge.good { background: var(--good-bg); color: var(--green-dark); }
.flash { padding: .7rem 1rem; border-radius: 6px; margin-bottom: 1rem; background: var(--good-bg); }
.flash.error { background: var(--bad-bg); color: var(--bad); }
form.stack { display: grid; gap: .8rem; max-width: 40rem; }
label { display: grid; gap: .25rem; font-weight: 600; font-size: .95rem; }
fieldset { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; display: grid; gap: .5rem; }
fieldset label.inline, label.inline { display: flex; gap: .4rem; align-items: center; font-weight: 400; }
input[type=text], input[type=url], input[type=password], input[type=datetime-local], select, textarea { font: inherit; padding: .5rem; border: 1px solid #b8c4bb; border-radius: 4px; width: 100%; background: #fff; }
textarea { min-height: 7rem; }
button, .button { font: inherit; background: var(--green); color: #fff; border: 0; border-radius: 4px; padding: .55rem 1rem; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary { background: #fff; color: var(--green-dark); border: 1px solid var(--green); }
button.danger { background: var(--bad); }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; }
.login { max-width: 24rem; margin: 3rem auto; }
.calendar { border-collapse: separate; border-spacing: 2px; }
.calendar td { width: 1.3rem; height: 1.3rem; padding: 0; border: 0; background: #eef1ee; text-align: center; font-size: .7rem; }
.calendar td.done { background: var(--green); color: #fff; }
.calendar td.missed { background: var(--bad-bg); }
.calendar td.future { background: transparent; }
.calendar th { font-weight: 400; font-size: .8rem; white-space: nowrap; padding-right: .5rem; border: 0; }
.chart-box { position: relative; height: 18rem; }
.pager { display: flex; gap: 1rem; margin-top: 1rem; }
article.proof .muted { overflow-wrap: anywhere; }
article.proof .proof-head { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
img.proof-image { display: block; max-width: 100%; max-height: 24rem; border: 1px solid var(--line); border-radius: 4px; }
a.proof-link { font-weight: 600; }
details summary { cursor: pointer; margin: .5rem 0; color: var(--bad); }
ol.thread { list-style: none; padding: 0; margin: 0 0 1rem; display: grid; gap: .5rem; }
ol.thread li { border: 1px solid var(--line); border-radius: 8px; padding: .5rem .7rem; max-width: 40rem; white-space: pre-wrap; }
ol.thread li.from-staff { background: var(--good-bg); margin-left: auto; }
input[type=date], input[type=file] { font: inherit; padding: .5rem; border: 1px solid #b8c4bb; border-radius: 4px; width: 100%; background: #fff; }
ul.import-problems { padding-left: 1.2rem; }
.htmx-indicator { opacity: 0; transition: opacity .2s; }
.htmx-request .htmx-indicator, .htmx-request.htmx-indicator { opacity: 1; }
@media (max-width: 40rem) {
  main { padding: .6rem; }
  h1 { font-size: 1.2rem; }
  header.top .who span.role { display: none; }
  th, td { padding: .35rem .3rem; }
  th.code, td.code { display: none; }
}
`;
