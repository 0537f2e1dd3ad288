// chronique: a little vanilla JavaScript over server-rendered pages; everything works without it (#6).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // "Expand all / Collapse all" over the timeline entries.
  const toggle = document.querySelector(".toggle-all");
  const entries = Array.from(document.querySelectorAll(".entry details"));
  if (toggle && entries.length) {
    toggle.hidden = false;
    const update = () => {
      const allOpen = entries.every((d) => d.open);
      toggle.textContent = allOpen ? toggle.dataset.collapse : toggle.dataset.expand;
      toggle.setAttribute("aria-pressed", String(allOpen));
    };
    toggle.addEventListener("click", () => {
      const open = !entries.every((d) => d.open);
      entries.forEach((d) => { d.open = open; });
      update();
    });
    entries.forEach((d) => d.addEventListener("toggle", update));
    update();
  }

  // Open the entry named in the address (#e-<id>), e.g. from a link on another page.
  if (location.hash.startsWith("#e-")) {
    const target = document.getElementById(location.hash.slice(1));
    const details = target && target.querySelector("details");
    if (details) { details.open = true; target.scrollIntoView({ block: "start" }); }
  }

  // In a document, bring the cited sentence into view and give it the focus for screen readers.
  const evidence = document.getElementById("evidence");
  if (evidence) {
    evidence.scrollIntoView({ block: "center" });
    evidence.focus({ preventScroll: true });
  }

  // Date filters: say what is wrong before the request goes out.
  document.querySelectorAll("form.filters input[pattern]").forEach((input) => {
    input.addEventListener("input", () => input.reportValidity && input.checkValidity());
  });
});
