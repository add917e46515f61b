/* The fund statement's chart: income by source (pie) and payments by township (bars); the
   figures come from the json_script element funds-chart-data. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("funds-chart-data").textContent);
  var node = document.getElementById("funds-chart");
  if (!window.echarts || !node) { return; }
  var chart = window.echarts.init(node);
  var narrow = node.clientWidth < 520;  // a phone: the pie above the bars
  chart.setOption({
    tooltip: {trigger: "item"},
    title: narrow
      ? [{text: data.labels.income, left: "center", top: 0, textStyle: {fontSize: 13}},
         {text: data.labels.payments, left: "center", top: "50%", textStyle: {fontSize: 13}}]
      : [{text: data.labels.income, left: "25%", textAlign: "center", textStyle: {fontSize: 13}},
         {text: data.labels.payments, left: "75%", textAlign: "center", textStyle: {fontSize: 13}}],
    grid: narrow ? {left: 50, right: 10, top: "58%", bottom: 30}
                 : {left: "55%", right: 10, top: 40, bottom: 30},
    xAxis: {type: "category", data: data.towns, axisLabel: {interval: 0, fontSize: 10}},
    yAxis: {type: "value", axisLabel: {fontSize: 10}},
    series: [
      {type: "pie", radius: narrow ? ["15%", "28%"] : ["25%", "45%"],
       center: narrow ? ["50%", "26%"] : ["25%", "55%"], data: data.income,
       label: {fontSize: 10}},
      {type: "bar", data: data.payments, itemStyle: {color: "#a4161a"}}
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
