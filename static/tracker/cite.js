/* Cite by selection on the source page: the reader's selection in the archived text becomes the
   form's excerpt and start offset.

   Offsets are Unicode code points into Source.text, as Python and PostgreSQL count. Browsers count
   UTF-16 units, in which every character outside the Basic Multilingual Plane (emoji, some CJK,
   historic scripts) takes two, so the prefix before the selection is re-counted in code points.
   The prefix is measured from the start of the text container, not the page: the container holds
   Source.text exactly and nothing else. */
(function () {
  "use strict";

  function codePoints(text) {
    return Array.from(text).length;
  }

  function selectedPassage() {
    var container = document.getElementById("source-text");
    var selection = document.getSelection();
    if (!container || !selection || selection.rangeCount === 0 || selection.isCollapsed) {
      return null;
    }
    var range = selection.getRangeAt(0).cloneRange();
    var whole = document.createRange();
    whole.selectNodeContents(container);
    // Only the part of the selection inside the text counts (a drag may run past its ends).
    if (whole.comparePoint(range.startContainer, range.startOffset) < 0) {
      range.setStart(whole.startContainer, whole.startOffset);
    }
    if (whole.comparePoint(range.endContainer, range.endOffset) > 0) {
      range.setEnd(whole.endContainer, whole.endOffset);
    }
    if (range.collapsed || whole.comparePoint(range.startContainer, range.startOffset) !== 0) {
      return null;
    }
    var before = document.createRange();
    before.setStart(whole.startContainer, whole.startOffset);
    before.setEnd(range.startContainer, range.startOffset);
    var text = range.toString();
    var excerpt = text.trim();
    if (!excerpt) {
      return null;
    }
    var leading = text.slice(0, text.length - text.replace(/^\s+/, "").length);
    var start = codePoints(before.toString()) + codePoints(leading);
    return { excerpt: excerpt, start: start, end: start + codePoints(excerpt) };
  }

  function fillForm() {
    var form = document.getElementById("cite-form");
    var passage = selectedPassage();
    if (!form || !passage) {
      return;
    }
    form.elements.excerpt.value = passage.excerpt;
    form.elements.start_offset.value = String(passage.start);
    var note = document.getElementById("cite-offsets");
    if (note && note.dataset.selected) {
      note.textContent = note.dataset.selected
        .replace("{start}", passage.start)
        .replace("{end}", passage.end);
    }
  }

  var pending = false;
  document.addEventListener("selectionchange", function () {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        fillForm();
      });
    }
  });

  // A typed or edited passage has no offset: the server cites its first occurrence.
  document.addEventListener("input", function (event) {
    var form = document.getElementById("cite-form");
    if (form && event.target === form.elements.excerpt) {
      form.elements.start_offset.value = "";
      var note = document.getElementById("cite-offsets");
      if (note && note.dataset.typed) {
        note.textContent = note.dataset.typed;
      }
    }
  });

  // Finishing a selection on a highlighted passage must not follow its link.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("#source-text a.cited");
    var selection = document.getSelection();
    if (link && selection && !selection.isCollapsed) {
      event.preventDefault();
    }
  });

  // After a save the old selection would hide the new highlight.
  document.addEventListener("htmx:afterSettle", function () {
    if (document.getElementById("cite-result")) {
      document.getSelection().removeAllRanges();
    }
  });
})();
