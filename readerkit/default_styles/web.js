// The web edition's small improvements; every page works without them (web.css, :target).
// Notes on phones: a note call opens its note in place (no jump) and closes it again; Escape
// closes it and gives focus back to the call. Glossary tooltips: Escape hides them.
(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 71.99em)");

  function noteFor(call) {
    var id = (call.getAttribute("href") || "").slice(1);
    return id ? document.getElementById(id) : null;
  }

  function setOpen(call, note, open) {
    note.classList.toggle("is-open", open);
    call.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function closeNote(note, focusCall) {
    var call = document.getElementById("ref-" + note.id);
    if (call) {
      setOpen(call, note, false);
      if (focusCall) call.focus();
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target || !narrow.matches) return;
    var call = target.closest("a.noteref");
    if (call) {
      var note = noteFor(call);
      if (!note) return;
      event.preventDefault();
      var open = !note.classList.contains("is-open");
      setOpen(call, note, open);
      if (open) {
        note.setAttribute("tabindex", "-1");
        note.focus({ preventScroll: true });
        note.scrollIntoView({ block: "nearest" });
      }
      return;
    }
    var close = target.closest("a.note-close");
    if (close) {
      event.preventDefault();
      closeNote(close.closest("aside"), true);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var active = document.activeElement;
    var note = active && active.closest ? active.closest("aside.footnote.is-open") : null;
    if (note) {
      closeNote(note, true);
      return;
    }
    document.querySelectorAll("aside.footnote.is-open").forEach(function (open) {
      closeNote(open, false);
    });
    if (active && active.classList && active.classList.contains("glossary-term")) {
      active.classList.add("tip-dismissed");
      active.addEventListener("blur", function () {
        active.classList.remove("tip-dismissed");
      }, { once: true });
    }
  });

  document.documentElement.classList.add("js");
})();
