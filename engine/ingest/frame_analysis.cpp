#include "ingest/frame_analysis.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

extern "C" {
#include <libavutil/frame.h>
#include <libavutil/pixdesc.h>
#include <libavutil/samplefmt.h>
}

namespace vigil::ingest {
namespace {

// Limited-range video black is 16; blackdetect's default pixel threshold is
// 10 % of the range above it.
constexpr int kBlackLuma = 16 + 22;
// Coding noise of a re-encoded still moves block means by a fraction of a level.
constexpr double kRepeatMeanDistance = 0.6;
constexpr int kRepeatMaxBlockDelta = 3;
// Two encodes of one picture (two encoders, two bitrates) stay within a few levels.
constexpr double kSameDistance = 4.0;
// How much later than the reference the other feed may deliver a picture.
constexpr int64_t kMaxLag90k = 90'000;

bool hasLumaPlane(int format) {
  const AVPixFmtDescriptor* d = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(format));
  return d && !(d->flags & AV_PIX_FMT_FLAG_RGB) && !(d->flags & AV_PIX_FMT_FLAG_PAL) && d->comp[0].depth == 8 &&
         d->comp[0].plane == 0 && d->comp[0].step == 1;
}

}  // namespace

PictureSignature signatureOf(const AVFrame* f) {
  PictureSignature s;
  if (!f || f->width < PictureSignature::kGrid * 2 || f->height < PictureSignature::kGrid * 2 ||
      !hasLumaPlane(f->format) || !f->data[0])
    return s;
  constexpr int g = PictureSignature::kGrid;
  for (int by = 0; by < g; ++by) {
    const int y0 = f->height * by / g;
    const int y1 = f->height * (by + 1) / g;
    for (int bx = 0; bx < g; ++bx) {
      const int x0 = f->width * bx / g;
      const int x1 = f->width * (bx + 1) / g;
      uint64_t sum = 0;
      uint64_t n = 0;
      for (int y = y0; y < y1; y += 2) {
        const uint8_t* row = f->data[0] + static_cast<ptrdiff_t>(y) * f->linesize[0];
        for (int x = x0; x < x1; x += 2) sum += row[x];
        n += static_cast<uint64_t>((x1 - x0 + 1) / 2);
      }
      s.blocks[static_cast<size_t>(by * g + bx)] = static_cast<uint8_t>(n ? sum / n : 0);
    }
  }
  s.valid = true;
  return s;
}

bool isBlack(const PictureSignature& s) {
  return s.valid && std::all_of(s.blocks.begin(), s.blocks.end(), [](uint8_t v) { return v <= kBlackLuma; });
}

double distance(const PictureSignature& a, const PictureSignature& b) {
  int sum = 0;
  for (size_t i = 0; i < a.blocks.size(); ++i) sum += std::abs(int{a.blocks[i]} - int{b.blocks[i]});
  return static_cast<double>(sum) / static_cast<double>(a.blocks.size());
}

bool isRepeat(const PictureSignature& previous, const PictureSignature& current) {
  if (!previous.valid || !current.valid) return false;
  int worst = 0;
  for (size_t i = 0; i < current.blocks.size(); ++i)
    worst = std::max(worst, std::abs(int{previous.blocks[i]} - int{current.blocks[i]}));
  return worst <= kRepeatMaxBlockDelta && distance(previous, current) <= kRepeatMeanDistance;
}

float audioPeak(const AVFrame* f) {
  if (!f || f->nb_samples <= 0) return 0;
  const int channels = f->ch_layout.nb_channels;
  float peak = 0;
  auto scan = [&](const auto* p, size_t n, float scale) {
    for (size_t i = 0; i < n; ++i) peak = std::max(peak, std::fabs(static_cast<float>(p[i]) * scale));
  };
  const auto samples = static_cast<size_t>(f->nb_samples);
  switch (f->format) {
    case AV_SAMPLE_FMT_FLTP:
      for (int c = 0; c < channels && c < AV_NUM_DATA_POINTERS; ++c)
        scan(reinterpret_cast<const float*>(f->extended_data[c]), samples, 1.0f);
      break;
    case AV_SAMPLE_FMT_FLT:
      scan(reinterpret_cast<const float*>(f->data[0]), samples * static_cast<size_t>(channels), 1.0f);
      break;
    case AV_SAMPLE_FMT_S16P:
      for (int c = 0; c < channels && c < AV_NUM_DATA_POINTERS; ++c)
        scan(reinterpret_cast<const int16_t*>(f->extended_data[c]), samples, 1.0f / 32768);
      break;
    case AV_SAMPLE_FMT_S16:
      scan(reinterpret_cast<const int16_t*>(f->data[0]), samples * static_cast<size_t>(channels), 1.0f / 32768);
      break;
    default:
      return 1.0f;  // unknown layout: never call it silent
  }
  return peak;
}

std::optional<Alignment> align(const std::deque<StampedSignature>& reference, const std::deque<StampedSignature>& other,
                               int window) {
  if (reference.size() < 2 || other.empty()) return std::nullopt;
  Alignment a;
  std::map<int64_t, int> votes;  // delta -> reference frames whose best match has it
  double distanceSum = 0;
  // Reference pictures from a while back: the other feed may deliver the
  // newest ones up to that much later (a longer path, SRT's latency).
  const int64_t newest = reference.back().pts90k;
  size_t end = reference.size();
  while (end > 1 && reference[end - 1].pts90k > newest - kMaxLag90k) --end;
  const size_t first = end > static_cast<size_t>(window) + 1 ? end - window : 1;
  for (size_t i = first; i < end; ++i) {
    const auto& ref = reference[i];
    if (!ref.signature.valid || isRepeat(reference[i - 1].signature, ref.signature)) continue;
    double best = 1e9;
    int64_t bestDelta = 0;
    for (const auto& o : other) {
      if (!o.signature.valid) continue;
      const double d = distance(ref.signature, o.signature);
      if (d < best) best = d, bestDelta = o.pts90k - ref.pts90k;
    }
    if (best > kSameDistance) {
      ++a.compared;
      continue;
    }
    ++votes[bestDelta];
    ++a.compared;
    distanceSum += best;
  }
  if (a.compared < 3) return std::nullopt;
  const auto top =
      std::max_element(votes.begin(), votes.end(), [](const auto& x, const auto& y) { return x.second < y.second; });
  if (top == votes.end()) return a;  // nothing matched: a different programme
  a.delta90k = top->first;
  a.matched = top->second;
  a.meanDistance = distanceSum / std::max(1, a.compared);
  a.sameProgramme = a.matched * 5 >= a.compared * 4;  // 80 % agree on one delta
  return a;
}

}  // namespace vigil::ingest
