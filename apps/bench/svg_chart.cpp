// mqtk-bench: small self-contained SVG line charts for --plot.
#include "bench/svg_chart.hpp"

#include "common/text_escape.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mqtk::apps::bench {

namespace {

constexpr double width = 960, left = 80, right = 930, header_height = 64;
constexpr double panel_title_height = 28, area_height = 180, panel_height = 250;

std::string format(const char *pattern, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, pattern, v);
  return buf;
}

std::string short_number(double v) {
  const double a = std::fabs(v);
  if (a >= 1e9)
    return format("%gG", v / 1e9);
  if (a >= 1e6)
    return format("%gM", v / 1e6);
  if (a >= 1e4)
    return format("%gk", v / 1e3);
  return format("%g", v);
}

double position(const chart_axis &axis, double v, double from, double to) {
  double lo = axis.min, hi = axis.max;
  if (axis.log) {
    v = std::log10(std::max(v, axis.min));
    lo = std::log10(lo);
    hi = std::log10(hi);
  }
  const double t = hi > lo ? (std::clamp(v, std::min(lo, hi), std::max(lo, hi)) - lo) / (hi - lo) : 0;
  return from + t * (to - from);
}

void append_text(std::string &out, double x, double y, const char *anchor, const std::string &text,
                 const char *extra = "") {
  out += "<text x=\"" + format("%.1f", x) + "\" y=\"" + format("%.1f", y) + "\" text-anchor=\"" + anchor + "\"" +
         extra + ">";
  append_xml_text(out, text);
  out += "</text>\n";
}

void append_line(std::string &out, double x1, double y1, double x2, double y2, const char *stroke,
                 const char *extra = "") {
  out += "<line x1=\"" + format("%.1f", x1) + "\" y1=\"" + format("%.1f", y1) + "\" x2=\"" + format("%.1f", x2) +
         "\" y2=\"" + format("%.1f", y2) + "\" stroke=\"" + stroke + "\"" + extra + "/>\n";
}

void append_panel(std::string &out, const chart_panel &panel, double top) {
  const double area_top = top + panel_title_height, area_bottom = area_top + area_height;
  out += "<g class=\"panel\">\n";
  append_text(out, left, top + 18, "start", panel.title, " font-weight=\"bold\" font-size=\"13\"");
  // Legend, right-aligned on the title line.
  double legend_x = right;
  for (auto it = panel.series.rbegin(); it != panel.series.rend(); ++it) {
    const double text_width = 7.0 * static_cast<double>(it->label.size());
    append_text(out, legend_x, top + 18, "end", it->label);
    legend_x -= text_width + 6;
    append_line(out, legend_x - 18, top + 14, legend_x, top + 14, it->color.c_str(), " stroke-width=\"3\"");
    legend_x -= 30;
  }
  out += "<rect class=\"plot-area\" x=\"" + format("%.1f", left) + "\" y=\"" + format("%.1f", area_top) +
         "\" width=\"" + format("%.1f", right - left) + "\" height=\"" + format("%.1f", area_height) +
         "\" fill=\"white\" stroke=\"#444\"/>\n";
  for (const auto &[value, label] : panel.y.ticks) {
    const double y = position(panel.y, value, area_bottom, area_top);
    append_line(out, left, y, right, y, "#e0e0e0");
    append_line(out, left - 4, y, left, y, "#444");
    append_text(out, left - 7, y + 4, "end", label);
  }
  for (const auto &[value, label] : panel.x.ticks) {
    const double x = position(panel.x, value, left, right);
    append_line(out, x, area_top, x, area_bottom, "#e0e0e0");
    append_line(out, x, area_bottom, x, area_bottom + 4, "#444");
    append_text(out, x, area_bottom + 17, "middle", label);
  }
  append_text(out, (left + right) / 2, area_bottom + 34, "middle", panel.x.label);
  append_text(out, 16, (area_top + area_bottom) / 2, "middle", panel.y.label,
              (" transform=\"rotate(-90 16 " + format("%.1f", (area_top + area_bottom) / 2) + ")\"").c_str());
  bool drawn = false;
  for (const auto &series : panel.series) {
    if (series.points.empty())
      continue;
    drawn = true;
    std::string points;
    for (const auto &[x, y] : series.points)
      points += format("%.1f", position(panel.x, x, left, right)) + "," +
                format("%.1f", position(panel.y, y, area_bottom, area_top)) + " ";
    points.pop_back();
    out += "<polyline class=\"series\" fill=\"none\" stroke=\"" + series.color +
           "\" stroke-width=\"2\" stroke-linejoin=\"round\" points=\"" + points + "\"/>\n";
    if (series.points.size() <= 60)
      for (const auto &[x, y] : series.points)
        out += "<circle cx=\"" + format("%.1f", position(panel.x, x, left, right)) + "\" cy=\"" +
               format("%.1f", position(panel.y, y, area_bottom, area_top)) + "\" r=\"2.5\" fill=\"" + series.color +
               "\"/>\n";
  }
  if (!drawn || !panel.note.empty())
    append_text(out, (left + right) / 2, (area_top + area_bottom) / 2, "middle",
                panel.note.empty() ? "no data" : panel.note, " fill=\"#666\"");
  out += "</g>\n";
}

} // namespace

void append_xml_text(std::string &out, const std::string &text) {
  for (char c : escaped(text)) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&apos;";
      break;
    default:
      out += c;
    }
  }
}

chart_axis linear_axis(double min, double max, std::string label) {
  chart_axis axis;
  axis.label = std::move(label);
  axis.min = std::min(min, 0.0);
  if (!(max > axis.min))
    max = axis.min + 1;
  max += (max - axis.min) * 0.05; // headroom: a line at the maximum stays off the frame
  const double raw = (max - axis.min) / 5;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * magnitude >= raw) {
      step = m * magnitude;
      break;
    }
  axis.max = std::ceil(max / step - 1e-9) * step;
  for (double v = axis.min; v <= axis.max + step / 2; v += step)
    axis.ticks.emplace_back(v, short_number(std::fabs(v) < step / 2 ? 0 : v));
  return axis;
}

chart_axis log_axis(double min, double max, std::string label) {
  chart_axis axis;
  axis.label = std::move(label);
  axis.log = true;
  min = min > 0 ? min : 1e-3;
  max = std::max(max, min);
  const int low = static_cast<int>(std::floor(std::log10(min)));
  int high = static_cast<int>(std::ceil(std::log10(max)));
  if (high <= low)
    high = low + 1;
  axis.min = std::pow(10.0, low);
  axis.max = std::pow(10.0, high);
  for (int e = low; e <= high; ++e)
    axis.ticks.emplace_back(std::pow(10.0, e), e >= 0 ? format("%.0f", std::pow(10.0, e)) : format("%g", std::pow(10.0, e)));
  return axis;
}

std::string render_svg(const std::string &title, const std::string &subtitle, const std::vector<chart_panel> &panels) {
  const double height = header_height + panel_height * static_cast<double>(panels.size()) + 10;
  std::string out;
  out.reserve(16384);
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + format("%.0f", width) + "\" height=\"" +
         format("%.0f", height) + "\" viewBox=\"0 0 " + format("%.0f", width) + " " + format("%.0f", height) +
         "\" font-family=\"sans-serif\" font-size=\"11\">\n<title>";
  append_xml_text(out, title);
  out += "</title>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  append_text(out, left, 24, "start", title, " font-weight=\"bold\" font-size=\"16\"");
  append_text(out, left, 44, "start", subtitle, " fill=\"#444\"");
  double top = header_height;
  for (const auto &panel : panels) {
    append_panel(out, panel, top);
    top += panel_height;
  }
  out += "</svg>\n";
  return out;
}

} // namespace mqtk::apps::bench
