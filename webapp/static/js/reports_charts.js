// Reports: draws each [data-chart] container with ECharts (SVG renderer: sharp on screen,
// in print and in a saved PDF) from the page's <script type="application/json"
// id="report-charts"> block, and wires the 打印 buttons. No data is written into scripts.
(function () {
  "use strict";

  var COLOURS = {
    received: "#1d5fbf",
    resolved: "#2e9d5b",
    rate: "#d9822b",
    returned: "#b42318",
    red: "#d93025",
    yellow: "#f2b705",
    green: "#2e9d5b",
    axis: "#5f6b7a",
  };
  var RISK = { "红": COLOURS.red, "黄": COLOURS.yellow, "绿": COLOURS.green };
  var ROW_HEIGHT = 30;

  function readData() {
    var block = document.getElementById("report-charts");
    return block ? JSON.parse(block.textContent) : null;
  }

  function sum(values) {
    return (values || []).reduce(function (total, v) {
      return total + (v || 0);
    }, 0);
  }

  function base(extra) {
    var font = window.getComputedStyle(document.body).fontFamily;
    var option = {
      animation: false,
      textStyle: { fontFamily: font, fontSize: 13, color: "#1f2933" },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
      legend: { top: 0, left: "center", itemWidth: 14, itemHeight: 10 },
    };
    Object.keys(extra).forEach(function (key) {
      option[key] = extra[key];
    });
    return option;
  }

  function percentAxis(name) {
    return {
      type: "value",
      name: name,
      min: 0,
      max: 100,
      axisLabel: { formatter: "{value}%" },
      splitLine: { show: false },
    };
  }

  function countAxis(name) {
    return { type: "value", name: name, minInterval: 1 };
  }

  function bar(name, data, colour, extra) {
    var series = { name: name, type: "bar", data: data, itemStyle: { color: colour }, barMaxWidth: 28 };
    Object.keys(extra || {}).forEach(function (key) {
      series[key] = extra[key];
    });
    return series;
  }

  function rateLine(data) {
    return {
      name: "化解率",
      type: "line",
      yAxisIndex: 1,
      data: data,
      itemStyle: { color: COLOURS.rate },
      lineStyle: { width: 2 },
      symbol: "circle",
      symbolSize: 6,
      connectNulls: false,
    };
  }

  function percentText(value) {
    return value === null || value === undefined ? "—" : value + "%";
  }

  function trend(data) {
    return base({
      tooltip: {
        trigger: "axis",
        confine: true,
        formatter: function (items) {
          var lines = [data.titles[items[0].dataIndex]];
          items.forEach(function (item) {
            var value = item.seriesName === "化解率" ? percentText(item.value) : item.value + " 件";
            lines.push(item.marker + item.seriesName + "：" + value);
          });
          return lines.join("<br>");
        },
      },
      grid: { left: 12, right: 12, top: 48, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.labels, axisLabel: { hideOverlap: true } },
      yAxis: [countAxis("件"), percentAxis("化解率")],
      series: [
        bar("受理数", data.received, COLOURS.received),
        bar("化解数", data.resolved, COLOURS.resolved),
        rateLine(data.rate),
      ],
    });
  }

  // Categories down the side (long names stay readable), bars across.
  function sideways(data, series) {
    return base({
      grid: { left: 12, right: 28, top: 48, bottom: 8, containLabel: true },
      yAxis: {
        type: "category",
        data: data.labels,
        inverse: true,
        axisLabel: { width: 112, overflow: "truncate" },
      },
      xAxis: countAxis("件"),
      series: series,
    });
  }

  function breakdown(data) {
    return sideways(data, [
      bar("受理数", data.received, COLOURS.received),
      bar("化解数", data.resolved, COLOURS.resolved),
    ]);
  }

  function level(data) {
    return sideways(data, [
      bar("化解数", data.resolved, COLOURS.resolved, {
        label: { show: true, position: "right" },
      }),
    ]);
  }

  function region(data) {
    var option = breakdown(data);
    // The rate is read in the tooltip (a line across categories stacked down the side
    // would suggest an order the regions do not have).
    option.tooltip.formatter = function (items) {
      var index = items[0].dataIndex;
      var lines = [data.labels[index]];
      items.forEach(function (item) {
        lines.push(item.marker + item.seriesName + "：" + item.value + " 件");
      });
      lines.push("化解率：" + percentText(data.rate[index]));
      return lines.join("<br>");
    };
    return option;
  }

  var VALUE_ON_TOP = {
    show: true,
    position: "top",
    formatter: function (item) {
      return item.value ? String(item.value) : "";
    },
  };

  function handoff(data) {
    return base({
      grid: { left: 12, right: 12, top: 48, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.labels },
      yAxis: countAxis("件"),
      series: [
        bar("推送", data.pushed, COLOURS.received, { label: VALUE_ON_TOP }),
        bar("化解", data.resolved, COLOURS.resolved, { label: VALUE_ON_TOP }),
        bar("退回", data.returned, COLOURS.returned, { label: VALUE_ON_TOP }),
      ],
    });
  }

  function risk(data) {
    var total = sum(
      data.map(function (item) {
        return item.value;
      })
    );
    return base({
      tooltip: { trigger: "item", formatter: "{b}：{c} 件（{d}%）" },
      title: {
        text: String(total),
        subtext: "件在办",
        left: "center",
        top: "41%",
        textStyle: { fontSize: 22, fontWeight: 600 },
        subtextStyle: { fontSize: 12, color: COLOURS.axis },
        itemGap: 2,
      },
      series: [
        {
          type: "pie",
          radius: ["46%", "70%"],
          center: ["50%", "52%"],
          avoidLabelOverlap: true,
          label: { formatter: "{b}\n{c} 件" },
          data: data.map(function (item) {
            // A colour with no case keeps its legend entry but draws no label.
            var shown = item.value > 0;
            return {
              name: item.name,
              value: item.value,
              itemStyle: { color: RISK[item.colour] },
              label: { show: shown },
              labelLine: { show: shown },
            };
          }),
        },
      ],
    });
  }

  var BUILDERS = {
    trend: { build: trend, values: function (d) { return sum(d.received) + sum(d.resolved); } },
    type: { build: breakdown, rows: true },
    channel: { build: breakdown, rows: true },
    level: { build: level, rows: true },
    region: { build: region, rows: true },
    handoff: { build: handoff, values: function (d) { return sum(d.pushed); } },
    risk: {
      build: risk,
      values: function (d) {
        return sum(d.map(function (item) { return item.value; }));
      },
    },
  };

  function isEmpty(builder, data) {
    if (!data) {
      return true;
    }
    if (builder.rows) {
      return !data.labels || data.labels.length === 0;
    }
    return builder.values(data) === 0;
  }

  function showEmpty(element) {
    element.classList.add("chart-empty");
    element.removeAttribute("role");
    element.textContent = "本期没有数据";
  }

  function draw(element, all, charts) {
    var name = element.getAttribute("data-chart");
    var builder = BUILDERS[name];
    var data = all[name];
    if (!builder || isEmpty(builder, data)) {
      showEmpty(element);
      return;
    }
    if (builder.rows) {
      // One row of bars per category: the chart grows with the list.
      element.style.height = Math.max(220, data.labels.length * ROW_HEIGHT + 90) + "px";
    }
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption(builder.build(data));
    element.setAttribute("data-rendered", "true");
    charts.push(chart);
  }

  function resizeAll(charts) {
    charts.forEach(function (chart) {
      chart.resize();
    });
  }

  function wirePrint(charts) {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () {
        window.print();
      });
    });
    window.addEventListener("beforeprint", function () {
      resizeAll(charts);
    });
    window.addEventListener("afterprint", function () {
      resizeAll(charts);
    });
  }

  function start() {
    var charts = [];
    var all = readData();
    if (all && window.echarts) {
      document.querySelectorAll("[data-chart]").forEach(function (element) {
        draw(element, all, charts);
      });
    }
    var pending = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(function () {
        resizeAll(charts);
      }, 150);
    });
    wirePrint(charts);
  }

  start();
})();
