/**
 * The admin web's own script (served as a file: the CSP allows no inline script). It draws every
 * `<canvas data-chart="ID">` from the JSON in `<script type="application/json" id="ID">`, after
 * the first load and after each htmx swap, and counts what it drew in `body[data-charts-drawn]`.
 */
export const ADMIN_JS = `
(function () {
  'use strict';
  var drawn = 0;
  function drawCharts(root) {
    if (typeof window.Chart !== 'function') return;
    var canvases = root.querySelectorAll('canvas[data-chart]');
    for (var i = 0; i < canvases.length; i += 1) {
      var canvas = canvases[i];
      if (canvas.getAttribute('data-drawn') === '1') continue;
      var source = document.getElementById(canvas.getAttribute('data-chart'));
      if (!source) continue;
      try {
        new window.Chart(canvas, JSON.parse(source.textContent));
        canvas.setAttribute('data-drawn', '1');
        drawn += 1;
      } catch (e) {
        canvas.setAttribute('data-drawn', 'failed');
        if (window.console) window.console.error(e);
      }
    }
    document.body.setAttribute('data-charts-drawn', String(drawn));
  }
  document.addEventListener('DOMContentLoaded', function () { drawCharts(document); });
  document.addEventListener('htmx:afterSwap', function (event) { drawCharts(event.target || document); });
  // A 401 on an htmx call means the session ended: go to the sign-in page instead of swapping nothing.
  document.addEventListener('htmx:responseError', function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (xhr && xhr.status === 401) window.location.assign('/admin/login');
  });
})();
`;
