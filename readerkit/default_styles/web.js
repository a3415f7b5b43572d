// The web edition's small improvements; every page works without them (web.css, :target).
// Notes on phones: a note call opens its note in place (no jump) and closes it again; Escape
// closes it and gives focus back to the call; a call marked data-in-place does so at every
// width. Glossary tooltips: Escape hides them.
// Side notes on wide screens: web.css floats each after the block holding its call, so it
// starts below that block; here each is lifted to its call's line, and never over the note
// before it (crowded notes stack downward, as the floats do).
(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 71.99em)");

  function noteFor(call) {
    var id = (call.getAttribute("href") || "").slice(1);
    return id ? document.getElementById(id) : null;
  }

  function callOf(note) { // the note's close link leads back to its call
    var close = note.querySelector("a.note-close");
    return close ? noteFor(close) : null;
  }

  function inPlace(call) {
    return narrow.matches || call.hasAttribute("data-in-place");
  }

  function setOpen(call, note, open) {
    note.classList.toggle("is-open", open);
    call.setAttribute("aria-expanded", open ? "true" : "false");
    schedule(); // what opened under a paragraph moves the side notes beside the text
  }

  function closeNote(note, focusCall) {
    var call = callOf(note);
    if (call) {
      setOpen(call, note, false);
      if (focusCall) call.focus();
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var call = target.closest("a.noteref, a[data-in-place]");
    if (call && inPlace(call)) {
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
    var closing = close ? close.closest("aside") : null;
    var from = closing ? callOf(closing) : null;
    if (closing && from && inPlace(from)) {
      if (closing.matches(":target")) { // opened by its address: the link itself closes it
        setOpen(from, closing, false);
        return;
      }
      event.preventDefault();
      closeNote(closing, true);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var active = document.activeElement;
    var note = active && active.closest ? active.closest("aside.is-open") : null;
    if (note) {
      closeNote(note, true);
      return;
    }
    document.querySelectorAll("aside.is-open").forEach(function (open) {
      closeNote(open, false);
    });
    if (active && active.classList && active.classList.contains("glossary-term")) {
      active.classList.add("tip-dismissed");
      active.addEventListener("blur", function () {
        active.classList.remove("tip-dismissed");
      }, { once: true });
    }
  });

  var BLOCKS = "p, li, dd, dt, h1, h2, h3, h4, h5, h6, blockquote, figcaption, td, th";

  // The line box holding the call, as [top, height] in page coordinates: lines are
  // line-height apart from the top of the block's content (the call itself is a
  // superscript, raised above its line).
  function callLine(call) {
    var box = call.getBoundingClientRect();
    var block = call.closest(BLOCKS);
    var style = block ? getComputedStyle(block) : null;
    var height = style ? parseFloat(style.lineHeight) : NaN;
    if (!block || !(height > 0)) return [box.top + window.scrollY, box.height];
    var top = block.getBoundingClientRect().top + parseFloat(style.borderTopWidth) +
      parseFloat(style.paddingTop);
    var line = Math.max(0, Math.floor(((box.top + box.bottom) / 2 - top) / height));
    return [top + line * height + window.scrollY, height];
  }

  // Each note in turn (a note's place depends on the one before it): its natural place
  // measured, then a negative top margin lifts it to its call's line, or to just below the
  // note before it. A float's margin, unlike a relative offset, moves the notes after it
  // and the page's end with it.
  function placeSideNotes() {
    var notes = Array.prototype.slice.call(document.querySelectorAll("aside.footnote"));
    notes.forEach(function (note) { note.style.removeProperty("--lift"); });
    if (narrow.matches) return;
    var wanted = notes.map(function (note) {
      var call = document.getElementById("ref-" + note.id);
      if (!call) return null;
      var line = callLine(call); // the note's first line level with the call's line
      return line[0] + (line[1] - parseFloat(getComputedStyle(note).lineHeight)) / 2;
    });
    var free = -Infinity; // where the note before ends, with its bottom margin
    notes.forEach(function (note, index) {
      var style = getComputedStyle(note);
      var top = note.getBoundingClientRect().top + window.scrollY;
      var lift = 0;
      if (wanted[index] !== null) {
        lift = Math.max(0, top - Math.max(wanted[index], free + parseFloat(style.marginTop)));
        note.style.setProperty("--lift", lift + "px");
      }
      free = top - lift + note.getBoundingClientRect().height + parseFloat(style.marginBottom);
    });
  }

  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      placeSideNotes();
    });
  }

  placeSideNotes();
  window.addEventListener("load", schedule);
  window.addEventListener("resize", schedule);
  if (narrow.addEventListener) narrow.addEventListener("change", schedule);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(schedule);

  document.documentElement.classList.add("js");
})();
