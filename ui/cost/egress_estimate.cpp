#include "cost/egress_estimate.h"

#include <QLocale>

#include <algorithm>
#include <cmath>

namespace vigil::ui {
namespace {

QString threeFigures(double v) {
  const int decimals = v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return QLocale().toString(v, 'f', decimals);
}

}  // namespace

EgressEstimate estimateEgress(const std::vector<RenditionShare>& mix, double viewers, double pricePerGb) {
  EgressEstimate e;
  for (const auto& r : mix) e.shareTotalPercent += std::max(0.0, r.sharePercent);
  if (e.shareTotalPercent <= 0) return e;
  for (const auto& r : mix)
    e.meanBitrateBps += std::max(0.0, r.sharePercent) / e.shareTotalPercent * static_cast<double>(r.bitrateBps);
  constexpr double kSecondsPerHour = 3600;
  constexpr double kBitsPerByte = 8;
  constexpr double kBytesPerGb = 1e9;
  e.bytesPerHour = viewers * e.meanBitrateBps / kBitsPerByte * kSecondsPerHour;
  e.costPerHour = e.bytesPerHour / kBytesPerGb * pricePerGb;
  return e;
}

std::vector<double> defaultSharesPercent(size_t renditions) {
  std::vector<double> out(renditions, 0);
  if (renditions == 0) return out;
  const double weightSum = static_cast<double>(renditions * (renditions + 1) / 2);
  // Largest remainder: whole percentages that add up to exactly 100.
  std::vector<std::pair<double, size_t>> remainders;
  int given = 0;
  for (size_t i = 0; i < renditions; ++i) {
    const double exact = 100.0 * static_cast<double>(renditions - i) / weightSum;
    out[i] = std::floor(exact);
    given += static_cast<int>(out[i]);
    remainders.emplace_back(exact - out[i], i);
  }
  std::stable_sort(remainders.begin(), remainders.end(), [](auto& a, auto& b) { return a.first > b.first; });
  for (size_t k = 0; given < 100; ++k, ++given) out[remainders[k % renditions].second] += 1;
  return out;
}

QString formatBytes(double bytes) {
  struct Unit {
    double size;
    const char* name;
  };
  static const Unit units[] = {{1e15, "PB"}, {1e12, "TB"}, {1e9, "GB"}, {1e6, "MB"}};
  for (const auto& u : units)
    if (bytes >= u.size) return threeFigures(bytes / u.size) + QLatin1Char(' ') + QLatin1String(u.name);
  return threeFigures(bytes / 1e6) + QStringLiteral(" MB");
}

QString formatBitrate(double bps) {
  if (bps >= 1e12) return threeFigures(bps / 1e12) + QStringLiteral(" Tbps");
  if (bps >= 1e9) return threeFigures(bps / 1e9) + QStringLiteral(" Gbps");
  if (bps >= 1e6) return QLocale().toString(bps / 1e6, 'f', 2) + QStringLiteral(" Mbps");
  return QLocale().toString(bps / 1e3, 'f', 0) + QStringLiteral(" kbps");
}

}  // namespace vigil::ui
