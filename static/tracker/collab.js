// @mention completion in a comment box: typing "@" and letters lists the colleagues whose
// usernames start with them; arrow keys move, Enter or Tab inserts, Escape closes.
(function () {
  "use strict";
  function attach(box) {
    var source = document.getElementById(box.dataset.mentionList);
    if (!source) return;
    var names = Array.prototype.map.call(source.options, function (o) { return o.value; });
    var menu = document.createElement("ul");
    menu.className = "mention-menu";
    menu.id = box.id + "-mentions";
    menu.setAttribute("role", "listbox");
    menu.hidden = true;
    box.after(menu);
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-controls", menu.id);
    var active = 0;
    var shown = [];

    function query() {
      var before = box.value.slice(0, box.selectionStart);
      var match = /(^|[^\w@.+-])@([\w.@+-]*)$/.exec(before);
      return match ? match[2] : null;
    }
    function close() { menu.hidden = true; shown = []; box.removeAttribute("aria-activedescendant"); }
    function render() {
      menu.textContent = "";
      shown.forEach(function (name, index) {
        var item = document.createElement("li");
        item.id = menu.id + "-" + index;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", index === active ? "true" : "false");
        item.textContent = "@" + name;
        item.addEventListener("mousedown", function (event) { event.preventDefault(); insert(name); });
        menu.appendChild(item);
      });
      menu.hidden = shown.length === 0;
      if (shown.length) box.setAttribute("aria-activedescendant", menu.id + "-" + active);
    }
    function insert(name) {
      var at = box.selectionStart;
      var typed = query() || "";
      var start = at - typed.length;
      box.value = box.value.slice(0, start) + name + " " + box.value.slice(at);
      box.selectionStart = box.selectionEnd = start + name.length + 1;
      close();
      box.focus();
    }
    box.addEventListener("input", function () {
      var typed = query();
      if (typed === null) { close(); return; }
      var lower = typed.toLowerCase();
      shown = names.filter(function (n) { return n.toLowerCase().indexOf(lower) === 0; }).slice(0, 8);
      active = 0;
      render();
    });
    box.addEventListener("keydown", function (event) {
      if (menu.hidden) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        active = (active + (event.key === "ArrowDown" ? 1 : shown.length - 1)) % shown.length;
        render();
        event.preventDefault();
      } else if (event.key === "Enter" || event.key === "Tab") {
        insert(shown[active]);
        event.preventDefault();
      } else if (event.key === "Escape") {
        close();
        event.preventDefault();
      }
    });
    box.addEventListener("blur", close);
  }
  document.querySelectorAll("textarea[data-mention-list]").forEach(attach);
})();
