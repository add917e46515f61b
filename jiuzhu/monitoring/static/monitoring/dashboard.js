/* 综合看板: draws each table's chart with the vendored ECharts (the table under it holds the
   same figures). A click on a bar of a sub-region opens that region's dashboard; a click on
   any other bar or slice opens the list behind the figure. */
(function () {
  "use strict";
  var COLOURS = ["#2f6fb3", "#3aa06b", "#d98c1f", "#8a5cc2", "#c2453d", "#4bb3c4", "#7f8c8d"];

  function go(url) { if (url) { window.location.href = url; } }

  function draw(spec) {
    var node = document.getElementById(spec.id);
    if (!node || !window.echarts) { return; }
    var chart = window.echarts.init(node);
    var narrow = node.clientWidth < 520;
    var option;
    if (spec.kind === "pie") {
      var s = spec.series[0] || {data: [], links: []};
      option = {
        color: COLOURS, tooltip: {trigger: "item"},
        legend: {bottom: 0, type: "scroll"},
        series: [{type: "pie", radius: narrow ? ["25%", "55%"] : ["30%", "65%"],
                  center: ["50%", "45%"],
                  data: spec.categories.map(function (name, i) {
                    return {name: name, value: s.data[i], link: s.links[i]};
                  })}]
      };
    } else {
      var stacked = spec.kind === "stack";
      var line = spec.kind === "line";
      option = {
        color: COLOURS, tooltip: {trigger: "axis"},
        legend: {top: 0, type: "scroll"},
        grid: {left: 8, right: 8, top: 36, bottom: 8, containLabel: true},
        xAxis: {type: "category", data: spec.categories,
                axisLabel: {interval: line ? "auto" : 0, rotate: narrow || spec.categories.length > 8 ? 40 : 0,
                            fontSize: 11}},
        yAxis: {type: "value", minInterval: 1, axisLabel: {fontSize: 11}},
        series: spec.series.map(function (s) {
          return {name: s.name, type: line ? "line" : "bar", stack: stacked ? "all" : undefined,
                  data: s.data, links: s.links};
        })
      };
    }
    chart.setOption(option);
    chart.on("click", function (params) {
      if (spec.kind !== "pie" && spec.drill[params.dataIndex]) {
        go(spec.drill[params.dataIndex]);
        return;
      }
      var series = spec.series[spec.kind === "pie" ? 0 : params.seriesIndex];
      if (series) { go(series.links[params.dataIndex]); }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var data = document.getElementById("dashboard-data");
    if (!data) { return; }
    JSON.parse(data.textContent).forEach(draw);
  });
}());
