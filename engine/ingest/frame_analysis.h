// What is measured on decoded frames: by the input switch on every frame of
// every input (cheap enough for 1080p60 on each of two inputs), by a pipeline
// on a decode of its own output. A coarse luma signature (8x8 block means) for
// black and freeze detection and for telling whether two feeds carry the same
// programme, and the audio peak for silence detection.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <optional>

struct AVFrame;

namespace vigil::ingest {

struct PictureSignature {
  static constexpr int kGrid = 8;
  std::array<uint8_t, kGrid * kGrid> blocks{};  // mean luma of each block, 0..255
  bool valid = false;                           // false: a pixel format without a luma plane
};

// The signature of a decoded video frame (planar or semi-planar YUV; every
// second pixel of every second row is enough for block means).
PictureSignature signatureOf(const AVFrame* frame);

// Black as blackdetect defines it: no block brighter than 10 % above video black.
bool isBlack(const PictureSignature& s);
// Mean absolute difference of the block means (0: the same picture).
double distance(const PictureSignature& a, const PictureSignature& b);
// A picture no different from the previous one beyond coding noise.
bool isRepeat(const PictureSignature& previous, const PictureSignature& current);

// The largest absolute sample of an fltp / flt / s16 audio frame, 0..1.
float audioPeak(const AVFrame* frame);
// -60 dBFS.
inline constexpr float kSilencePeak = 0.001f;

// One analysed video frame of an input, on the channel timeline.
struct StampedSignature {
  int64_t pts90k = 0;
  PictureSignature signature;
};

// How two inputs relate: whether the recent pictures of other are the recent
// pictures of reference shifted by a constant delta (same programme), and
// that delta (other's pts minus reference's pts for the same picture).
struct Alignment {
  bool sameProgramme = false;
  int64_t delta90k = 0;
  int matched = 0;   // reference frames whose best match agrees on delta
  int compared = 0;  // reference frames compared
  double meanDistance = 0;
};

// Compares `window` pictures of reference, those from 1 s before its newest
// (the other feed may lag it by up to that), with every picture of other. Pictures that repeat (a still) are skipped:
// they cannot place a delta. Nothing when either side has too few distinct pictures.
std::optional<Alignment> align(const std::deque<StampedSignature>& reference, const std::deque<StampedSignature>& other,
                               int window = 15);

}  // namespace vigil::ingest
