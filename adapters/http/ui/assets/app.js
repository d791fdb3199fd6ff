// Obieg web UI: small progressive enhancements. Pages work without it.
(function () {
  "use strict";

  // htmx requests carry the session's CSRF token.
  document.addEventListener("htmx:configRequest", function (e) {
    var m = document.querySelector('meta[name="csrf-token"]');
    if (m) { e.detail.headers["X-CSRF-Token"] = m.content; }
  });

  // Drag and drop onto the scan field; the chosen files are listed.
  function listFiles(input, list) {
    list.textContent = "";
    Array.prototype.forEach.call(input.files, function (f) {
      var li = document.createElement("li");
      li.textContent = f.name + " (" + (f.size < 1024 ? f.size + " B" : Math.round(f.size / 1024) + " KiB") + ")";
      list.appendChild(li);
    });
  }
  function setupDropzone(zone) {
    var input = zone.querySelector('input[type="file"]');
    var list = zone.querySelector("ul");
    if (!input || !list) { return; }
    input.addEventListener("change", function () { listFiles(input, list); });
    ["dragenter", "dragover"].forEach(function (t) {
      zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (t) {
      zone.addEventListener(t, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      var dt = new DataTransfer();
      Array.prototype.forEach.call(input.files, function (f) { dt.items.add(f); });
      Array.prototype.forEach.call(e.dataTransfer.files, function (f) { dt.items.add(f); });
      input.files = dt.files;
      listFiles(input, list);
    });
  }

  // A process diagram drawn by the bpmn-js viewer, active steps marked.
  function setupDiagram(el) {
    var status = document.getElementById("diagram-status");
    function say(s) { if (status) { status.textContent = s; } el.setAttribute("data-state", s); }
    if (!window.BpmnJS) { say("no-viewer"); return; }
    fetch(el.getAttribute("data-xml"), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.text(); })
      .then(function (xml) {
        var viewer = new window.BpmnJS({ container: el });
        return viewer.importXML(xml).then(function () {
          var canvas = viewer.get("canvas");
          var registry = viewer.get("elementRegistry");
          (el.getAttribute("data-active") || "").split(" ").forEach(function (id) {
            if (id && registry.get(id)) { canvas.addMarker(id, "obieg-active"); }
          });
          canvas.zoom("fit-viewport");
          say("rendered");
        });
      })
      .catch(function (err) { say("error: " + err.message); });
  }

  function init() {
    document.querySelectorAll(".dropzone").forEach(setupDropzone);
    var d = document.getElementById("diagram");
    if (d) { setupDiagram(d); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
