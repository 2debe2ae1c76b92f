/* Pick an incident's place on the map of the new-incident form: a click (or tap) on the map
   fills latitude and longitude at four decimals (about 11 m), and the marker follows what is
   typed in those fields. The map is the server-drawn SVG of the incident list; its projection is
   linear, given on the <svg> as data attributes:
   x = (lon - west) * x-per-degree, y = (north - lat) * y-per-degree. */
(function () {
  "use strict";

  function setUp(svg) {
    var west = parseFloat(svg.dataset.west);
    var north = parseFloat(svg.dataset.north);
    var xPer = parseFloat(svg.dataset.xPerDegree);
    var yPer = parseFloat(svg.dataset.yPerDegree);
    var latitude = document.getElementById(svg.dataset.latitude);
    var longitude = document.getElementById(svg.dataset.longitude);
    var marker = svg.querySelector(".picked");
    if (!latitude || !longitude || !marker) {
      return;
    }

    function show(lat, lon) {
      if (isNaN(lat) || isNaN(lon)) {
        marker.setAttribute("visibility", "hidden");
        return;
      }
      marker.setAttribute("cx", ((lon - west) * xPer).toFixed(1));
      marker.setAttribute("cy", ((north - lat) * yPer).toFixed(1));
      marker.setAttribute("visibility", "visible");
    }

    svg.addEventListener("click", function (event) {
      var point = svg.createSVGPoint();
      point.x = event.clientX;
      point.y = event.clientY;
      var local = point.matrixTransform(svg.getScreenCTM().inverse());
      var lon = west + local.x / xPer;
      var lat = north - local.y / yPer;
      latitude.value = lat.toFixed(4);
      longitude.value = lon.toFixed(4);
      show(lat, lon);
    });
    function typed() {
      show(parseFloat(latitude.value), parseFloat(longitude.value));
    }
    latitude.addEventListener("input", typed);
    longitude.addEventListener("input", typed);
    typed();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("svg[data-place-picker]").forEach(setUp);
  });
})();
