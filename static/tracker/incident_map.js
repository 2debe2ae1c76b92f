// The incident list's map: a click on a cluster zooms in on it and fetches the clusters of the
// new view (GET data-clusters with zoom and bbox); "Zoom out" goes back a step. The outlines
// stay as drawn (the server's frame); only the viewBox moves. Keyboard users have the list.
(function () {
  "use strict";
  const figure = document.querySelector("figure.map[data-clusters]");
  if (!figure) return;
  const svg = figure.querySelector("svg");
  const layer = svg.querySelector("g.clusters");
  const out = figure.querySelector("[data-map=out]");
  const NS = "http://www.w3.org/2000/svg";
  const west = parseFloat(figure.dataset.west);
  const north = parseFloat(figure.dataset.north);
  const xPer = parseFloat(figure.dataset.xPerDegree);
  const yPer = parseFloat(figure.dataset.yPerDegree);
  const drawn = svg.viewBox.baseVal; // live: it follows the viewBox, so copy the first view
  const views = [{ x: drawn.x, y: drawn.y, width: drawn.width, height: drawn.height, zoom: parseInt(figure.dataset.zoom, 10) }];
  const full = views[0];

  const place = (lon, lat) => [(lon - west) * xPer, (north - lat) * yPer];
  const box = (view) => [
    west + view.x / xPer,
    north - (view.y + view.height) / yPer,
    west + (view.x + view.width) / xPer,
    north - view.y / yPer,
  ].map((n) => Math.max(-180, Math.min(180, n)).toFixed(5));

  function draw(clusters, scale) {
    layer.replaceChildren();
    for (const cluster of clusters) {
      const [x, y] = place(cluster.longitude, cluster.latitude);
      const circle = document.createElementNS(NS, "circle");
      circle.setAttribute("cx", x.toFixed(2));
      circle.setAttribute("cy", y.toFixed(2));
      circle.setAttribute("r", (cluster.radius * scale).toFixed(2));
      if (cluster.incident) {
        const link = document.createElementNS(NS, "a");
        link.setAttribute("href", cluster.incident.url);
        link.setAttribute("tabindex", "-1");
        circle.setAttribute("class", cluster.incident.disputed ? "marker disputed" : "marker");
        circle.dataset.incident = cluster.incident.id;
        const title = document.createElementNS(NS, "title");
        title.textContent = cluster.incident.title;
        circle.append(title);
        link.append(circle);
        layer.append(link);
      } else {
        const group = document.createElementNS(NS, "g");
        group.setAttribute("class", "cluster");
        group.dataset.count = cluster.count;
        group.dataset.latitude = cluster.latitude;
        group.dataset.longitude = cluster.longitude;
        const label = document.createElementNS(NS, "text");
        label.setAttribute("x", x.toFixed(2));
        label.setAttribute("y", y.toFixed(2));
        label.setAttribute("transform", `translate(${x.toFixed(2)} ${y.toFixed(2)}) scale(${scale}) translate(${(-x).toFixed(2)} ${(-y).toFixed(2)})`);
        label.textContent = cluster.count;
        group.append(circle, label);
        layer.append(group);
      }
    }
  }

  async function show(view) {
    svg.setAttribute("viewBox", `${view.x} ${view.y} ${view.width} ${view.height}`);
    // Country names would grow with the zoom; the outlines say enough up close.
    svg.classList.toggle("zoomed", views.length > 1);
    out.hidden = views.length < 2;
    const url = new URL(figure.dataset.clusters, window.location.href);
    url.searchParams.set("zoom", view.zoom);
    url.searchParams.set("bbox", box(view).join(","));
    const answer = await fetch(url, { headers: { Accept: "application/json" } });
    if (!answer.ok) return;
    const data = await answer.json();
    draw(data.clusters, view.width / full.width);
    figure.dataset.shownZoom = view.zoom;
  }

  svg.addEventListener("click", (event) => {
    const cluster = event.target.closest("g.cluster");
    if (!cluster) return;
    const current = views[views.length - 1];
    const [x, y] = place(parseFloat(cluster.dataset.longitude), parseFloat(cluster.dataset.latitude));
    const width = current.width / 4;
    const height = current.height / 4;
    const view = { x: x - width / 2, y: y - height / 2, width, height, zoom: Math.min(current.zoom + 2, 20) };
    views.push(view);
    show(view);
  });
  out.addEventListener("click", () => {
    if (views.length > 1) views.pop();
    show(views[views.length - 1]);
  });
})();
