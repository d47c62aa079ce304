// Small progressive enhancements: the upload area, live status, sortable and filterable tables.
'use strict';
(function () {
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || '';

  function showError(box, text) { box.textContent = text; box.hidden = !text; }

  function checkFiles(form, files) {
    const suffixes = form.dataset.suffixes.split(',');
    const maxFile = Number(form.dataset.maxFile), maxRequest = Number(form.dataset.maxRequest);
    if (!files.length) return 'Choose convolutional_networks.py or a .zip holding it.';
    let total = 0;
    for (const f of files) {
      if (!suffixes.some((s) => f.name.endsWith(s)) || f.name.startsWith('.')) {
        return `${f.name} is not an allowed file (${suffixes.join(', ')}).`;
      }
      if (f.size > maxFile) return `${f.name} is larger than ${maxFile} bytes.`;
      if (f.size === 0) return `${f.name} is empty.`;
      total += f.size;
    }
    if (total > maxRequest) return `The upload is larger than ${maxRequest} bytes.`;
    return '';
  }

  const form = document.getElementById('upload');
  if (form) {
    const input = document.getElementById('files'), box = document.getElementById('upload-error');
    const zone = document.getElementById('dropzone'), button = document.getElementById('submit');
    ['dragenter', 'dragover'].forEach((e) => zone.addEventListener(e, (ev) => {
      ev.preventDefault(); zone.classList.add('over');
    }));
    ['dragleave', 'drop'].forEach((e) => zone.addEventListener(e, () => zone.classList.remove('over')));
    zone.addEventListener('drop', (ev) => {
      ev.preventDefault();
      input.files = ev.dataTransfer.files;
      showError(box, checkFiles(form, input.files));
    });
    input.addEventListener('change', () => showError(box, checkFiles(form, input.files)));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const problem = checkFiles(form, input.files);
      showError(box, problem);
      if (problem) return;
      const body = new FormData();
      for (const f of input.files) body.append('files', f, f.name);
      button.disabled = true;
      try {
        const r = await fetch(form.dataset.api, {method: 'POST', body, headers: {'X-CSRF-Token': csrf},
                                                credentials: 'same-origin'});
        const data = await r.json().catch(() => ({}));
        if (r.ok) { window.location.assign(`/submissions/${data.id}`); return; }
        showError(box, data.error || `The server answered ${r.status}.`);
      } catch (e) {
        showError(box, 'The upload did not reach the server; check your connection and try again.');
      }
      button.disabled = false;
    });
  }

  // While it waits or runs: the status from the API; when the queue place, the wait or the decided checks change,
  // the page's own rendering of them (the server's template, fetched) replaces the shown one.
  function swapLive(html) {
    const fresh = new DOMParser().parseFromString(html, 'text/html');
    ['wait', 'progress'].forEach((id) => {
      const now = document.getElementById(id), next = fresh.getElementById(id);
      if (now && next) now.textContent = next.textContent;
      else if (now) now.remove();
      else if (next) document.getElementById('live-lines').appendChild(next);
    });
    const results = document.getElementById('results'), next = fresh.getElementById('results');
    if (results && next) {
      const open = new Set(Array.from(results.querySelectorAll('details.component[open] h2'), (h) => h.textContent));
      results.replaceChildren(...next.childNodes);
      results.querySelectorAll('details.component h2').forEach((h) => {
        if (open.has(h.textContent)) h.closest('details').open = true;
      });
    }
  }

  const summary = document.getElementById('summary');
  if (summary && ['queued', 'running'].includes(summary.dataset.status)) {
    let delay = 500, seen = '';
    const status = document.getElementById('status');
    const poll = async () => {
      try {
        const r = await fetch(`/api/v1/submissions/${summary.dataset.id}`, {credentials: 'same-origin'});
        const data = await r.json();
        if (data.status === 'graded' || data.status === 'error') { window.location.reload(); return; }
        if (data.status !== status.textContent) {
          status.textContent = data.status;
          status.className = `status ${data.status}`;
        }
        const wait = data.estimated_start_s === null ? -1 : Math.round(data.estimated_start_s / 5);
        const state = JSON.stringify([data.status, data.checks.length, data.pending, data.queue_position, wait]);
        if (state !== seen) {
          const page = await fetch(window.location.pathname, {credentials: 'same-origin'});
          if (page.ok) {
            swapLive(await page.text());
            if (data.status === 'running' && !seen.includes('"running"')) delay = 500;
            seen = state;
          }
        }
      } catch (e) { /* a missed beat: try again */ }
      delay = Math.min(delay * 1.2, 4000);
      setTimeout(poll, delay);
    };
    setTimeout(poll, delay);
  }

  const pending = document.querySelector('[data-refresh]');
  if (pending) setTimeout(() => window.location.reload(), Number(pending.dataset.refresh));

  document.querySelectorAll('table.sortable').forEach((table) => {
    const body = table.tBodies[0];
    table.querySelectorAll('th button[data-col]').forEach((button) => {
      button.addEventListener('click', () => {
        const col = Number(button.dataset.col), th = button.closest('th');
        const ascending = th.getAttribute('aria-sort') !== 'ascending';
        table.querySelectorAll('th').forEach((h) => h.removeAttribute('aria-sort'));
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        const key = (row) => row.cells[col].dataset.sort ?? row.cells[col].textContent.trim();
        const rows = Array.from(body.rows).sort((a, b) => {
          const x = key(a), y = key(b), nx = Number(x), ny = Number(y);
          const cmp = (x !== '' && y !== '' && !isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
          return ascending ? cmp : -cmp;
        });
        rows.forEach((r) => body.appendChild(r));
      });
    });
  });

  const filter = document.getElementById('roster-filter');
  if (filter) {
    const table = document.getElementById(filter.dataset.table);
    filter.addEventListener('input', () => {
      const needle = filter.value.trim().toLowerCase();
      let shown = 0;
      for (const row of table.tBodies[0].rows) {
        row.hidden = needle !== '' && !row.textContent.toLowerCase().includes(needle);
        shown += row.hidden ? 0 : 1;
      }
      document.getElementById('roster-count').textContent = `${shown} shown`;
    });
  }
})();
