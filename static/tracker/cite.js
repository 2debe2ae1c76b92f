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

  // A highlight is a <mark>, not a link, so a selection over it never leaves the page. A plain
  // click on one (nothing selected) brings its citation's entry in the list into view: that
  // entry links to the claim.
  document.addEventListener("click", function (event) {
    var mark = event.target.closest && event.target.closest("#source-text mark.cited");
    var selection = document.getSelection();
    if (!mark || (selection && !selection.isCollapsed)) {
      return;
    }
    var ids = (mark.dataset.citations || "").split(" ");
    var entry = document.getElementById("citation-" + ids[ids.length - 1]);
    var link = entry && entry.querySelector("a");
    if (entry) {
      entry.scrollIntoView({ block: "nearest" });
    }
    if (link) {
      link.focus({ preventScroll: true });
    }
  });

  /* Keyboard selection: with the text focused, the arrow keys select a sentence at a time
     (Shift extends the selection by a sentence), Enter opens the cite panel at its first choice
     and Escape drops the selection and returns to the text. A live note says what is selected. */
  var SENTENCE = /[^.!?\u0589\u3002\n]+(?:[.!?\u0589\u3002]+["'\u201d\u00bb)]*|\n|$)/g;
  var sentences = null;
  var anchor = -1;
  var focusAt = -1;

  function sentenceList(container) {
    var text = container.textContent;
    var found = [];
    var match;
    SENTENCE.lastIndex = 0;
    while ((match = SENTENCE.exec(text)) !== null) {
      if (match[0].length === 0) {
        SENTENCE.lastIndex += 1;
        continue;
      }
      var lead = match[0].length - match[0].replace(/^\s+/, "").length;
      var body = match[0].trim();
      if (body) {
        found.push({ start: match.index + lead, end: match.index + lead + body.length });
      }
    }
    return found;
  }

  // The DOM position of a UTF-16 index into the container's text.
  function position(container, index) {
    var walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
    var node = walker.nextNode();
    var last = node;
    while (node) {
      if (index <= node.data.length) {
        return { node: node, offset: index };
      }
      index -= node.data.length;
      last = node;
      node = walker.nextNode();
    }
    return { node: last, offset: last ? last.data.length : 0 };
  }

  function selectSentences(container, from, to) {
    var first = sentences[Math.min(from, to)];
    var last = sentences[Math.max(from, to)];
    var start = position(container, first.start);
    var end = position(container, last.end);
    var range = document.createRange();
    range.setStart(start.node, start.offset);
    range.setEnd(end.node, end.offset);
    var selection = document.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    var note = document.getElementById("cite-keyboard-note");
    if (note) {
      var count = Math.abs(to - from) + 1;
      note.textContent = (count > 1 ? note.dataset.many : note.dataset.one)
        .replace("{n}", String(count))
        .replace("{text}", range.toString().slice(0, 140));
    }
    var rect = range.getBoundingClientRect();
    if (rect.top < 0 || rect.bottom > window.innerHeight) {
      window.scrollBy(0, rect.top - window.innerHeight / 3);
    }
  }

  function openPanel() {
    var form = document.getElementById("cite-form");
    if (!form) {
      return;
    }
    var newClaim = form.querySelector("input[name=target][value=new_claim]:checked");
    var first = document.getElementById(newClaim ? "cite-statement" : "cite-claim");
    (first || form.elements.excerpt).focus();
    document.getElementById("cite-panel").scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", function (event) {
    var container = document.getElementById("source-text");
    if (!container) {
      return;
    }
    if (event.key === "Escape" && (event.target === container ||
        (event.target.closest && event.target.closest("#cite-panel")))) {
      document.getSelection().removeAllRanges();
      anchor = focusAt = -1;
      container.focus();
      event.preventDefault();
      return;
    }
    if (event.target !== container || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var forward = event.key === "ArrowRight" || event.key === "ArrowDown";
    var backward = event.key === "ArrowLeft" || event.key === "ArrowUp";
    if (forward || backward) {
      sentences = sentences || sentenceList(container);
      if (!sentences.length) {
        return;
      }
      if (dir === "rtl" && (event.key === "ArrowRight" || event.key === "ArrowLeft")) {
        forward = !forward;
      }
      var step = forward ? 1 : -1;
      if (focusAt < 0) {
        focusAt = anchor = forward ? 0 : sentences.length - 1;
      } else {
        focusAt = Math.max(0, Math.min(sentences.length - 1, focusAt + step));
        if (!event.shiftKey) {
          anchor = focusAt;
        }
      }
      selectSentences(container, anchor, focusAt);
      event.preventDefault();
    } else if (event.key === "Enter" && !document.getSelection().isCollapsed) {
      openPanel();
      event.preventDefault();
    }
  });

  var dir = "ltr";
  document.addEventListener("DOMContentLoaded", function () {
    var container = document.getElementById("source-text");
    dir = container ? window.getComputedStyle(container).direction : "ltr";
  });
  // A saved citation re-renders the text: its sentence positions are measured again.
  document.addEventListener("htmx:afterSettle", function () {
    sentences = null;
  });

  // After a save the old selection would hide the new highlight.
  document.addEventListener("htmx:afterSettle", function () {
    if (document.getElementById("cite-result")) {
      document.getSelection().removeAllRanges();
    }
  });
})();
