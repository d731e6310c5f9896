// The InputSwitch of a channel (DESIGN.md, switch/): every contribution input
// of the channel decodes into one of its ports all the time (hot standby); it
// hands the on-air input's frames to the pipeline and measures every input's
// health, failing over when the on-air one is lost, undecodable, black, silent
// or frozen, and returning to the primary once it has been healthy for a
// hold-off time (at a segment boundary), unless an operator holds it on the
// backup. With no input at all it puts the slate on air, so the channel's
// heartbeat never stops.
//
// The switch is invisible downstream: video pts go on rising on the channel
// timeline (the pipeline keeps its IDR grid), audio stays one contiguous run
// of 1024-sample frames (AudioSplicer), nothing is tagged a discontinuity.
// Each input stamps its frames on the channel timeline at its own arrival
// time; when two feeds carry the same programme (the pictures of one are the
// pictures of the other shifted by a constant delta, found by comparing their
// luma signatures), the switch maps the new input by that delta, and replays
// the frames the new input delivered after the last one on air, so a failover
// between identical feeds loses and repeats no frame.
//
// Threads: ports are called on their inputs' threads; the switch's own thread
// (20 ms ticks) judges health, switches and plays the slate. Frames reach the
// sink from one thread at a time, in pts order.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/channel_spec.h"
#include "core/status.h"
#include "core/timeline.h"
#include "ingest/frame_source.h"

namespace vigil::switching {

// Why an input is not fit for air (None: it is).
enum class Fault { None, NoSignal, Undecodable, Black, Silence, Freeze };
const char* toString(Fault f);

// What the switch knows of one input, live.
struct InputHealth {
  std::string id;
  bool onAir = false;
  Fault fault = Fault::NoSignal;  // the first that holds, in the enum's order
  int64_t msSinceVideo = -1;      // -1: no frame yet
  int64_t msSinceAudio = -1;
  int64_t msSincePacket = -1;  // from the input's own probe, when it has one
  bool black = false;
  bool silent = false;
  bool frozen = false;
  int width = 0;
  int height = 0;
  double frameRate = 0;  // measured over the last second
  int64_t videoFrames = 0;
  int64_t audioFrames = 0;
  // Against the input on air (or the primary while on slate): whether this
  // feed carries the same programme, and how far behind (+) or ahead (-) of
  // it its pictures arrive. Unknown (sameProgramme false, hasAlignment false)
  // until both have delivered enough distinct pictures.
  bool hasAlignment = false;
  bool sameProgramme = false;
  double driftMs = 0;
};

struct SwitchEvent {
  int64_t utcUs = 0;
  std::string from;  // input id, or "slate"
  std::string to;
  std::string reason;  // "loss of signal (no video for 512 ms)", "operator", ...
  bool automatic = true;
  int64_t at90k = 0;  // channel timeline time from which the new input is on air
};

struct SwitchStatus {
  std::string onAir;  // input id, or "slate"
  bool holdOnBackup = false;
  bool autoReturn = true;
  bool slateByOperator = false;     // the slate stays until an operator selects an input
  std::vector<InputHealth> inputs;  // in the channel's order (primary first)
  int64_t switches = 0;
  int64_t slateFrames = 0;
  int64_t framesReplayed = 0;  // frames of a new input replayed at a switch
  int64_t audioSamplesTrimmed = 0;
  int64_t audioSilenceInserted = 0;
};

// What the switch may ask of an input besides its frames (optional).
struct InputProbe {
  std::function<int64_t()> lastPacketUtcUs;  // -1: never
};

struct SwitchOptions {
  int tickMs = 20;
  // Frames of every input kept for replay at a switch, beyond the loss threshold.
  int replayMarginMs = 300;
  // An input must have delivered frames this long before it may replace
  // another input (the slate gives way to the primary at once).
  int settleMs = 300;
};

class InputSwitch final : public ingest::FrameSource {
 public:
  // inputIds: the channel's inputs, primary first. timeline must outlive the switch.
  InputSwitch(std::string channelId, std::string channelName, const TestSourceSpec& picture,
              const AudioRenditionSpec& audio, const FailoverSpec& policy, const Timeline& timeline,
              std::vector<std::string> inputIds, SwitchOptions options = {});
  ~InputSwitch() override;
  InputSwitch(const InputSwitch&) = delete;
  InputSwitch& operator=(const InputSwitch&) = delete;

  // The sink input i (in inputIds order) delivers to; valid for the switch's lifetime.
  ingest::FrameSink* port(size_t i);
  void setProbe(size_t i, InputProbe probe);
  // Called on the switch's thread (or an operator's) for every switch; must not block long.
  void onSwitch(std::function<void(const SwitchEvent&)> callback);

  // ingest::FrameSource: starts the switch's thread (slate until an input is fit).
  Status start(ingest::FrameSink* sink) override;
  void stop() override;

  // Operator actions. select() puts an input on air now (it must be fit
  // unless force); "slate" puts the slate on air and keeps it there, however
  // fit the inputs are, until an operator selects one.
  Status select(const std::string& inputId, bool force = false);
  // Latch: never return to the primary automatically while held.
  void holdOnBackup(bool hold);
  void setAutoReturn(bool on);

  SwitchStatus status() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::switching
