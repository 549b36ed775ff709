#pragma once

#include <string>
#include <utility>
#include <vector>

namespace mqtk::apps::bench {

// One axis of a chart panel: its range, linear or logarithmic (base 10), and labelled ticks.
struct chart_axis {
  double min = 0, max = 1;
  bool log = false;
  std::vector<std::pair<double, std::string>> ticks; // value, label
  std::string label;                                 // "elapsed (s)"
};

// One line of a panel, in data coordinates.
struct chart_series {
  std::string label; // legend text
  std::string color; // "#1f77b4"
  std::vector<std::pair<double, double>> points;
};

// One chart: a title above a plot area with a legend, axes, grid and lines; note replaces the
// lines when there is nothing to draw.
struct chart_panel {
  std::string title;
  chart_axis x, y;
  std::vector<chart_series> series;
  std::string note;
};

// A linear axis from 0 (or min) to a round number 5% or more above max, with 4 to 10 ticks of 1, 2 or 5
// times a power of ten; labels say 1.5k, 20M for large values.
chart_axis linear_axis(double min, double max, std::string label);
// A base-10 logarithmic axis covering [min, max] (both > 0) in whole decades, a tick per decade.
chart_axis log_axis(double min, double max, std::string label);

// The whole SVG document: title and subtitle on top, then the panels one below the other. Self
// contained (no scripts, fonts, styles or images from elsewhere); every text is XML-escaped and
// control characters are shown as escapes. Each plot area is a <rect class="plot-area">.
std::string render_svg(const std::string &title, const std::string &subtitle, const std::vector<chart_panel> &panels);

// Appends text XML-escaped (&, <, >, ", ') with control characters shown as escapes ("\x1b").
void append_xml_text(std::string &out, const std::string &text);

} // namespace mqtk::apps::bench
