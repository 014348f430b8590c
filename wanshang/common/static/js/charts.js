// ECharts from server-built options: <div data-echarts="id-of-json-script"></div> + {{ option|json_script:"id" }}.
(function () {
  function draw(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-echarts]").forEach(function (el) {
      var src = document.getElementById(el.dataset.echarts);
      if (!src || el.dataset.drawn) return;
      var option = JSON.parse(src.textContent);
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption(option);
      el.dataset.drawn = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (e) { draw(e.target); });
})();
