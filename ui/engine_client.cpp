#include "engine_client.h"

#include <algorithm>
#include <chrono>
#include <functional>

#include "qt_string.h"

namespace vigil::ui {

namespace {

int64_t nowUtcUs() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

EngineClient::EngineClient(std::shared_ptr<control::EngineApi> api, QString label, QObject* parent)
    : QObject(parent), api_(std::move(api)), label_(std::move(label)) {
  pool_.setMaxThreadCount(2);
}

EngineClient::~EngineClient() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (poller_.joinable()) poller_.join();
  pool_.waitForDone();
}

void EngineClient::start(int pollMs) {
  if (poller_.joinable()) return;
  pollMs_ = std::max(50, pollMs);
  poller_ = std::thread([this] { pollLoop(); });
}

void EngineClient::refreshNow() {
  {
    std::lock_guard lock(mutex_);
    refreshRequested_ = true;
  }
  wake_.notify_all();
}

void EngineClient::pollLoop() {
  for (;;) {
    EngineSnapshot snap;
    snap.channels = api_->channels();
    snap.openAlarms = api_->alarms({}, true, 500);
    snap.error = api_->unreachableReason();
    snap.reachable = snap.error.empty();
    snap.takenUtcUs = nowUtcUs();
    std::vector<store::EventRecord> fresh;
    for (auto& e : api_->events("*", 100)) {
      if (e.id <= lastEventId_) break;  // newest first
      fresh.push_back(std::move(e));
    }
    if (!fresh.empty()) lastEventId_ = fresh.front().id;
    QMetaObject::invokeMethod(
        this,
        [this, snap = std::move(snap), fresh = std::move(fresh)]() mutable {
          apply(std::move(snap), std::move(fresh));
        },
        Qt::QueuedConnection);

    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(pollMs_), [this] { return stopping_ || refreshRequested_; });
    if (stopping_) return;
    refreshRequested_ = false;
  }
}

void EngineClient::apply(EngineSnapshot snap, std::vector<store::EventRecord> fresh) {
  const bool wasReachable = snapshot_.reachable;
  snapshot_ = std::move(snap);
  if (wasReachable != snapshot_.reachable) emit reachabilityChanged(snapshot_.reachable, qs(snapshot_.error));
  if (!fresh.empty()) {
    for (auto it = fresh.rbegin(); it != fresh.rend(); ++it) events_.push_front(*it);
    while (events_.size() > kEventMemory) events_.pop_back();
    emit eventsArrived(fresh);
  }
  emit snapshotUpdated();
}

const control::ChannelStatus* EngineClient::channel(const std::string& id) const {
  for (const auto& c : snapshot_.channels)
    if (c.id == id) return &c;
  return nullptr;
}

std::vector<monitor::Alarm> EngineClient::openAlarmsOf(const std::string& channelId) const {
  std::vector<monitor::Alarm> out;
  for (const auto& a : snapshot_.openAlarms)
    if (a.key.channelId == channelId) out.push_back(a);
  return out;
}

void EngineClient::setOperatorName(const QString& name) {
  const QString trimmed = name.trimmed();
  operatorName_ = trimmed.isEmpty() ? QStringLiteral("operator") : trimmed;
}

void EngineClient::runAction(const QString& what,
                             std::function<Status(control::EngineApi&, const std::string& actor)> action) {
  const std::string actor = operatorName_.toStdString();
  call(
      this, [action = std::move(action), actor](control::EngineApi& api) { return action(api, actor); },
      [this, what](const Status& s) {
        emit actionFinished(what, s.isOk(), qs(s.message()));
        refreshNow();
      });
}

void EngineClient::selectInput(const std::string& channelId, const std::string& inputId, bool force) {
  runAction(tr("switch %1 to input %2").arg(qs(channelId), qs(inputId)),
            [=](control::EngineApi& api, const std::string& actor) {
              return api.selectInput(channelId, inputId, force, actor);
            });
}

void EngineClient::holdOnBackup(const std::string& channelId, bool hold) {
  runAction(
      hold ? tr("hold %1 on its backup").arg(qs(channelId)) : tr("release the hold of %1").arg(qs(channelId)),
      [=](control::EngineApi& api, const std::string& actor) { return api.holdOnBackup(channelId, hold, actor); });
}

void EngineClient::regionFailover(const std::string& channelId) {
  runAction(tr("fail %1 over to the standby region").arg(qs(channelId)),
            [=](control::EngineApi& api, const std::string& actor) { return api.regionFailover(channelId, actor); });
}

void EngineClient::preferPipeline(const std::string& channelId, int pipeline) {
  runAction(tr("prefer pipeline %1 on %2").arg(pipeline).arg(qs(channelId)),
            [=](control::EngineApi& api, const std::string& actor) {
              return api.preferPipeline(channelId, pipeline, actor);
            });
}

void EngineClient::restartPipeline(const std::string& channelId, int pipeline) {
  runAction(tr("restart pipeline %1 of %2").arg(pipeline).arg(qs(channelId)),
            [=](control::EngineApi& api, const std::string& actor) {
              return api.restartPipeline(channelId, pipeline, actor);
            });
}

void EngineClient::startChannel(const std::string& channelId) {
  runAction(tr("start %1").arg(qs(channelId)),
            [=](control::EngineApi& api, const std::string& actor) { return api.startChannel(channelId, actor); });
}

void EngineClient::stopChannel(const std::string& channelId) {
  runAction(tr("stop %1").arg(qs(channelId)),
            [=](control::EngineApi& api, const std::string& actor) { return api.stopChannel(channelId, actor); });
}

void EngineClient::acknowledgeAlarm(int64_t alarmId) {
  runAction(tr("acknowledge alarm %1").arg(alarmId),
            [=](control::EngineApi& api, const std::string& actor) { return api.acknowledgeAlarm(alarmId, actor); });
}

void EngineClient::addChannel(const ChannelSpec& spec) {
  runAction(tr("save channel %1").arg(qs(spec.id)),
            [=](control::EngineApi& api, const std::string& actor) { return api.addChannel(spec, actor); });
}

void EngineClient::rehearse(const std::string& channelId, const std::string& kind, int observeMs) {
  const std::string actor = operatorName_.toStdString();
  call(
      this, [=](control::EngineApi& api) { return api.rehearse(channelId, kind, observeMs, actor); },
      [this, channelId](const Result<control::RehearsalReport>& r) {
        emit rehearsalFinished(qs(channelId), r.isOk(), r.isOk() ? r.value() : control::RehearsalReport{},
                               qs(r.message()));
        refreshNow();
      });
}

}  // namespace vigil::ui
