// manysides: small progressive enhancements. Pages work without this file.
(function () {
  "use strict";
  let open = null;
  function closePopover() { if (open) { open.remove(); open = null; } }
  function showPopover(link) {
    closePopover();
    const box = document.createElement("div");
    box.className = "popover";
    box.setAttribute("role", "dialog");
    const who = document.createElement("span");
    who.className = "who";
    who.textContent = link.dataset.outlet || "source";
    const text = document.createElement("span");
    text.textContent = link.dataset.source || "(the article)";
    const go = document.createElement("a");
    go.href = link.getAttribute("href");
    go.textContent = "Show in the article →";
    go.addEventListener("click", function () { closePopover(); flash(go.getAttribute("href")); });
    box.append(who, text, document.createElement("br"), go);
    document.body.appendChild(box);
    const r = link.getBoundingClientRect();
    const left = Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - box.offsetWidth - 12);
    box.style.left = Math.max(8, left) + "px";
    box.style.top = (window.scrollY + r.bottom + 6) + "px";
    open = box;
  }
  function flash(hash) {
    const el = document.getElementById(decodeURIComponent(hash.replace(/^.*#/, "")));
    if (!el) return;
    el.classList.add("flash");
    setTimeout(function () { el.classList.remove("flash"); }, 2500);
  }
  document.addEventListener("click", function (ev) {
    const link = ev.target.closest && ev.target.closest("a.cite");
    if (link) { ev.preventDefault(); showPopover(link); return; }
    if (open && !open.contains(ev.target)) closePopover();
  });
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") closePopover(); });

  // Quote table filters: shown only when this script runs; without it the table is plain.
  document.querySelectorAll(".filters").forEach(function (bar) {
    const table = document.getElementById(bar.dataset.for);
    if (!table) return;
    bar.hidden = false;
    const text = bar.querySelector(".q-filter"), kind = bar.querySelector(".q-kind"), outlet = bar.querySelector(".q-outlet");
    function apply() {
      const q = text.value.trim().toLowerCase();
      table.querySelectorAll("tbody tr").forEach(function (row) {
        const ok = (!q || row.textContent.toLowerCase().includes(q)) &&
          (!kind.value || row.dataset.kind === kind.value) &&
          (!outlet.value || row.dataset.outlet === outlet.value);
        row.hidden = !ok;
      });
    }
    [text, kind, outlet].forEach(function (el) { el.addEventListener("input", apply); });
  });
})();
