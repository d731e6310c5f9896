// The arithmetic of an event's delivery cost: what a CDN sends per hour to an
// audience spread over a ladder, and what that costs at a price per GB. Pure
// functions, so the design essay's check (1 M viewers at 3 Mbps is about
// 1.35 PB an hour) is a unit test.
#pragma once

#include <QString>

#include <cstdint>
#include <string>
#include <vector>

namespace vigil::ui {

struct RenditionShare {
  std::string id;
  double sharePercent = 0;  // of the audience watching this rendition
  int64_t bitrateBps = 0;   // what one viewer of it receives (video and audio)
};

struct EgressEstimate {
  double shareTotalPercent = 0;  // the shares as given; the estimate scales them to 100 %
  double meanBitrateBps = 0;     // per viewer
  double bytesPerHour = 0;       // for the whole audience (decimal units: 1 PB = 1e15 bytes)
  double costPerHour = 0;        // in the price's currency
};

// pricePerGb: the CDN's price per decimal gigabyte (1e9 bytes).
EgressEstimate estimateEgress(const std::vector<RenditionShare>& mix, double viewers, double pricePerGb);

// Whole percentages summing to 100, the top of the ladder (first) watched
// most: weights n, n-1, ..., 1 (three rungs: 50 / 33 / 17).
std::vector<double> defaultSharesPercent(size_t renditions);

// "1.35 PB", "733 TB", "12.5 GB" (decimal units, three significant figures).
QString formatBytes(double bytes);
// "3.00 Tbps", "428 Gbps", "3.00 Mbps", "450 kbps" (edge throughput or a rendition).
QString formatBitrate(double bps);

}  // namespace vigil::ui
