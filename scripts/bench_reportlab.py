#!/usr/bin/env python3
"""The reportlab side of the pack benchmark (crates/qbr-render/benches/pack.rs runs it beside its
own figures): PAGES landscape A4 pages, each with one trend chart comparable to the pack's --
title, legend, 52 weekly values and their 4-week moving average, a dashed target line, two
labelled event markers, a value axis with gridlines and thinned week labels -- drawn with
reportlab's LinePlot and written to a compressed PDF in memory. Prints the median of RUNS runs as
JSON: {"pages": N, "seconds": S, "ms_per_chart": M, "bytes": B}.

Usage: python3 scripts/bench_reportlab.py [PAGES] [RUNS]   (pip install reportlab)
"""
import io
import json
import math
import statistics
import sys
import time

from reportlab.graphics import renderPDF
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

PAGES = int(sys.argv[1]) if len(sys.argv) > 1 else 20
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 7
W, H = landscape(A4)


def series(k):
    """52 weekly values around 81% with a dip, like the pack's service level."""
    values = [0.81 + 0.02 * math.sin(i / 3 + k) - (0.05 if 30 <= i < 38 else 0) for i in range(52)]
    ma = [None if i < 3 else sum(values[i - 3:i + 1]) / 4 for i in range(52)]
    return values, ma


def chart(k):
    values, ma = series(k)
    d = Drawing(W - 100, 230)
    d.add(String(0, 215, f"Service level {k}, week by week", fontName="Helvetica-Bold", fontSize=10))
    lp = LinePlot()
    lp.x, lp.y, lp.width, lp.height = 40, 30, W - 160, 150
    lp.data = [
        [(i, v) for i, v in enumerate(values)],
        [(i, v) for i, v in enumerate(ma) if v is not None],
    ]
    lp.lines[0].strokeColor = colors.HexColor("#0072B2")
    lp.lines[0].strokeWidth = 1.2
    lp.lines[1].strokeColor = colors.HexColor("#66AAD1")
    lp.lines[1].strokeDashArray = (3, 2)
    lp.xValueAxis.valueMin, lp.xValueAxis.valueMax = 0, 51
    lp.xValueAxis.valueSteps = list(range(0, 52, 4))
    lp.xValueAxis.labelTextFormat = lambda i: f"2026-W{int(i) + 1:02d}"
    lp.xValueAxis.labels.fontSize = 7
    lp.yValueAxis.valueMin, lp.yValueAxis.valueMax, lp.yValueAxis.valueStep = 0.70, 0.90, 0.05
    lp.yValueAxis.labelTextFormat = lambda v: f"{v * 100:.0f}%"
    lp.yValueAxis.labels.fontSize = 7
    lp.yValueAxis.visibleGrid = 1
    lp.yValueAxis.gridStrokeColor = colors.HexColor("#E2E2E2")
    d.add(lp)
    # The target, dashed across the plot.
    ty = lp.y + (0.82 - 0.70) / 0.20 * lp.height
    d.add(Line(lp.x, ty, lp.x + lp.width, ty, strokeColor=colors.HexColor("#333333"), strokeDashArray=(4, 3)))
    # Two event markers with their labels above the plot.
    for n, at in ((1, 30), (2, 38)):
        x = lp.x + at / 51 * lp.width
        d.add(Line(x, lp.y, x, lp.y + lp.height + 8, strokeColor=colors.HexColor("#444444"), strokeDashArray=(1, 2)))
        d.add(String(x + 3, lp.y + lp.height + 4, str(n), fontName="Helvetica-Bold", fontSize=7))
    legend = Legend()
    legend.x, legend.y = 0, 205
    legend.columnMaximum = 1
    legend.fontSize = 7
    legend.colorNamePairs = [
        (colors.HexColor("#0072B2"), "Service level"),
        (colors.HexColor("#66AAD1"), "4-week average"),
        (colors.HexColor("#333333"), "Target ≥ 82.0%"),
    ]
    legend.alignment = "right"
    legend.deltax = 90
    legend.columnMaximum = 1
    legend.dxTextSpace = 4
    d.add(legend)
    d.add(String(0, 5, "1 Firmware roll-out: cause   2 Overflow to Kraków: action started", fontSize=7))
    return d


def pack():
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(W, H), pageCompression=1)
    for k in range(PAGES):
        c.setFont("Helvetica-Bold", 16)
        c.drawString(50, H - 60, f"Service level {k} fell 6.0 pp to 77.8%, below the 82.0% target")
        renderPDF.draw(chart(k), c, 50, H - 330)
        c.showPage()
    c.save()
    return buf.getvalue()


pack()  # warm-up: imports, font metrics
times = []
for _ in range(RUNS):
    t = time.perf_counter()
    data = pack()
    times.append(time.perf_counter() - t)
s = statistics.median(times)
print(json.dumps({"pages": PAGES, "seconds": s, "ms_per_chart": s / PAGES * 1000, "bytes": len(data)}))
